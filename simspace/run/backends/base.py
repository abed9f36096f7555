"""The run backend protocol: start (children on the session's exit stack), watch (a failure,
the live platform state, CPU), and what the run observed (the listeners' observations, the
platform's ground truth where the engine records one, how far the run got)."""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Protocol

from simspace.clock import EventClock
from simspace.errors import RunError
from simspace.plan import Plan
from simspace.results.model import Observer, RunResult
from simspace.results.observations import Observations
from simspace.run.rundir import RunDirectory
from simspace.scenario.loader import LoadedScenario
from simspace.wire.ground_truth import GroundTruth, PlatformState
from simspace.wire.load_config import MasterSettings

WALL_RESOLUTION_S = 1.0
"""How far a timing on the wall clock can move between two runs of one plan: observations are
flushed and read once a wall second."""
STARTUP_MARGIN_S = 4.0
"""Wall seconds for the children to start before the event clock reaches the plan's start."""


@dataclass(frozen=True)
class RunContext:
    """What every backend is given: the scenario, its plan, the event clock and the run
    directory (where children write their logs and observations)."""

    loaded: LoadedScenario
    plan: Plan
    clock: EventClock
    rundir: RunDirectory
    workers: int = 1
    master: MasterSettings | None = None
    """Set for a distributed run: Locust's master here, its workers elsewhere."""


class Backend(Protocol):
    """One engine of a run. Children started by `start` are entered on `stack`; the session
    closes it when the run ends, which stops them (and, for the stub, fetches the final
    ground truth first)."""

    observer: Observer
    platform_note: str
    """What the live view shows for Spaces and tiers when `live_state` gives nothing."""
    real_time: bool
    """Its event clock follows the wall clock (early stop then saves wall time)."""

    async def start(self, stack: AsyncExitStack) -> None: ...

    def event_time(self) -> float:
        """Where the run is on the event clock."""
        ...

    def failure(self) -> RunError | None:
        """Why the run cannot go on (a child died; a load process could not write its
        observations: `wire/load_failure.py`), checked once a second."""
        ...

    async def live_state(self) -> PlatformState | None: ...

    async def ground_truth(self, *, live: bool = False) -> GroundTruth | None:
        """The platform's timeline and ledger: fetched now (`live`, mid-run, for early stop),
        else the final one (after the stack closed). None where the engine has none."""
        ...

    def observations(self) -> Observations: ...

    def observed_until(self) -> float | None:
        """Event time the run reached, when the engine's own clock says (None: the end of the
        platform's timeline says)."""
        ...

    def verify(self, result: RunResult) -> RunResult:
        """The final result, checked against an independent reference where the engine has
        one (a Locust run on the stub: the virtual engine on the same plan)."""
        ...

    def links(self) -> list[tuple[str, str]]:
        """What a user can read from the platform while the run goes (what, URL): the stub's
        URLs once it listens; none for an engine with no HTTP platform of its own."""
        ...

    def sample_cpu(self) -> float:
        """The load generator's CPU now (percent of one core, summed over its processes)."""
        ...

    def cpu_samples(self) -> list[float]: ...
