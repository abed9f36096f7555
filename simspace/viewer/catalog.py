"""The runs a viewer shows: every run directory under the directories it was given, each with an
id that requests address it by (never a path from the request).

A run directory is `<root>/<scenario>/<stamp>-<variant>/`, or `.<stamp>-<variant>.partial` while
its run is going. The id is derived from the root's position and the final name, so a live run
keeps its id when its directory is renamed at the end. Symbolic links are never followed: a
linked directory or file is not part of the catalog.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from simspace.errors import UnreadableFileError
from simspace.judge.ranking import stamp_time
from simspace.report.outputs import RunReport, load_run
from simspace.results.run_files import read_run_file
from simspace.wire.live import LIVE_FILE, LiveStatus

PARTIAL = re.compile(r"^\.(?P<name>.+)\.partial$")
RUN_FILES = ("result.json", LIVE_FILE, "plan.json")
STALE_AFTER_S = 15.0
"""A live file not rewritten for this long belongs to a run that died without finishing."""
MAX_DEPTH = 2


@dataclass(frozen=True)
class RunLocation:
    """Where a run directory is now, and its id."""

    run_id: str
    directory: Path
    scenario_dir: str
    name: str
    in_progress: bool


class RunEntry(BaseModel):
    """One row of the index (also what `/api/runs` returns)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    run_id: str
    name: str = Field(description="the run directory's final name: `<stamp>-<variant>`")
    scenario: str
    title: str
    variant: str | None
    variant_description: str | None = None
    engine: str
    started_at: str | None
    wall_s: float | None
    status: str = Field(description="completed, failed, interrupted, aborted, running, stale")
    failure: str | None = None
    fit_score: float | None = None
    reproduced: int | None = None
    scored: int | None = None
    gates_passed: int | None = None
    gates_failed: int | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    revision: str | None = None
    live: bool = Field(False, description="a live file exists: the live page can show it")
    progress: float | None = None
    problem: str | None = Field(None, description="why the run's files could not be read")


def run_id_of(root_index: int, scenario_dir: str, name: str) -> str:
    digest = hashlib.sha256(f"{root_index}\0{scenario_dir}\0{name}".encode()).hexdigest()
    return digest[:16]


def _is_run(directory: Path) -> bool:
    return any(_plain_file(directory / name) for name in RUN_FILES)


def _plain_file(path: Path) -> bool:
    """A regular file, not a symbolic link (to anywhere)."""
    return path.is_file() and not path.is_symlink()


def _subdirectories(directory: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as entries:
            return sorted(
                (e for e in entries if e.is_dir(follow_symlinks=False)), key=lambda e: e.name
            )
    except OSError:
        return []


def find_runs(roots: list[Path]) -> list[RunLocation]:
    """Every run directory under `roots` (a root may itself be a run or a scenario directory)."""
    found: list[RunLocation] = []
    for index, root in enumerate(roots):
        if root.is_symlink() or not root.is_dir():
            continue
        found.extend(_walk(index, root, root.name, 0))
    return found


def _walk(index: int, directory: Path, parent_name: str, depth: int) -> list[RunLocation]:
    name = directory.name
    if _is_run(directory):
        partial = PARTIAL.match(name)
        final = partial["name"] if partial else name
        return [
            RunLocation(
                run_id_of(index, parent_name, final), directory, parent_name, final, bool(partial)
            )
        ]
    if depth >= MAX_DEPTH:
        return []
    return [
        run
        for sub in _subdirectories(directory)
        for run in _walk(index, Path(sub.path), name, depth + 1)
    ]


def read_live(directory: Path) -> LiveStatus | None:
    path = directory / LIVE_FILE
    if not _plain_file(path):
        return None
    try:
        return read_run_file(path, LiveStatus)
    except UnreadableFileError:  # not a live file a run wrote: no live view
        return None


def _run_entry(location: RunLocation, report: RunReport) -> RunEntry:
    result, scenario = report.result, report.scenario
    variant = scenario.variants.get(result.variant) if result.variant else None
    outcome = report.outcome()
    return RunEntry(
        run_id=location.run_id,
        name=location.name,
        scenario=result.scenario,
        title=result.title,
        variant=result.variant,
        variant_description=variant.description if variant else None,
        engine=result.observer.engine,
        started_at=result.started_at or stamp_time(location.name),
        wall_s=result.wall_s,
        status=result.status,
        failure=result.failure,
        fit_score=report.comparison.fit_score,
        reproduced=report.comparison.reproduced,
        scored=report.comparison.scored,
        gates_passed=sum(g.verdict == "passed" for g in outcome.gates),
        gates_failed=sum(g.verdict == "failed" for g in outcome.gates),
        labels=dict(result.labels),
        revision=result.revision,
        live=_plain_file(location.directory / LIVE_FILE),
    )


def _live_entry(location: RunLocation, live: LiveStatus | None, now_s: float) -> RunEntry:
    if live is None:
        return _unreadable(location, "no result and no live file: the run has not started or died")
    stale = live.state == "running" and now_s - live.updated_at > STALE_AFTER_S
    return RunEntry(
        run_id=location.run_id,
        name=location.name,
        scenario=live.scenario,
        title=live.title,
        variant=live.variant,
        engine=live.engine,
        started_at=live.started_at,
        wall_s=None,
        status="stale" if stale else live.state,
        failure=live.message,
        live=True,
        progress=live.progress,
    )


def _unreadable(location: RunLocation, problem: str) -> RunEntry:
    return RunEntry(
        run_id=location.run_id,
        name=location.name,
        scenario=location.scenario_dir,
        title=location.scenario_dir,
        variant=None,
        engine="?",
        started_at=stamp_time(location.name),
        wall_s=None,
        status="unreadable",
        problem=problem,
    )


def _signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    """What changes when a run's files do: their names, sizes and modification times."""
    out = []
    for name in (*RUN_FILES, "scenario.json"):
        try:
            info = (directory / name).lstat()
        except OSError:
            continue
        out.append((name, info.st_size, info.st_mtime_ns))
    return tuple(out)


class Catalog:
    """The runs under some directories, rescanned on each look; each run's files are read
    again only when they changed."""

    def __init__(self, roots: list[Path], now_s: Callable[[], float] = time.time) -> None:
        self.roots = [Path(r) for r in roots]
        self._now = now_s
        self._cache: dict[Path, tuple[tuple[tuple[str, int, int], ...], RunEntry, object]] = {}

    def locations(self) -> dict[str, RunLocation]:
        return {loc.run_id: loc for loc in find_runs(self.roots)}

    def entries(self) -> list[RunEntry]:
        """Newest first."""
        rows = [self.entry(loc) for loc in self.locations().values()]
        return sorted(rows, key=lambda r: (r.started_at or "", r.name), reverse=True)

    def entry(self, location: RunLocation) -> RunEntry:
        return self._read(location)[0]

    def report(self, location: RunLocation) -> RunReport | None:
        """The run's scenario, result and comparison; None while it has no result."""
        found = self._read(location)[1]
        return found if isinstance(found, RunReport) else None

    def _read(self, location: RunLocation) -> tuple[RunEntry, object]:
        signature = _signature(location.directory)
        cached = self._cache.get(location.directory)
        if cached and cached[0] == signature and not location.in_progress:
            return cached[1], cached[2]
        entry, report = self._load(location)
        self._cache[location.directory] = (signature, entry, report)
        return entry, report

    def _load(self, location: RunLocation) -> tuple[RunEntry, RunReport | None]:
        directory = location.directory
        if not _plain_file(directory / "result.json"):
            return _live_entry(location, read_live(directory), self._now()), None
        if (directory / "scenario.json").is_symlink():
            return _unreadable(location, "scenario.json is a symbolic link"), None
        try:
            report = load_run(directory)
        except UnreadableFileError as exc:  # shown on the index, the viewer goes on
            return _unreadable(location, f"{Path(exc.path).name}: {exc.reason}"), None
        return _run_entry(location, report), report
