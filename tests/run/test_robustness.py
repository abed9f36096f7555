"""The robustness step of a run: when it runs, and that neither a failure nor Ctrl-C in it loses
the run (the result stays, without robustness)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from simspace.results.model import TARGET_OBSERVER, VIRTUAL_OBSERVER, RunResult
from simspace.run import robustness as step
from simspace.run.options import RunOptions
from simspace.scenario.loader import LoadedScenario, load_scenario
from tests.report import builders as b

DATA = Path(__file__).resolve().parent.parent / "data"
SMALL = str(DATA / "small_space.yaml")
ROBUST = str(DATA / "robust_space.yaml")


def test_virtual_runs_always_locust_runs_when_asked_never_a_real_target() -> None:
    virtual = b.result().model_copy(update={"observer": VIRTUAL_OBSERVER})
    assert step.robustness_wanted(RunOptions(), virtual)
    stub = b.result()
    assert not step.robustness_wanted(RunOptions(), stub)
    assert step.robustness_wanted(RunOptions(robustness=True), stub)
    target = b.result().model_copy(update={"observer": TARGET_OBSERVER})
    assert not step.robustness_wanted(RunOptions(robustness=True), target)
    for status in ("interrupted", "failed", "aborted"):
        stopped = virtual.model_copy(update={"status": status})
        assert not step.robustness_wanted(RunOptions(), stopped)


def _console() -> Console:
    return Console(file=io.StringIO(), width=100)


@pytest.mark.parametrize("trouble", [KeyboardInterrupt, RuntimeError, OSError])
def test_a_failed_or_interrupted_check_keeps_the_run_without_robustness(
    trouble: type[BaseException], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def check(_loaded: LoadedScenario, _result: RunResult, _console: Console) -> None:
        raise trouble("no")

    monkeypatch.setattr(step, "check_robustness", check)
    done = b.result()
    assert step.with_robustness(load_scenario(SMALL), done, _console()) is done
    assert "kept without it" in caplog.text


def test_nothing_marked_fitted_is_recorded_without_playing_anything() -> None:
    done = b.result(scenario_name="small_space")
    checked = step.with_robustness(load_scenario(SMALL), done, _console())
    assert checked.robustness is not None
    assert checked.robustness.parameters == []
    assert checked.robustness.facts == {}
    assert checked.robustness.summary() == "robustness: nothing marked fitted"


def test_points_that_cannot_be_played_are_listed_and_label_nothing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # the scenario file is gone by the time the points load it
    loaded = load_scenario(ROBUST)
    gone = LoadedScenario("no/such/robust_space.yaml", loaded.scenario, None)
    done = b.result(scenario_name="robust_space", start_delay_s=360.0)
    checked = step.with_robustness(gone, done, _console())
    assert checked.robustness is not None
    assert checked.robustness.points == 0
    assert checked.robustness.facts == {}
    assert len(checked.robustness.unplayed) == 5
    assert "no/such/robust_space.yaml" in checked.robustness.unplayed[0]
    assert "no perturbation could be played" in caplog.text
