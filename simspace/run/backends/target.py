"""The real-target backend: Locust plays real-time HLS listeners (and, if allowed, the scenario's
floods) against a service simspace does not run. Only the listeners' side is observed: there is
no platform ground truth, and the load side's own clock says how far the run got."""

from __future__ import annotations

from contextlib import AsyncExitStack

from simspace.errors import RunError
from simspace.results.model import TARGET_OBSERVER, RunResult
from simspace.results.observations import Observations
from simspace.run.backends.base import WALL_RESOLUTION_S, RunContext
from simspace.run.backends.locust_load import LocustLoad
from simspace.target import Target
from simspace.wire.ground_truth import GroundTruth, PlatformState


class TargetBackend:
    """Locust against a real service."""

    observer = TARGET_OBSERVER.model_copy(update={"timing_resolution_s": WALL_RESOLUTION_S})
    real_time = True

    def __init__(self, context: RunContext, target: Target) -> None:
        self.context = context
        self.target = target
        self.load = LocustLoad(context)
        self.platform_note = f"(real target {target.url}: seen from the listeners only)"

    async def start(self, stack: AsyncExitStack) -> None:
        # Hosts and speakers are the target's own business: none are driven from here.
        attacks = list(self.context.loaded.scenario.attacks)
        # A real target gets plain requests: weights are only for simspace's own accounting.
        await self.load.start(stack, self.target.origin, self.target, attacks, send_weights=False)

    def event_time(self) -> float:
        return self.context.clock.now()

    def failure(self) -> RunError | None:
        return self.load.failure()

    async def live_state(self) -> PlatformState | None:
        return None

    async def ground_truth(self, *, live: bool = False) -> GroundTruth | None:
        return None

    def observations(self) -> Observations:
        return self.load.observations()

    def links(self) -> list[tuple[str, str]]:
        """None: the platform is the target's, not ours to point at."""
        return []

    def observed_until(self) -> float | None:
        return min(self.context.clock.now(), self.context.plan.t_end)

    def verify(self, result: RunResult) -> RunResult:
        return result

    def sample_cpu(self) -> float:
        return self.load.sample_cpu()

    def cpu_samples(self) -> list[float]:
        return self.load.monitor.samples
