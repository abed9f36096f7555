"""The embedded stub backend: the stub Spaces platform (`python -m simspace.server`) and Locust
as child processes on one event clock, the hosts and speakers driven from here, and the
platform's own timeline and ledger as ground truth."""

from __future__ import annotations

import contextlib
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TypeVar

import aiohttp
from pydantic import BaseModel

from simspace.errors import RunError
from simspace.judge.agreement import disagreements
from simspace.plan import request_timeout_wall_s
from simspace.results.model import STUB_OBSERVER, CrossCheck, RunResult
from simspace.results.observations import Observations
from simspace.run.backends.base import WALL_RESOLUTION_S, RunContext
from simspace.run.backends.locust_load import LocustLoad
from simspace.run.backends.virtual import virtual_reference
from simspace.run.processes import Child, child_process, wait_for_ready_file
from simspace.run.speakers import run_speakers
from simspace.server.runner import is_loopback
from simspace.server.weights import plan_max_weight
from simspace.wire.ground_truth import (
    LEDGER_FILE,
    TIMELINE_FILE,
    GroundTruth,
    LedgerDump,
    PlatformState,
    TimelineDump,
)
from simspace.wire.server_args import ServerArgs

SERVER_READY_TIMEOUT_S = 30.0
LIVE_TIMEOUT_S = 2.0
FINAL_TIMEOUT_S = 30.0
_Model = TypeVar("_Model", bound=BaseModel)
LINKS = (
    ("Prometheus metrics", "/_sim/metrics"),  # docs/platform-api.md
    ("live Space", "/api/spaces/live"),
)
"""Paths on the stub worth reading during a run, printed with its URL when it starts."""


class StubBackend:
    """The stub platform and Locust against it."""

    platform_note = "starting"
    real_time = True

    def __init__(self, context: RunContext) -> None:
        self.context = context
        # Its clock is the wall clock: a timing can move by a wall second from run to run.
        self.observer = STUB_OBSERVER.model_copy(
            update={"timing_resolution_s": WALL_RESOLUTION_S * context.plan.speedup}
        )
        self.load = LocustLoad(context)
        self.url = ""
        self._server: Child | None = None
        self._session: aiohttp.ClientSession | None = None
        self._final: GroundTruth | None = None

    def server_args(self, ready_file: Path) -> ServerArgs:
        ctx = self.context
        host = ctx.master.stub_host if ctx.master else "127.0.0.1"
        return ServerArgs(
            scenario_json=ctx.rundir.path("scenario.json"),
            host=host,
            port=ctx.master.stub_port if ctx.master else 0,
            allow_remote=not is_loopback(host),  # the CLI asked for --allow-remote
            ready_file=ready_file,
            dump_dir=ctx.rundir.work,
            wall0=ctx.clock.wall0,
            t_begin=ctx.clock.t_begin,
            speedup=ctx.clock.speedup,
            seed=ctx.plan.seed,
            session_timeout_s=ctx.plan.session_timeout_s,
            utilisation_window_s=ctx.plan.utilisation_window_s,
            max_weight=plan_max_weight(ctx.plan),
        )

    async def start(self, stack: AsyncExitStack) -> None:
        ctx = self.context
        ready_file = ctx.rundir.path("server.ready.json")
        self._server = await stack.enter_async_context(
            child_process(
                "stub server", self.server_args(ready_file).argv(), ctx.rundir.path("server.log")
            )
        )
        # Entered after the server: closed before it stops, so the last answer is fetched live.
        stack.push_async_callback(self._fetch_final)
        ready = await wait_for_ready_file(self._server, ready_file, SERVER_READY_TIMEOUT_S)
        self.url = ready.url.rstrip("/")
        self._session = await stack.enter_async_context(aiohttp.ClientSession())
        await self.load.start(stack, self.url)
        scenario = ctx.loaded.scenario
        timeout_s = request_timeout_wall_s(scenario.audience.client, ctx.plan.speedup)
        await stack.enter_async_context(
            run_speakers(
                self._session,
                self.url,
                scenario.speakers,
                scenario,
                ctx.clock,
                ctx.plan.seed,
                timeout_s,
            )
        )

    def links(self) -> list[tuple[str, str]]:
        """What can be read from the stub while it runs (what, URL); none before it listens."""
        if not self.url:
            return []
        return [("stub platform", self.url), *((what, self.url + path) for what, path in LINKS)]

    def event_time(self) -> float:
        return self.context.clock.now()

    def failure(self) -> RunError | None:
        server = self._server
        if server is not None and not server.alive:
            return RunError(f"{server.name} exited with code {server.process.returncode}")
        return self.load.failure()

    async def live_state(self) -> PlatformState | None:
        if self._session is None or self._session.closed:
            return None
        return await self._get(self._session, "/_sim/state", PlatformState, LIVE_TIMEOUT_S)

    async def ground_truth(self, *, live: bool = False) -> GroundTruth | None:
        if not live:  # the server's last answer, else the dumps it left at exit
            return self._final or self._read_dumps()
        if self._session is None or self._session.closed:
            return None
        return await self._fetch(self._session, LIVE_TIMEOUT_S)

    def observations(self) -> Observations:
        return self.load.observations()

    def observed_until(self) -> float | None:
        return None  # the end of the server's timeline says

    def verify(self, result: RunResult) -> RunResult:
        """A completed run against the virtual engine on the same plan (seconds): outcomes
        that left it say the load generator, not the model, may have shaped them."""
        if result.status != "completed":
            return result
        reference = virtual_reference(self.context)
        resolution_s = self.observer.timing_resolution_s or 0.0
        differences = disagreements(result, reference, resolution_s)
        warnings = list(result.warnings)
        if differences:
            warnings.append(
                "the run's outcomes left the virtual engine's on the same plan (the load "
                "generator may have shaped them): " + "; ".join(differences)
            )
        check = CrossCheck(engine="virtual", agreed=not differences, differences=differences)
        return result.model_copy(update={"cross_check": check, "warnings": warnings})

    def sample_cpu(self) -> float:
        return self.load.sample_cpu()

    def cpu_samples(self) -> list[float]:
        return self.load.monitor.samples

    async def _fetch_final(self) -> None:
        """The server's last answer, once the load has stopped and before the server does."""
        if self._server is not None and self._server.alive and self.url:
            async with aiohttp.ClientSession() as session:
                self._final = await self._fetch(session, FINAL_TIMEOUT_S)

    async def _fetch(self, session: aiohttp.ClientSession, timeout_s: float) -> GroundTruth | None:
        timeline = await self._get(session, "/_sim/timeline", TimelineDump, timeout_s)
        ledger = await self._get(session, "/_sim/ledger", LedgerDump, timeout_s)
        if timeline is None or ledger is None:
            return None
        return GroundTruth(timeline=timeline, ledger=ledger)

    async def _get(
        self, session: aiohttp.ClientSession, path: str, model: type[_Model], timeout_s: float
    ) -> _Model | None:
        timeout = aiohttp.ClientTimeout(total=timeout_s)
        with contextlib.suppress(aiohttp.ClientError, TimeoutError, ValueError):
            async with session.get(self.url + path, timeout=timeout) as response:
                return model.model_validate_json(await response.read())
        return None

    def _read_dumps(self) -> GroundTruth | None:
        rundir = self.context.rundir
        with contextlib.suppress(OSError, ValueError):
            return GroundTruth(
                timeline=TimelineDump.model_validate_json(rundir.path(TIMELINE_FILE).read_bytes()),
                ledger=LedgerDump.model_validate_json(rundir.path(LEDGER_FILE).read_bytes()),
            )
        return None
