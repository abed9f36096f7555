"""A run directory whose run never finished (killed: its `.partial` directory): recognised,
what it left listed, and a partial result built from its files."""

from __future__ import annotations

import os
from pathlib import Path

from simspace.fileio import write_json
from simspace.results.unfinished import KILLED_FAILURE, unfinished_run
from tests.results.killed_runs import FAILURE_MESSAGE, killed_run


def test_a_killed_run_is_recognised_with_a_partial_result(tmp_path: Path) -> None:
    found = unfinished_run(killed_run(tmp_path))
    assert found is not None
    assert found.why == "no result.json"
    assert not found.running
    assert found.live is not None
    assert found.live.t == -60.0
    assert {"observations/ (1 files)", "plan.json", "scenario.json", "live.json"} <= set(
        found.files
    )
    result = found.result
    assert result is not None
    assert (result.status, result.failure) == ("failed", KILLED_FAILURE)
    assert result.metrics.errors_seen == {FAILURE_MESSAGE: 10.0}
    assert result.observed_until == -60.0
    # the stub died before it dumped its timeline: the platform side was not observed
    assert not result.observer.platform_observed
    assert "killed" in (result.observer.unobserved_reason or "")


def test_the_stubs_dumps_make_the_platform_observed(tmp_path: Path) -> None:
    found = unfinished_run(killed_run(tmp_path, dumps=True))
    assert found is not None
    assert found.result is not None
    assert found.result.observer.platform_observed
    assert {"timeline.json", "ledger.json"} <= set(found.files)


def test_a_run_in_progress_is_running(tmp_path: Path) -> None:
    found = unfinished_run(killed_run(tmp_path, pid=os.getpid(), updated_ago_s=0.0))
    assert found is not None
    assert found.running


def test_a_stale_live_file_is_a_killed_run_even_if_its_pid_was_reused(tmp_path: Path) -> None:
    found = unfinished_run(killed_run(tmp_path, pid=os.getpid(), updated_ago_s=60.0))
    assert found is not None
    assert not found.running


def test_a_finished_run_is_not_unfinished_but_a_running_result_is(tmp_path: Path) -> None:
    directory = killed_run(tmp_path)
    found = unfinished_run(directory)
    assert found is not None
    assert found.result is not None
    write_json(directory / "result.json", found.result.model_copy(update={"status": "running"}))
    still = unfinished_run(directory)
    assert still is not None
    assert "running" in still.why
    write_json(directory / "result.json", found.result.model_copy(update={"status": "completed"}))
    assert unfinished_run(directory) is None


def test_without_its_plan_there_is_no_partial_result(tmp_path: Path) -> None:
    directory = killed_run(tmp_path)
    (directory / "plan.json").unlink()
    found = unfinished_run(directory)
    assert found is not None
    assert found.result is None
    assert "plan.json" not in found.files
