"""Run directories written by hand for viewer tests, laid out as `simspace run` does: a real
small result (from tests/report/data), its scenario (clean or hostile), a live file."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from simspace.fileio import write_json
from simspace.judge.facts.compare import compare
from simspace.report.html.page import render_report
from simspace.results.model import CapStep, RunResult
from simspace.scenario.loader import load_scenario
from simspace.scenario.model import Scenario
from simspace.wire.live import LiveSample, LiveStatus
from tests.report.test_html import hostile_result, load_result, make_scenario

SMALL_SPACE = Path(__file__).resolve().parent.parent / "data" / "small_space.yaml"


def small_scenario(variant: str | None = None) -> Scenario:
    return load_scenario(SMALL_SPACE, variant).scenario


def hostile(tmp_path: Path) -> tuple[Scenario, RunResult]:
    """Hostile text in every place a scenario or a run can put text."""
    return make_scenario(tmp_path), hostile_result(load_result())


def capped_result() -> RunResult:
    """The small run with two rooms: the main room capped at 10k from the start and raised to
    15k at +5m; overflow room overflow_a opened at +8m (Space 2) and capped at 5k."""
    run = load_result()
    grid = run.listeners.t
    main = run.spaces[0].model_copy(update={"listeners": list(run.listeners.concurrent)})
    overflow = main.model_copy(
        update={
            "ordinal": 2,
            "space_id": "overflow2",
            "room": "overflow_a",
            "created_at": 480.0,
            "running_at": 485.0,
            "listeners": [3_000.0 if t >= 485.0 else 0.0 for t in grid],
        }
    )
    caps = [
        CapStep(t=run.plan.t_begin, room="main", listeners=10_000.0),
        CapStep(t=300.0, room="main", listeners=15_000.0),
        CapStep(t=480.0, room="overflow_a", listeners=5_000.0),
    ]
    return run.model_copy(update={"spaces": [main, overflow], "caps": caps})


def write_run(
    root: Path,
    name: str,
    *,
    scenario: Scenario | None = None,
    result: RunResult | None = None,
    **changes: Any,
) -> Path:
    """`root/<scenario>/<name>/` with scenario.json, result.json and report.html."""
    scenario = scenario or small_scenario()
    if "scenario_name" in changes:
        changes["scenario"] = changes.pop("scenario_name")
    result = (result or load_result()).model_copy(update=changes)
    directory = root / result.scenario / name
    directory.mkdir(parents=True)
    write_json(directory / "scenario.json", scenario.model_dump(mode="json"))
    write_json(directory / "result.json", result)
    html = render_report(scenario, result, compare(scenario, result), command="simspace run x")
    (directory / "report.html").write_text(html, encoding="utf-8")
    return directory


def live_status(*, state: str = "running", samples: int = 3, **changes: Any) -> LiveStatus:
    fields: dict[str, Any] = {
        "scenario": "small_space",
        "title": "Small test Space",
        "variant": None,
        "engine": "virtual",
        "started_at": "2026-11-30T07:43:32Z",
        "updated_at": time.time(),
        "pid": 1,
        "state": state,
        "message": None,
        "t_begin": -300.0,
        "t_end": 600.0,
        "t": -300.0 + 60.0 * samples,
        "progress": 60.0 * samples / 900.0,
        "event_clock": "20:00:00 EDT (0s)",
        "generator_cpu_percent": 12.0,
        "samples": [
            LiveSample(
                t=-300.0 + 60.0 * i,
                waiting=10.0 * i,
                listening=5.0 * i,
                gave_up=0.0,
                booted=0.0,
                requests_per_s=100.0,
            )
            for i in range(samples)
        ],
    }
    return LiveStatus.model_validate(fields | changes)


def write_live(directory: Path, status: LiveStatus) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    write_json(directory / "live.json", status)
    return directory
