"""What happens on the event clock by itself: operator actions, attack windows, failure rules.

Actions and attack edges are timed entries popped in order; failure rules are watched at every
event-second tick and fire exactly when their overload has been sustained long enough.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field

from simspace.scenario.platform import (
    BootListeners,
    CrashSpace,
    DegradeTier,
    Flood,
    OperatorAction,
)

__all__ = ["AttackEdge", "RuleWatch", "Schedule", "Timed"]

# Float slack for "sustained for at least": a streak of 480 one-second ticks is 480 s even if the
# subtraction of two event times rounds a hair below it.
_EPSILON_S = 1e-9


@dataclass(frozen=True, slots=True)
class AttackEdge:
    """An attack starting (`starts` True) or ending on its tier."""

    flood: Flood
    starts: bool


@dataclass(order=True, slots=True)
class Timed:
    t: float
    order: int
    item: OperatorAction | AttackEdge = field(compare=False)


class Schedule:
    """Timed entries in time order (ties: actions in file order, attack ends before starts)."""

    def __init__(self, actions: list[OperatorAction], attacks: list[Flood]) -> None:
        entries = [Timed(a.at, 1000 + i, a) for i, a in enumerate(actions)]
        for i, flood in enumerate(attacks):
            entries.append(Timed(flood.start, 2000 + i, AttackEdge(flood, True)))
            entries.append(Timed(flood.end, i, AttackEdge(flood, False)))
        heapq.heapify(entries)
        self._heap = entries
        self.next_t = entries[0].t if entries else math.inf
        """When the earliest entry is due (infinity once all are done)."""

    def pop_due(self, t: float) -> Timed | None:
        """The earliest entry due at or before t, removed; None when nothing is due."""
        if self.next_t > t:
            return None
        entry = heapq.heappop(self._heap)
        self.next_t = self._heap[0].t if self._heap else math.inf
        return entry


Rule = CrashSpace | BootListeners | DegradeTier


@dataclass
class RuleWatch:
    """One failure rule's streak of overload, evaluated at whole-second ticks."""

    rule: Rule
    since_t: float | None = None
    last_fired_t: float | None = None
    fired: int = 0

    def check(self, t: float, utilisation: float) -> bool:
        """Whether the rule fires at tick t, given its tier's utilisation then."""
        when = self.rule.when
        if utilisation <= when.utilisation_above:
            self.since_t = None
            return False
        if self.since_t is None:
            self.since_t = t
        if t - self.since_t < when.sustained - _EPSILON_S:
            return False
        if isinstance(self.rule, DegradeTier) and self.fired:
            return False  # a tier degrades once; an operator may restore it
        if (
            isinstance(self.rule, BootListeners)
            and self.last_fired_t is not None
            and t - self.last_fired_t < self.rule.cooldown
        ):
            return False
        self.fired += 1
        self.last_fired_t = t
        return True

    def rearm(self) -> None:
        """Start a new streak (after a crash: the next Space must be overloaded anew)."""
        self.since_t = None
