"""Writes a run's live file (`live.json`, `wire/live.py`) into its run directory once a second
while it runs, and once more with how it ended, for the web viewer's live page. A write that
fails never fails the run."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from simspace.fileio import write_json
from simspace.run.backends.base import RunContext
from simspace.run.progress import ProgressView, event_clock_text
from simspace.scenario.model import Scenario
from simspace.wire.ground_truth import PlatformState, TierState
from simspace.wire.live import LIVE_FILE, LiveSample, LiveSpace, LiveState, LiveStatus, LiveTier

log = logging.getLogger(__name__)

MAX_SAMPLES = 1800
"""Samples kept in the file: half an hour at one a second before older ones are thinned."""
DECIMALS = 3
"""Of a sample's numbers: event-scale weights have long fractions that would double the file."""


def thinned(samples: list[LiveSample], max_samples: int = MAX_SAMPLES) -> list[LiveSample]:
    """At most `max_samples`: when over, every other sample of the older half is dropped (the
    first kept), the newer half stays whole, so recent seconds keep their detail."""
    if len(samples) <= max_samples:
        return samples
    half = len(samples) // 2
    return samples[:half:2] + samples[half:]


def _offered(tier: TierState) -> float:
    return tier.offered + tier.attack_offered


def _rounded(value: float) -> float:
    return round(value, DECIMALS)


def live_tiers(state: PlatformState | None, previous: PlatformState | None) -> dict[str, LiveTier]:
    """Each tier of `state`; its offered rate over the event time since `previous`."""
    if state is None:
        return {}
    tiers = {}
    for name, tier in state.tiers.items():
        before = previous.tiers.get(name) if previous is not None else None
        dt = state.t - previous.t if previous is not None else 0.0
        offered_rps = (_offered(tier) - _offered(before)) / dt if before and dt > 0 else None
        tiers[name] = LiveTier(
            utilisation=_rounded(tier.utilisation),
            offered_rps=None if offered_rps is None else _rounded(offered_rps),
            capacity_rps=tier.capacity_rps,
            backlog=_rounded(tier.backlog),
            rejected=_rounded(sum(tier.rejected.values())),
            timeouts=_rounded(tier.timeouts),
        )
    return tiers


def live_sample(view: ProgressView, previous: PlatformState | None) -> LiveSample:
    """What the console view shows now, as one sample."""
    return LiveSample(
        t=_rounded(view.t),
        waiting=_rounded(view.presence.get("waiting", 0.0)),
        listening=_rounded(view.presence.get("listening", 0.0)),
        gave_up=_rounded(view.counts.get("gave_up", 0.0)),
        booted=_rounded(view.counts.get("booted", 0.0)),
        requests_per_s=_rounded(view.requests_per_s),
        tiers=live_tiers(view.platform, previous),
    )


def end_message(state: LiveState, failure: str | None, stopped_early: str | None) -> str | None:
    """Why the run ended as it did, when it did not simply complete."""
    if state == "interrupted":
        return failure or "stopped by Ctrl-C or SIGTERM"
    return failure or stopped_early


@dataclass
class LiveWriter:
    """The live file of one run: the run's identity, its samples so far, the latest view."""

    path: Path
    scenario: Scenario
    variant: str | None
    engine: str
    started_at: str
    t_begin: float
    t_end: float
    wall: Callable[[], float] = time.time
    max_samples: int = MAX_SAMPLES
    t: float = field(init=False)
    generator_cpu_percent: float = 0.0
    spaces: list[LiveSpace] = field(default_factory=list)
    samples: list[LiveSample] = field(default_factory=list)
    _platform: PlatformState | None = None
    _warned: bool = False

    def __post_init__(self) -> None:
        self.t = self.t_begin

    @classmethod
    def for_run(cls, context: RunContext, engine: str, started_at: str) -> LiveWriter:
        """Writes into the run directory while it is being written (it moves with it);
        `started_at` as result.json records it."""
        return cls(
            path=context.rundir.path(LIVE_FILE),
            scenario=context.loaded.scenario,
            variant=context.loaded.variant,
            engine=engine,
            started_at=started_at,
            t_begin=context.plan.t_begin,
            t_end=context.plan.t_end,
        )

    def update(self, view: ProgressView) -> None:
        """Add the view's numbers as a sample and write the file, running."""
        sample = live_sample(view, self._platform)
        self.samples = thinned([*self.samples, sample], self.max_samples)
        self.t, self.generator_cpu_percent = sample.t, _rounded(view.generator_cpu_percent)
        if view.platform is not None:
            self._platform = view.platform
            self.spaces = [LiveSpace(host=s.host, state=s.state) for s in view.platform.spaces]
        self.write()

    def end(self, state: LiveState, failure: str | None, stopped_early: str | None) -> None:
        """The last write: how the run ended and why."""
        self.write(state, end_message(state, failure, stopped_early))

    def write(self, state: LiveState = "running", message: str | None = None) -> None:
        try:
            write_json(self.path, self.status(state, message), indent=None)
        except OSError as exc:  # the live page is a view: losing it must not lose the run
            if not self._warned:
                log.warning("could not write the live file %s: %s", self.path, exc)
                self._warned = True

    def status(self, state: LiveState, message: str | None) -> LiveStatus:
        span = self.t_end - self.t_begin
        progress = (self.t - self.t_begin) / span if span > 0 else 1.0
        event = self.scenario.event
        return LiveStatus(
            scenario=event.name,
            title=event.title,
            variant=self.variant,
            engine=self.engine,
            started_at=self.started_at,
            updated_at=self.wall(),
            pid=os.getpid(),
            state=state,
            message=message,
            t_begin=self.t_begin,
            t_end=self.t_end,
            t=self.t,
            progress=min(1.0, max(0.0, progress)),
            event_clock=event_clock_text(self.scenario, self.t),
            generator_cpu_percent=self.generator_cpu_percent,
            spaces=self.spaces,
            samples=self.samples,
        )
