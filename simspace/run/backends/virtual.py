"""The virtual-time backend: the whole run in process on a virtual clock (`simspace.engine`),
in event-time slices so that the console stays live and Ctrl-C stops it between two slices.
Nothing about it depends on the wall clock: the same plan gives the same result."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import AsyncExitStack

from simspace.engine.driver import VirtualDriver
from simspace.engine.play import virtual_result
from simspace.errors import RunError
from simspace.results.model import VIRTUAL_OBSERVER, RunResult
from simspace.results.observations import Observations
from simspace.run.backends.base import RunContext
from simspace.wire.ground_truth import GroundTruth, PlatformState


def virtual_reference(context: RunContext) -> RunResult:
    """The plan of `context` played in virtual time, at once: the reference a Locust run on the
    stub is checked against."""
    return virtual_result(context.loaded.scenario, context.loaded.variant, context.plan)


class VirtualBackend:
    """The scripts against the platform model, no processes, no sockets."""

    observer = VIRTUAL_OBSERVER
    platform_note = "(virtual time, in process)"
    real_time = False

    def __init__(self, context: RunContext) -> None:
        self.context = context
        self.driver = VirtualDriver(context.loaded.scenario, context.plan)
        self._task: asyncio.Task[None] | None = None

    async def start(self, stack: AsyncExitStack) -> None:
        self._task = asyncio.create_task(self._run())
        stack.push_async_callback(self._stop)

    async def _run(self) -> None:
        for _ in self.driver.slices():
            await asyncio.sleep(0)  # the console and Ctrl-C get their turn

    async def _stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.driver.flush()

    def event_time(self) -> float:
        return self.driver.clock.now()

    def failure(self) -> RunError | None:
        task = self._task
        if task is None or not task.done() or task.cancelled() or task.exception() is None:
            return None
        error = RunError(f"the virtual engine failed: {task.exception()!r}")
        error.__cause__ = task.exception()
        return error

    async def live_state(self) -> PlatformState | None:
        return None  # reading it would move the model at wall-clock moments: not deterministic

    async def ground_truth(self, *, live: bool = False) -> GroundTruth | None:
        return self.driver.ground_truth()

    def observations(self) -> Observations:
        return self.driver.recorder.observations

    def links(self) -> list[tuple[str, str]]:
        """None: no HTTP platform, the model plays in process."""
        return []

    def observed_until(self) -> float | None:
        return None  # the end of the platform's timeline says

    def verify(self, result: RunResult) -> RunResult:
        return result

    def sample_cpu(self) -> float:
        return 0.0

    def cpu_samples(self) -> list[float]:
        return []
