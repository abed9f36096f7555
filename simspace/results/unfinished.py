"""A run directory whose run never finished: killed outright (SIGKILL, a crash, a reboot), it
left no result.json (or one built mid-run, `running`), only the hidden `.partial` directory
with what had been written. What it left, whether its process is still there, and the partial
result those files make (the same build as a run's own, from its observations and, when the
stub dumped them at its death, the platform's timeline and ledger)."""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from simspace.errors import UnreadableFileError
from simspace.plan import Plan
from simspace.results.build import RunRecord, build_result
from simspace.results.model import (
    STUB_OBSERVER,
    TARGET_OBSERVER,
    VIRTUAL_OBSERVER,
    Observer,
    RunResult,
)
from simspace.results.observations import ObservationReader, Observations
from simspace.results.run_files import read_run_file
from simspace.scenario.model import Scenario
from simspace.wire.ground_truth import (
    LEDGER_FILE,
    TIMELINE_FILE,
    GroundTruth,
    LedgerDump,
    TimelineDump,
)
from simspace.wire.live import LIVE_FILE, LiveStatus
from simspace.wire.observations import FILE_GLOB

__all__ = ["KILLED_FAILURE", "Unfinished", "unfinished_run"]

RESULT_FILE = "result.json"
OBSERVATIONS_DIR = "observations"
LIVE_FRESH_S = 10.0
"""A live file rewritten this recently by a process that exists belongs to a run in progress
(a run rewrites it once a second)."""
KILLED_FAILURE = "the run was killed before it finished: a partial result from the files it left"
_Model = TypeVar("_Model", bound=BaseModel)
_OBSERVERS = {"stub": STUB_OBSERVER, "virtual": VIRTUAL_OBSERVER, "target": TARGET_OBSERVER}
_UNKNOWN_ENGINE = Observer(
    platform_observed=False,
    unobserved_reason="the run was killed before it said which engine observed it",
    served_by="the platform",
)
_NO_DUMPS = Observer(
    platform_observed=False,
    unobserved_reason="the run was killed before the stub platform wrote its timeline and ledger",
)


@dataclass(frozen=True)
class Unfinished:
    """A run directory without a final result."""

    directory: Path
    why: str
    """What says it never finished: `no result.json`, or the result's `running` status."""
    files: list[str]
    """What it holds, by name; `observations/ (N files)` for the observations."""
    live: LiveStatus | None
    running: bool
    """Its run is still in progress (its live file is fresh and its process exists)."""
    scenario: Scenario | None
    """Its scenario.json, if readable."""
    result: RunResult | None
    """The partial result its files make; None for a run still going, or without a readable
    scenario.json and plan.json."""


def unfinished_run(directory: Path) -> Unfinished | None:
    """The directory's unfinished run, or None if it holds a finished run's result."""
    why = _never_finished(directory / RESULT_FILE)
    if why is None:
        return None
    live = _read(directory / LIVE_FILE, LiveStatus)
    scenario = _read(directory / "scenario.json", Scenario)
    running = live is not None and _in_progress(live)
    return Unfinished(
        directory=directory,
        why=why,
        files=_files(directory),
        live=live,
        running=running,
        scenario=scenario,
        # a run still going is refused, not shown: its partial result is not built
        result=None if scenario is None or running else _partial_result(directory, scenario, live),
    )


def _never_finished(result_path: Path) -> str | None:
    if not result_path.exists():
        return f"no {RESULT_FILE}"
    with contextlib.suppress(UnreadableFileError):  # a pipe, a link to a device: never read
        if read_run_file(result_path, RunResult).status == "running":
            return f"{RESULT_FILE} says it was still running"
    return None  # finished, or unreadable: reading it says which


def _in_progress(live: LiveStatus) -> bool:
    if live.state != "running" or time.time() - live.updated_at > LIVE_FRESH_S:
        return False
    try:
        os.kill(live.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # exists, not ours
    return True


def _files(directory: Path) -> list[str]:
    names = []
    for path in sorted(directory.iterdir()):
        if path.name == OBSERVATIONS_DIR and path.is_dir():
            names.append(f"{OBSERVATIONS_DIR}/ ({len(list(path.glob(FILE_GLOB)))} files)")
        else:
            names.append(path.name + ("/" if path.is_dir() else ""))
    return names


def _partial_result(
    directory: Path, scenario: Scenario, live: LiveStatus | None
) -> RunResult | None:
    plan = _read(directory / "plan.json", Plan)
    if plan is None:
        return None
    truth = _ground_truth(directory)
    return build_result(
        RunRecord(
            scenario=scenario,
            variant=plan.variant,
            plan=plan,
            observations=_observations(directory / OBSERVATIONS_DIR),
            ground_truth=truth,
            observer=_observer(live, truth),
            status="failed",
            failure=KILLED_FAILURE,
            wall_s=_wall_s(live),
            generator_cpu=[],
            observed_until=None if truth else (live.t if live else None),
            started_at=live.started_at if live else None,
        )
    )


def _observations(directory: Path) -> Observations:
    if not directory.is_dir():
        return Observations()
    try:
        return ObservationReader(directory).poll()
    except OSError:
        return Observations()


def _ground_truth(directory: Path) -> GroundTruth | None:
    timeline = _read(directory / TIMELINE_FILE, TimelineDump)
    ledger = _read(directory / LEDGER_FILE, LedgerDump)
    if timeline is None or ledger is None:
        return None
    return GroundTruth(timeline=timeline, ledger=ledger)


def _observer(live: LiveStatus | None, truth: GroundTruth | None) -> Observer:
    """The engine its live file names; without one, the stub's if it left its dumps."""
    engine = live.engine if live else ("stub" if truth else "")
    observer = _OBSERVERS.get(engine, _UNKNOWN_ENGINE)
    if observer.platform_observed and truth is None:
        return _NO_DUMPS
    return observer


def _wall_s(live: LiveStatus | None) -> float:
    if live is None:
        return 0.0
    started = _epoch_s(live.started_at)
    return max(0.0, live.updated_at - started) if started is not None else 0.0


def _epoch_s(iso: str) -> float | None:
    with contextlib.suppress(ValueError):
        return datetime.strptime(iso, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
    return None


def _read(path: Path, model: type[_Model]) -> _Model | None:
    try:
        return read_run_file(path, model)
    except UnreadableFileError:
        return None
