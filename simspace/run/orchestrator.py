"""Runs a scenario end to end: stub server and Locust as child processes on one event clock,
speakers driven from here, live progress, and a complete run directory whatever happens.

Never imports locust or gevent: Locust runs as `python -m locust -f simspace/load/locustfile.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from rich.console import Console
from rich.live import Live

from simspace.clock import EventClock
from simspace.errors import RunError, SimspaceError, UsageError
from simspace.fileio import write_json
from simspace.judge.facts.compare import compare
from simspace.load import LOCUSTFILE
from simspace.plan import Plan, make_plan
from simspace.report.outputs import RunReport, write_run_reports
from simspace.results.build import build_result
from simspace.results.model import RunResult, RunStatus
from simspace.results.observations import ObservationReader
from simspace.run.early_stop import CHECK_EVERY_WALL_S, EarlyStop
from simspace.run.monitor import CpuMonitor
from simspace.run.processes import Child, start_child, wait_for_ready_file
from simspace.run.progress import ProgressView
from simspace.run.rundir import RunDirectory
from simspace.run.speakers import run_speakers
from simspace.scenario.loader import LoadedScenario
from simspace.target import Target
from simspace.wire.load_config import CONFIG_ENV, LoadConfig

log = logging.getLogger(__name__)
STARTUP_MARGIN_S = 4.0  # wall seconds for the server and Locust to start before t_begin
SERVER_READY_TIMEOUT_S = 30.0


@dataclass(frozen=True)
class RunOptions:
    output_root: Path = Path("runs")
    budget_rps: float | None = None
    speedup: float | None = None
    population_scale: float | None = None
    duration_s: float | None = None
    workers: int = 1
    seed: int | None = None
    target: Target | None = None
    start_at: float | None = None
    abort_on_fail: bool = False


@dataclass
class RunOutcome:
    directory: Path
    result: RunResult
    plan: Plan


def plan_for(loaded: LoadedScenario, options: RunOptions) -> Plan:
    try:
        return make_plan(
            loaded.scenario,
            loaded.variant,
            budget_rps=options.budget_rps,
            speedup=options.speedup,
            population_scale=options.population_scale,
            duration_s=options.duration_s,
            seed=options.seed,
            real_time=options.target is not None,
            start_at=options.start_at,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


async def execute_run(
    loaded: LoadedScenario,
    options: RunOptions,
    console: Console,
    on_plan: Callable[[Plan], None] | None = None,
) -> RunOutcome:
    """Run the scenario; always writes the run directory, then raises RunError if it failed."""
    plan = plan_for(loaded, options)
    if on_plan:
        on_plan(plan)
    rundir = RunDirectory.create(options.output_root, loaded.scenario.event.name, loaded.variant)
    write_json(rundir.path("scenario.json"), loaded.scenario.model_dump(mode="json"))
    write_json(rundir.path("plan.json"), plan)
    clock = EventClock(time.time() + STARTUP_MARGIN_S, plan.t_begin, plan.speedup)
    observations_dir = rundir.path("observations")
    observations_dir.mkdir()
    early_stop = EarlyStop.of(loaded.scenario, options.abort_on_fail)
    reader = ObservationReader(observations_dir)
    session = _RunSession(loaded, plan, clock, rundir, console, reader, target=options.target,
                          early_stop=early_stop)  # fmt: skip
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, session.interrupt)
    try:
        failure = await session.execute(options.workers)
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    status: RunStatus = "completed"
    if session.interrupted:
        status = "interrupted"
    elif failure:
        status = "failed"
    elif session.stopped_early:
        status = "aborted"
    if session.stopped_early:
        console.print(f"[red]stopped early[/red]: {session.stopped_early}", soft_wrap=True)
    result = session.result(status, failure, time.time() - (clock.wall0 - STARTUP_MARGIN_S))
    write_json(rundir.path("result.json"), result)
    try:
        report = RunReport(rundir.work, loaded.scenario, result, compare(loaded.scenario, result))
        write_run_reports(report, loaded.path)
    except SimspaceError as exc:  # a report problem must not lose the run: say so, keep going
        log.warning("could not write the reports: %s", exc)
    final = rundir.finish()
    if failure:
        raise RunError(f"{failure} (partial results in {final})")
    return RunOutcome(final, result, plan)


@dataclass
class _RunSession:
    """The processes and tasks of one run, and what they observed."""

    loaded: LoadedScenario
    plan: Plan
    clock: EventClock
    rundir: RunDirectory
    console: Console
    reader: ObservationReader
    children: list[Child] = field(default_factory=list)
    monitor: CpuMonitor = field(default_factory=CpuMonitor)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    interrupted: bool = False
    timeline: dict[str, Any] = field(default_factory=dict)
    ledger: dict[str, Any] = field(default_factory=dict)
    url: str = ""
    target: Target | None = None
    early_stop: EarlyStop | None = None
    stopped_early: str | None = None

    def interrupt(self) -> None:
        self.interrupted = True
        self.stop.set()

    def result(
        self,
        status: RunStatus,
        failure: str | None,
        wall_s: float,
        ground_truth: tuple[dict[str, Any], dict[str, Any]] | None = None,
    ) -> RunResult:
        """What the run observed: at its end (the server's last answer, else the dumps it left),
        or mid-run with the `ground_truth` (timeline, ledger) fetched just now."""
        if ground_truth is not None:
            timeline, ledger = ground_truth
        elif self.target is None:
            timeline = self.timeline or _read_dump(self.rundir.path("timeline.json"))
            ledger = self.ledger or _read_dump(self.rundir.path("ledger.json"))
        else:
            timeline, ledger = {}, {}
        return build_result(
            scenario=self.loaded.scenario,
            variant=self.loaded.variant,
            plan=self.plan,
            observations=self.reader.poll(),
            timeline=timeline,
            ledger=ledger,
            status=status,
            failure=failure,
            wall_s=wall_s,
            generator_cpu=self.monitor.samples,
            target=self.target,
            stopped_early=self.stopped_early,
            # Against a real target the load side's own clock says how far the run got.
            observed_until=(
                min(self.clock.now(), self.plan.t_end) if self.target is not None else None
            ),
        )

    async def execute(self, workers: int) -> str | None:
        """Start, watch and stop everything; returns why the run failed, if it did."""
        try:
            if self.target is None:
                await self._start_server()
            else:
                self.url = self.target.origin
            await self._start_locust(workers)
            return await self._watch()
        except RunError as exc:
            return str(exc)
        finally:
            if self.target is None and self.url and self.children and self.children[0].alive:
                self.timeline, self.ledger = await _fetch_ground_truth(self.url)
            for child in reversed(self.children):
                await child.stop()

    async def _start_server(self) -> None:
        clock, ready_file = self.clock, self.rundir.path("server.ready.json")
        args = ["-m", "simspace.server", "--host", "127.0.0.1", "--port", "0"]
        args += ["--scenario-json", str(self.rundir.path("scenario.json"))]
        args += ["--ready-file", str(ready_file), "--dump-dir", str(self.rundir.work)]
        args += ["--wall0", repr(clock.wall0), "--t-begin", repr(clock.t_begin)]
        args += ["--speedup", repr(clock.speedup), "--seed", str(self.plan.seed)]
        args += ["--session-timeout", repr(self.plan.session_timeout_s)]
        server = await start_child("stub server", args, self.rundir.path("server.log"))
        self.children.append(server)
        ready = await wait_for_ready_file(server, ready_file, SERVER_READY_TIMEOUT_S)
        self.url = str(ready["url"]).rstrip("/")

    async def _start_locust(self, workers: int) -> None:
        observations_dir = self.reader.directory
        config = LoadConfig.build(self.loaded.scenario, self.plan, self.clock, observations_dir,
                                  workers, self.target)  # fmt: skip
        config_path = self.rundir.path("load-config.json")
        write_json(config_path, config)
        run_time_s = int(self.plan.wall_duration_s + STARTUP_MARGIN_S + 60)
        args = ["-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", self.url]
        args += ["--csv", str(self.rundir.path("locust")), "--loglevel", "WARNING"]
        args += ["--run-time", f"{run_time_s}s", "--stop-timeout", "1"]
        if workers > 1:
            args += ["--processes", str(workers)]
        locust = await start_child(
            "locust", args, self.rundir.path("locust.log"), env={CONFIG_ENV: str(config_path)}
        )
        self.children.append(locust)

    async def _watch(self) -> str | None:
        """Drive the speakers and show progress until the window ends."""
        scenario, plan, clock = self.loaded.scenario, self.plan, self.clock
        client = scenario.audience.client
        timeout_s = max(client.request_timeout / plan.speedup * 1.5, 2.0)
        view = ProgressView(scenario, t=clock.now(), t_end=plan.t_end, t_begin=plan.t_begin,
                            target=self.target.url if self.target else "")  # fmt: skip
        live = (
            Live(view, console=self.console, refresh_per_second=2, redirect_stderr=False)
            if self.console.is_terminal
            else contextlib.nullcontext()
        )
        # A real target has its own hosts: speakers are driven against the stub only.
        speakers = [] if self.target is not None else scenario.speakers
        async with (
            aiohttp.ClientSession() as session,
            run_speakers(session, self.url, speakers, scenario, clock, plan.seed, timeout_s),
        ):
            with live:
                return await self._progress(session, view)

    async def _progress(self, session: aiohttp.ClientSession, view: ProgressView) -> str | None:
        """Refresh the view once a second; stop at the window's end, on Ctrl-C or a dead child."""
        clock, last_line, last_requests = self.clock, 0.0, 0.0
        last_check = time.monotonic()
        while not self.stop.is_set() and clock.now() < self.plan.t_end:
            await asyncio.sleep(1.0)
            for child in self.children:
                if not child.alive:
                    return f"{child.name} exited with code {child.process.returncode}"
            observations = self.reader.poll()
            view.t = clock.now()
            view.presence = observations.presence_at(view.t)
            view.counts = dict(observations.counts)
            total = sum(v[0] + v[1] for v in observations.requests.values())
            view.requests_per_s, last_requests = total - last_requests, total
            view.generator_cpu_percent = self.monitor.sample(self.children[-1].process.pid)
            if self.target is None:
                view.server = await _get_json(session, self.url + "/_sim/state")
            if self.early_stop and time.monotonic() - last_check >= CHECK_EVERY_WALL_S:
                last_check = time.monotonic()
                self.stopped_early = await self._check_gates(session, self.early_stop)
                if self.stopped_early:
                    break
            if not self.console.is_terminal and time.monotonic() - last_line >= 10:
                self.console.print(view.line(), soft_wrap=True)
                last_line = time.monotonic()
        return None

    async def _check_gates(self, session: aiohttp.ClientSession, early: EarlyStop) -> str | None:
        """Has a gate failed beyond recovery on what was observed so far?"""
        ground_truth: tuple[dict[str, Any], dict[str, Any]] = ({}, {})
        if self.target is None:  # kept apart: the final result must not use a stale copy
            ground_truth = (
                await _get_json(session, self.url + "/_sim/timeline"),
                await _get_json(session, self.url + "/_sim/ledger"),
            )
        partial = self.result("running", None, 0.0, ground_truth)
        return early.reason(partial, partial.observed_until or self.clock.now())


async def _get_json(session: aiohttp.ClientSession, url: str) -> dict[str, Any]:
    with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
        async with session.get(url, timeout=aiohttp.ClientTimeout(total=2)) as response:
            data = await response.json()
            return data if isinstance(data, dict) else {}
    return {}


async def _fetch_ground_truth(url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
        timeline = await _get_json(session, url + "/_sim/timeline")
        ledger = await _get_json(session, url + "/_sim/ledger")
    return timeline, ledger


def _read_dump(path: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    return {}
