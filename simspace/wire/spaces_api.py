"""What the Spaces API says that both sides rely on: the states a listener's app sees, and the
stub's own headers. The stub platform serves them and the load side reads them (the states
against a real target too)."""

from __future__ import annotations

from enum import StrEnum

WEIGHT_HEADER = "X-Sim-Weight"
"""The event-scale requests a simulated request stands for (the stub charges it; 1 if absent)."""
LISTENERS_HEADER = "X-Sim-Listeners"
"""Starting to watch: the event listeners the session registers (default: X-Sim-Weight). A
simulated join stands for several real attempts (X-Sim-Weight) of these listeners."""
SPEAKER_HEADER = "X-Sim-Speaker"
"""Who a host's or speaker's request is from (the stub lets only a Space's host start it)."""


def weight_header(weight: float) -> str:
    """A weight as the header carries it: 6 significant digits."""
    return f"{weight:.6g}"


class SpaceState(StrEnum):
    """The states a listener's app sees (a subset of the real ones)."""

    NOT_STARTED = "NotStarted"
    RUNNING = "Running"
    ENDED = "Ended"
    TIMED_OUT = "TimedOut"

    @property
    def is_over(self) -> bool:
        return self in (SpaceState.ENDED, SpaceState.TIMED_OUT)
