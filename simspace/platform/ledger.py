"""The ledger of every failure the stub platform injected: aggregates plus discrete events.

Bounded: failures aggregate by (kind, reason, tier), a small fixed set; discrete events (crashes,
boots, operator actions, Space transitions) stop being kept past `MAX_EVENTS`, counted as dropped.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from simspace.wire.ground_truth import FailureTotal, LedgerDump, LedgerEvent, SpaceSnapshot

__all__ = ["MAX_EVENTS", "FailureAggregate", "Ledger"]

MAX_EVENTS = 10_000


@dataclass(slots=True)
class FailureAggregate:
    """All failures of one kind and reason on one tier: when first and last, how many, how much."""

    kind: str
    reason: str
    tier: str | None
    first_t: float
    last_t: float
    count: int
    weight: float


class Ledger:
    """Aggregated failures and a bounded list of discrete events, in event time."""

    def __init__(self) -> None:
        self._failures: dict[tuple[str, str, str | None], FailureAggregate] = {}
        self._events: list[dict[str, Any]] = []
        self.events_dropped = 0

    def failure(
        self, kind: str, reason: str, tier: str | None, t: float, weight: float, *, count: int = 1
    ) -> None:
        key = (kind, reason, tier)
        entry = self._failures.get(key)
        if entry is None:
            self._failures[key] = FailureAggregate(kind, reason, tier, t, t, count, weight)
            return
        entry.last_t = max(entry.last_t, t)
        entry.count += count
        entry.weight += weight

    def event(self, t: float, kind: str, **details: Any) -> None:
        if len(self._events) >= MAX_EVENTS:
            self.events_dropped += 1
            return
        self._events.append({"t": t, "kind": kind, **details})

    def failures(self) -> list[FailureAggregate]:
        return sorted(self._failures.values(), key=lambda f: (f.first_t, f.kind, f.reason))

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        return [e for e in self._events if kind is None or e["kind"] == kind]

    def dump(
        self, now: float | None = None, spaces: list[SpaceSnapshot] | None = None
    ) -> LedgerDump:
        return LedgerDump(
            now=now,
            failures=[FailureTotal(**asdict(f)) for f in self.failures()],
            events=[LedgerEvent(**event) for event in self._events],
            events_dropped=self.events_dropped,
            spaces=spaces or [],
        )
