"""What the Spaces API says that both sides rely on: the states a listener's app sees. The stub
platform serves them and the load side reads them (against a real target too)."""

from __future__ import annotations

from enum import StrEnum


class SpaceState(StrEnum):
    """The states a listener's app sees (a subset of the real ones)."""

    NOT_STARTED = "NotStarted"
    RUNNING = "Running"
    ENDED = "Ended"
    TIMED_OUT = "TimedOut"

    @property
    def is_over(self) -> bool:
        return self in (SpaceState.ENDED, SpaceState.TIMED_OUT)
