"""A killed run's `.partial` directory, written by hand: what `simspace run` had written when it
was killed (scenario, plan, live file, observations; the stub's dumps optionally)."""

from __future__ import annotations

import time
from pathlib import Path

from simspace.fileio import write_json
from simspace.plan import make_plan
from simspace.scenario import load_scenario
from simspace.wire.ground_truth import LEDGER_FILE, TIMELINE_FILE, LedgerDump, TimelineDump
from simspace.wire.live import LiveStatus
from simspace.wire.observations import FailureLine, RequestLine, StateLine, encode_line

ROOT = Path(__file__).resolve().parents[2]
CI_SMOKE = ROOT / "scenarios" / "ci_smoke.yaml"
GONE_PID = 2**22 + 12345  # above Linux's pid_max default: no process has it
FAILURE_MESSAGE = "Details not available"


def killed_run(
    parent: Path, *, pid: int = GONE_PID, updated_ago_s: float = 60.0, dumps: bool = False
) -> Path:
    """A `.partial` directory as a run killed at event time -60 leaves it."""
    loaded = load_scenario(CI_SMOKE)
    plan = make_plan(loaded.scenario)
    directory = parent / ".20261130T074332Z-base.partial"
    (directory / "observations").mkdir(parents=True)
    write_json(directory / "scenario.json", loaded.scenario.model_dump(mode="json"))
    write_json(directory / "plan.json", plan)
    write_json(directory / "live.json", _live(plan.t_begin, plan.t_end, pid, updated_ago_s))
    lines: list[StateLine | RequestLine | FailureLine] = [
        StateLine(t=-100.0, id=1, kind="arrived", w=10.0),
        StateLine(t=-100.0, id=1, kind="waiting", w=10.0),
        StateLine(t=-90.0, id=2, kind="arrived", w=10.0),
        RequestLine(t=-90.0, tier="api", name="api: live space", ok_n=3, ok_w=30.0, fail_n=1,
                    fail_w=10.0),
        FailureLine(t=-90.0, tier="api", msg=FAILURE_MESSAGE, n=1, w=10.0),
    ]  # fmt: skip
    text = "".join(encode_line(line) for line in lines)
    (directory / "observations" / "observations-4242.jsonl").write_text(text, encoding="utf-8")
    if dumps:
        write_json(directory / TIMELINE_FILE, TimelineDump())
        write_json(directory / LEDGER_FILE, LedgerDump())
    return directory


def _live(t_begin: float, t_end: float, pid: int, updated_ago_s: float) -> LiveStatus:
    return LiveStatus(
        scenario="ci_smoke",
        title="CI smoke",
        variant=None,
        engine="stub",
        started_at="2026-11-30T07:43:32Z",
        updated_at=time.time() - updated_ago_s,
        pid=pid,
        state="running",
        message=None,
        t_begin=t_begin,
        t_end=t_end,
        t=-60.0,
        progress=0.1,
        event_clock="11:59:00 UTC (-1m)",
        generator_cpu_percent=10.0,
    )
