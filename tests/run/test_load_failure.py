"""A load process that could no longer write its observations fails the run: the Locust side
of a backend reports the failure file it left (the session then ends the run, exit 3)."""

from __future__ import annotations

import os
from pathlib import Path

from simspace.clock import EventClock
from simspace.fileio import write_json
from simspace.plan import make_plan
from simspace.run.backends.base import RunContext
from simspace.run.backends.locust_load import LocustLoad
from simspace.run.rundir import RunDirectory
from simspace.scenario import load_scenario
from simspace.wire.load_failure import LoadFailure, load_failure_file
from tests.run.cli_runs import ROOT


def _load(tmp_path: Path) -> LocustLoad:
    loaded = load_scenario(ROOT / "scenarios" / "ci_smoke.yaml")
    plan = make_plan(loaded.scenario)
    rundir = RunDirectory.create(tmp_path, "ci_smoke", None)
    return LocustLoad(RunContext(loaded, plan, EventClock(0.0, plan.t_begin, plan.speedup), rundir))


def test_no_failure_file_no_failure(tmp_path: Path) -> None:
    assert _load(tmp_path).failure() is None


def test_a_failure_file_fails_the_run_with_its_message(tmp_path: Path) -> None:
    load = _load(tmp_path)
    message = "cannot write observations: observations-42.jsonl: No space left on device"
    write_json(load_failure_file(load.reader.directory, 42), LoadFailure(pid=42, message=message))
    failure = load.failure()
    assert failure is not None
    assert str(failure) == f"load process 42: {message}"


def test_an_unreadable_failure_file_still_fails_the_run(tmp_path: Path) -> None:
    load = _load(tmp_path)
    os.mkfifo(load_failure_file(load.reader.directory, 7))  # never read: never blocks
    failure = load.failure()
    assert failure is not None
    assert str(failure).startswith("a load process stopped recording (")
    assert "a named pipe (FIFO), not a regular file" in str(failure)
