"""The worked example of a capped room with two overflow rooms and a cap raised mid-event
(scenarios/examples/capped_room.yaml), in both engines: its join-success and per-room facts
reproduce, and the hypothesis where the cap is never raised scores differently on join success."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.engine.play import virtual_result
from simspace.judge.facts.compare import compare
from simspace.plan import make_plan
from simspace.report.outputs import load_run
from simspace.results.model import RunResult
from simspace.scenario import load_scenario
from tests.run.cli_runs import ROOT, simspace

EXAMPLE = ROOT / "scenarios" / "examples" / "capped_room.yaml"
ROOM_FACTS = ("got_in_after_raise", "main_room_over_old_cap", "overflow_a_full", "many_refused")


def _virtual(variant: str | None = None) -> tuple[RunResult, dict[str, str]]:
    loaded = load_scenario(str(EXAMPLE), variant)
    plan = make_plan(loaded.scenario, loaded.variant)
    result = virtual_result(loaded.scenario, loaded.variant, plan)
    verdicts = compare(loaded.scenario, result).verdicts
    return result, {v.fact_id: v.verdict for v in verdicts}


def test_the_capped_room_reproduces_in_virtual_time() -> None:
    result, verdicts = _virtual()
    assert {fact: verdicts[fact] for fact in ROOM_FACTS} == dict.fromkeys(ROOM_FACTS, "reproduced")
    assert verdicts["app_record"] == "context"  # about another event: never judged
    rooms = [space.room for space in result.spaces]
    assert rooms == ["main", "overflow_a", "overflow_b"]
    overflow_b = result.spaces[2]
    assert overflow_b.running_at == 600.0  # opened by the operator at +10m
    assert [(c.t, c.room, c.listeners) for c in result.caps if c.room == "main"] == [
        (result.plan.t_begin, "main", 20_000.0),
        (1200.0, "main", 40_000.0),
    ]
    assert "This room is full" in result.metrics.errors_seen


def test_a_cap_never_raised_scores_differently_on_join_success() -> None:
    _, raised = _virtual()
    _, never = _virtual("cap_never_raised")
    assert (raised["got_in_after_raise"], never["got_in_after_raise"]) == (
        "reproduced",
        "not_reproduced",
    )
    assert never["main_room_over_old_cap"] == "not_reproduced"
    assert never["overflow_a_full"] == "reproduced"


@pytest.mark.e2e
@pytest.mark.slow
def test_the_capped_room_reproduces_on_the_stub_with_locust(tmp_path: Path) -> None:
    done = simspace(["run", str(EXAMPLE), "--speedup", "100"], tmp_path)
    assert done.returncode == 0, done.stderr
    (run_dir,) = done.run_dirs()
    report = load_run(run_dir)
    assert report.result.observer.engine == "stub"
    verdicts = {v.fact_id: v.verdict for v in compare(report.scenario, report.result).verdicts}
    assert {fact: verdicts[fact] for fact in ROOM_FACTS} == dict.fromkeys(ROOM_FACTS, "reproduced")
    assert [space.room for space in report.result.spaces] == ["main", "overflow_a", "overflow_b"]
