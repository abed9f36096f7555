"""The event clock: event time `t` (seconds from the scheduled start) read from wall time.

`t = t_begin + (wall - wall0) * speedup`. The run hands `wall0`, `t_begin` and `speedup`
to every process, so the stub platform and all Locust workers read the same event clock. Pure
code takes a `Clock`; tests pass a `FakeClock` and advance it by hand.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

MAX_SPEEDUP = 10_000.0
"""Event seconds per wall second at the most: beyond it a wall millisecond is 10 event seconds."""


def speedup_problem(speedup: float) -> str | None:
    """Why a speedup cannot be used, or None."""
    if 0 < speedup <= MAX_SPEEDUP:
        return None
    return f"speedup must be in (0, {MAX_SPEEDUP:g}] (got {speedup:g})"


class Clock(Protocol):
    """Anything that tells the current event time."""

    @property
    def speedup(self) -> float: ...

    def now(self) -> float:
        """Event seconds relative to the scheduled start (negative before it)."""
        ...


@dataclass(frozen=True)
class EventClock:
    """The real-time clock of a run, shared across processes by its three numbers."""

    wall0: float
    t_begin: float
    speedup: float = 1.0

    @classmethod
    def starting_now(cls, t_begin: float, speedup: float) -> EventClock:
        return cls(wall0=time.time(), t_begin=t_begin, speedup=speedup)

    def now(self) -> float:
        return self.event_time_at(time.time())

    def event_time_at(self, wall: float) -> float:
        return self.t_begin + (wall - self.wall0) * self.speedup

    def wall_time_at(self, t: float) -> float:
        """The wall (epoch) time at which the event clock reads `t`."""
        return self.wall0 + (t - self.t_begin) / self.speedup


@dataclass
class VirtualClock:
    """Event time that moves only when told: the virtual-time engine's clock, and tests'."""

    t: float = 0.0
    speedup: float = 1.0

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


FakeClock = VirtualClock
"""The name tests of pure code use for it."""
