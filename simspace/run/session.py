"""Runs a scenario end to end on one backend: plan, run directory, event clock, live progress,
early stop, and a complete run directory whatever happens (exit 3 with partial results when the
run fails, 130 on Ctrl-C, SIGTERM or SIGHUP).

Never imports locust or gevent: the Locust side runs in its own process (see run/backends).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.live import Live

from simspace.clock import EventClock
from simspace.errors import RunError, SimspaceError
from simspace.fileio import write_json
from simspace.judge.facts.compare import compare
from simspace.plan import Plan
from simspace.report.outputs import RunReport, write_run_reports
from simspace.results.build import RunRecord, build_result
from simspace.results.model import RunResult, RunStatus
from simspace.run.backends import Backend, RunContext, backend_for, plan_for
from simspace.run.backends.base import STARTUP_MARGIN_S
from simspace.run.early_stop import CHECK_EVERY_WALL_S, EarlyStop
from simspace.run.live import LiveWriter
from simspace.run.options import RunOptions
from simspace.run.progress import ProgressView, links_view
from simspace.run.revision import git_revision
from simspace.run.robustness import robustness_wanted, with_robustness
from simspace.run.rundir import RunDirectory
from simspace.scenario.loader import LoadedScenario
from simspace.target import Target

log = logging.getLogger(__name__)
PLAIN_LINE_EVERY_WALL_S = 10.0
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@dataclass
class RunOutcome:
    directory: Path
    result: RunResult
    plan: Plan


async def execute_run(
    loaded: LoadedScenario,
    options: RunOptions,
    console: Console,
    on_plan: Callable[[Plan], None] | None = None,
    make_backend: Callable[[RunContext, RunOptions], Backend] | None = None,
) -> RunOutcome:
    """Run the scenario; always writes the run directory, then raises RunError if it failed.
    `make_backend`: another engine than `backend_for` chooses (tests use an in-process one)."""
    plan = plan_for(loaded, options)
    if on_plan:
        on_plan(plan)
    revision = git_revision()  # before the clock starts: a slow git costs no event time
    started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    rundir = RunDirectory.create(options.output_root, loaded.scenario.event.name, loaded.variant)
    write_json(rundir.path("scenario.json"), loaded.scenario.model_dump(mode="json"))
    write_json(rundir.path("plan.json"), plan)
    clock = EventClock(time.time() + STARTUP_MARGIN_S, plan.t_begin, plan.speedup)
    context = RunContext(loaded, plan, clock, rundir, options.workers, options.master)
    backend = (make_backend or backend_for)(context, options)
    # Early stop saves wall time where the event clock follows it; a virtual run is over first.
    early_stop = EarlyStop.of(loaded.scenario, options.abort_on_fail) if backend.real_time else None
    session = RunSession(context, backend, console, options.target, early_stop,
                         started_at=started_at, labels=options.labels,
                         revision=revision)  # fmt: skip
    live = LiveWriter.for_run(context, backend.observer.engine, started_at)
    live.write()  # the viewer sees the run while its processes start
    session.live = live
    with _signals_stop(session):
        failure = await session.execute()
    live.end(session.status(failure), str(failure) if failure else None, session.stopped_early)
    if session.stopped_early:
        console.print(f"[red]stopped early[/red]: {session.stopped_early}", soft_wrap=True)
    wall_s = time.time() - (clock.wall0 - STARTUP_MARGIN_S)
    result = await session.result(session.status(failure), failure, wall_s)
    write_json(rundir.path("result.json"), result)
    result = _verified(backend, result, rundir)
    if robustness_wanted(options, result):
        result = with_robustness(loaded, result, console)
        write_json(rundir.path("result.json"), result)
    _write_reports(loaded, result, rundir)
    final = rundir.finish()
    if failure:
        raise RunError(f"{failure} (partial results in {final})") from failure
    return RunOutcome(final, result, plan)


@contextlib.contextmanager
def _signals_stop(session: RunSession) -> Iterator[None]:
    """SIGINT, SIGTERM and SIGHUP (its terminal closed) end the run cleanly (partial results
    kept) instead of killing it."""
    loop = asyncio.get_running_loop()
    for sig in _STOP_SIGNALS:
        loop.add_signal_handler(sig, session.interrupt)
    try:
        yield
    finally:
        for sig in _STOP_SIGNALS:
            loop.remove_signal_handler(sig)


def _verified(backend: Backend, result: RunResult, rundir: RunDirectory) -> RunResult:
    """The result checked against the backend's reference (seconds); Ctrl-C meanwhile keeps
    the result as written, unchecked."""
    try:
        checked = backend.verify(result)
    except KeyboardInterrupt:
        log.warning("the cross-check was interrupted: the result stays unchecked")
        return result
    write_json(rundir.path("result.json"), checked)
    return checked


def _write_reports(loaded: LoadedScenario, result: RunResult, rundir: RunDirectory) -> None:
    try:
        report = RunReport(rundir.work, loaded.scenario, result, compare(loaded.scenario, result))
        write_run_reports(report, loaded.path)
    except SimspaceError as exc:  # a report problem must not lose the run: say so, keep going
        log.warning("could not write the reports: %s", exc)


@dataclass
class RunSession:
    """One run on one backend: start it, watch it until the window ends, stop it."""

    context: RunContext
    backend: Backend
    console: Console
    target: Target | None = None
    early_stop: EarlyStop | None = None
    started_at: str | None = None
    """ISO 8601 UTC, as result.json records it."""
    labels: dict[str, str] = field(default_factory=dict)
    revision: str | None = None
    live: LiveWriter | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    interrupted: bool = False
    stopped_early: str | None = None

    def interrupt(self) -> None:
        self.interrupted = True
        self.stop.set()

    def status(self, failure: RunError | None) -> RunStatus:
        if self.interrupted:
            return "interrupted"
        if failure:
            return "failed"
        return "aborted" if self.stopped_early else "completed"

    async def result(
        self, status: RunStatus, failure: RunError | None, wall_s: float, *, live: bool = False
    ) -> RunResult:
        """What the run observed: at its end, or mid-run (`live`) with ground truth fetched now."""
        ctx, backend = self.context, self.backend
        return build_result(
            RunRecord(
                scenario=ctx.loaded.scenario,
                variant=ctx.loaded.variant,
                plan=ctx.plan,
                observations=backend.observations(),
                ground_truth=await backend.ground_truth(live=live),
                observer=backend.observer,
                status=status,
                failure=str(failure) if failure else None,
                wall_s=wall_s,
                generator_cpu=backend.cpu_samples(),
                target=self.target,
                stopped_early=self.stopped_early,
                observed_until=backend.observed_until(),
                started_at=self.started_at,
                labels=self.labels,
                revision=self.revision,
            )
        )

    async def execute(self) -> RunError | None:
        """Start, watch and stop everything; returns why the run failed, if it did."""
        try:
            async with AsyncExitStack() as stack:
                await self.backend.start(stack)
                return await self._watch()
        except RunError as exc:
            return exc

    async def _watch(self) -> RunError | None:
        ctx, backend = self.context, self.backend
        if links := backend.links():
            self.console.print(links_view(links))
        view = ProgressView(
            ctx.loaded.scenario,
            t=backend.event_time(),
            t_end=ctx.plan.t_end,
            t_begin=ctx.plan.t_begin,
            platform_note=backend.platform_note,
            speedup=ctx.plan.speedup if backend.real_time else None,
            real_requests=backend.real_time,  # only the virtual engine plays them in process
        )
        live = (
            Live(view, console=self.console, refresh_per_second=2, redirect_stderr=False)
            if self.console.is_terminal
            else contextlib.nullcontext()
        )
        with live:
            return await self._progress(view)

    async def _progress(self, view: ProgressView) -> RunError | None:
        """Refresh the view once a second; stop at the window's end, on Ctrl-C or a failure."""
        backend = self.backend
        last_line, last_check = 0.0, time.monotonic()
        while not self.stop.is_set() and backend.event_time() < self.context.plan.t_end:
            await asyncio.sleep(1.0)
            if failure := backend.failure():
                return failure
            await view.update(backend.event_time(), backend)
            if self.live:
                self.live.update(view)
            if self.early_stop and time.monotonic() - last_check >= CHECK_EVERY_WALL_S:
                last_check = time.monotonic()
                self.stopped_early = await self._check_gates(self.early_stop)
                if self.stopped_early:
                    break
            if (
                not self.console.is_terminal
                and time.monotonic() - last_line >= PLAIN_LINE_EVERY_WALL_S
            ):
                self.console.print(view.line())  # wrapped between words at the width
                last_line = time.monotonic()
        return None

    async def _check_gates(self, early: EarlyStop) -> str | None:
        """Has a gate failed beyond recovery on what was observed so far?"""
        partial = await self.result("running", None, 0.0, live=True)
        return early.reason(partial, partial.observed_until or self.backend.event_time())
