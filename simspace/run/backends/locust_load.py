"""The Locust side of a backend: `python -m locust -f simspace/load/locustfile.py` as a child
process, handed its load configuration (`simspace.wire.load_config`) through a file, writing
observations that are read back incrementally."""

from __future__ import annotations

import signal
from contextlib import AsyncExitStack

from simspace.errors import RunError, UnreadableFileError
from simspace.fileio import read_model, write_json
from simspace.load import LOCUSTFILE
from simspace.results.observations import ObservationReader, Observations
from simspace.run.backends.base import STARTUP_MARGIN_S, RunContext
from simspace.run.monitor import CpuMonitor
from simspace.run.processes import Child, child_process
from simspace.scenario.platform import Flood
from simspace.target import Target
from simspace.wire.distributed import FAILURE_FILE, DistributedFailure
from simspace.wire.load_config import CONFIG_ENV, LoadConfig
from simspace.wire.load_failure import EXIT_WRITE_FAILED, MAX_FAILURE_BYTES, LoadFailure
from simspace.wire.load_failure import FAILURE_GLOB as LOAD_FAILURE_GLOB

RUN_TIME_MARGIN_S = 60
"""Locust's own --run-time exceeds the plan by this much: the session stops it first."""
LOG_FILTER = LOCUSTFILE.with_name("locust_logging.py")
"""A second locustfile that keeps Locust's repeated spawn-rate warning out of locust.log."""


class LocustLoad:
    """Locust against `url`, with its observations and CPU."""

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.monitor = CpuMonitor()
        observations_dir = context.rundir.path("observations")
        observations_dir.mkdir(exist_ok=True)
        self.reader = ObservationReader(observations_dir)
        self._child: Child | None = None

    async def start(
        self,
        stack: AsyncExitStack,
        url: str,
        target: Target | None = None,
        attacks: list[Flood] | None = None,
        send_weights: bool = True,
    ) -> None:
        ctx = self.context
        master = ctx.master
        config = LoadConfig.build(
            ctx.loaded.scenario,
            ctx.plan,
            ctx.clock,
            self.reader.directory,
            master.expect_workers if master else ctx.workers,
            target,
            attacks or [],
            send_weights,
            master,
        )
        config_path = ctx.rundir.path("load-config.json")
        write_json(config_path, config)
        run_time_s = int(ctx.plan.wall_duration_s + STARTUP_MARGIN_S + RUN_TIME_MARGIN_S)
        if master:
            run_time_s += int(master.connect_timeout_s)
        args = ["-m", "locust", "-f", f"{LOCUSTFILE},{LOG_FILTER}", "--headless", "--host", url]
        # --only-summary: no stats table every 2 s in locust.log (the CSV files keep them)
        args += ["--csv", str(ctx.rundir.path("locust")), "--loglevel", "WARNING", "--only-summary"]
        args += ["--run-time", f"{run_time_s}s", "--stop-timeout", "1"]
        if master:
            args += ["--master", "--master-bind-host", master.bind_host]
            args += ["--master-bind-port", str(master.port)]
            args += ["--expect-workers", str(master.expect_workers)]
        elif ctx.workers > 1:
            args += ["--processes", str(ctx.workers)]
        self._child = await stack.enter_async_context(
            child_process(
                "locust master" if master else "locust",
                args,
                ctx.rundir.path("locust.log"),
                env={CONFIG_ENV: str(config_path)},
                stop_signal=signal.SIGINT if master else signal.SIGTERM,
            )
        )

    def failure(self) -> RunError | None:
        reported = self._load_failure() or self._distributed_failure()
        if reported is not None:
            return reported
        child = self._child
        if child is not None and not child.alive:
            code = child.process.returncode
            why = " (it could not write its observations)" if code == EXIT_WRITE_FAILED else ""
            return RunError(f"{child.name} exited with code {code}{why}")
        return None

    def _load_failure(self) -> RunError | None:
        """What a load process wrote when it could no longer record (no space left)."""
        path = next(iter(sorted(self.reader.directory.glob(LOAD_FAILURE_GLOB))), None)
        if path is None:
            return None
        try:
            failure = read_model(path, LoadFailure, MAX_FAILURE_BYTES)
        except UnreadableFileError as exc:
            return RunError(f"a load process stopped recording ({exc})")
        return RunError(f"load process {failure.pid}: {failure.message}")

    def _distributed_failure(self) -> RunError | None:
        """What the master of a distributed run wrote when it ended the run early."""
        path = self.context.rundir.path(FAILURE_FILE)
        if self.context.master is None or not path.exists():
            return None
        try:
            failure = DistributedFailure.model_validate_json(path.read_bytes())
        except (OSError, ValueError):
            return None  # being written: read at the next watch
        return RunError(f"distributed run: {failure.message}")

    def observations(self) -> Observations:
        return self.reader.poll()

    def sample_cpu(self) -> float:
        return self.monitor.sample(self._child.process.pid) if self._child else 0.0
