"""The server's ground-truth timeline: per-bucket tier load and outcomes, listeners and states.

Bounded by construction: buckets cover only the scenario window (merged into coarser buckets if
it would need more than `MAX_BUCKETS`), stored as typed arrays, never a list of requests.
"""

from __future__ import annotations

import math
from array import array

from simspace.platform.space import STATE_CODES, SpaceState
from simspace.wire.ground_truth import SpaceColumns, TierColumns, TimelineDump

__all__ = ["MAX_BUCKETS", "REASONS", "SUMS", "TimelineRecorder"]

MAX_BUCKETS = 20_000
SUMS = (
    "requests",
    "offered",
    "admitted",
    "served",
    "timeouts",
    "attack_offered",
    "attack_rejected",
)
# Why requests failed, per tier: tier-level (overload, rate_limited) and the answers of an API
# that served the request but said no. Timeouts have their own column.
REASONS = (
    "overload",
    "rate_limited",
    "not_found",
    "not_started",
    "space_ended",
    "listener_cap",
    "session_limit",
    "booted",
    "bad_request",
)
_SLOTS = (*SUMS, *REASONS)
_SLOT = {name: i for i, name in enumerate(_SLOTS)}
_REQUESTS, _OFFERED, _ADMITTED, _SERVED, _TIMEOUTS = range(5)
_PEAKS = ("utilisation", "backlog")
_NO_STATE = -1


def _zeros(n: int) -> array[float]:
    return array("d", bytes(8 * n))


class _TierColumns:
    """One tier's columns, plus the sums of the current bucket not yet written to them."""

    def __init__(self, n: int) -> None:
        self.columns = [_zeros(n) for _ in _SLOTS]
        self.peaks = {name: _zeros(n) for name in _PEAKS}
        self.capacity = _zeros(n)
        self.pending = [0.0] * len(_SLOTS)
        self.flushed = [0.0] * len(_SLOTS)  # whole-run sums already written out


class _SpaceColumns:
    def __init__(self, index: int, space_id: str, host: str, n: int) -> None:
        self.index = index
        self.space_id = space_id
        self.host = host
        self.listeners = _zeros(n)
        self.state = array("b", [_NO_STATE]) * n
        self.final: tuple[int, int] | None = None  # (from bucket, state code) once it is over


class TimelineRecorder:
    """Buckets of `bucket_s` event seconds from `origin_t` (a whole second) to the window end.

    Requests are summed into the current bucket in plain lists (the hot path) and written to the
    arrays when time moves on to another bucket, or before anything reads them.
    """

    def __init__(self, start_t: float, end_t: float, tiers: list[str]) -> None:
        self.origin_t = math.floor(start_t)
        span_s = max(1, math.ceil(end_t) - self.origin_t)
        self.bucket_s = max(1, math.ceil(span_s / MAX_BUCKETS))
        self.n = math.ceil(span_s / self.bucket_s)
        self._tiers = {name: _TierColumns(self.n) for name in tiers}
        self._spaces: list[_SpaceColumns] = []
        self._last_index = -1
        # The bucket that pending sums belong to: [lo_t, hi_t), its index (maybe outside).
        self._pending_i = -1
        self._lo_t = math.inf
        self._hi_t = -math.inf

    def index(self, t: float) -> int | None:
        """The bucket holding event time t, or None outside the window."""
        i = math.floor((t - self.origin_t) / self.bucket_s)
        return i if 0 <= i < self.n else None

    def _seen(self, i: int) -> None:
        self._last_index = max(self._last_index, i)

    def _flush(self) -> None:
        i = self._pending_i
        inside = 0 <= i < self.n
        for columns in self._tiers.values():
            pending = columns.pending
            if not any(pending):
                continue
            for slot, value in enumerate(pending):
                if value:
                    columns.flushed[slot] += value
                    if inside:
                        columns.columns[slot][i] += value
                    pending[slot] = 0.0
            if inside:
                self._seen(i)

    def _pending(self, tier: str, t: float) -> list[float] | None:
        """The pending sums to add t's weights to, or None if t is in an earlier bucket."""
        if self._lo_t <= t < self._hi_t:
            return self._tiers[tier].pending
        if t < self._lo_t and self._lo_t != math.inf:
            return None
        self._flush()
        i = math.floor((t - self.origin_t) / self.bucket_s)
        self._pending_i = i
        self._lo_t = self.origin_t + i * self.bucket_s
        self._hi_t = self._lo_t + self.bucket_s
        return self._tiers[tier].pending

    def _add_past(self, tier: str, t: float, slot: int, weight: float) -> None:
        columns = self._tiers[tier]
        columns.flushed[slot] += weight
        i = self.index(t)
        if i is not None:
            self._seen(i)
            columns.columns[slot][i] += weight

    def add(self, tier: str, t: float, column: str, weight: float) -> None:
        """Add to a summed column (`offered`, `attack_offered`...) or to a rejection reason."""
        slot = _SLOT[column]
        pending = self._pending(tier, t)
        if pending is None:
            self._add_past(tier, t, slot, weight)
        else:
            pending[slot] += weight

    def add_request(
        self, tier: str, t: float, weight: float, code: str | None, reason: str | None
    ) -> None:
        """One request's weight: offered, and admitted/served/rejected/timed out as it went."""
        if self._lo_t <= t < self._hi_t:
            pending: list[float] | None = self._tiers[tier].pending
        else:
            pending = self._pending(tier, t)
        if pending is None:
            past = [0.0] * len(_SLOTS)
            self._count(past, weight, code, reason)
            for slot, value in enumerate(past):
                if value:
                    self._add_past(tier, t, slot, value)
            return
        self._count(pending, weight, code, reason)

    @staticmethod
    def _count(sums: list[float], weight: float, code: str | None, reason: str | None) -> None:
        sums[_REQUESTS] += 1
        sums[_OFFERED] += weight
        if code is None:
            sums[_ADMITTED] += weight
            sums[_SERVED] += weight
            if reason is not None:
                sums[_SLOT[reason]] += weight
        elif code == "timeout":
            sums[_ADMITTED] += weight
            sums[_TIMEOUTS] += weight
        else:
            sums[_SLOT[code]] += weight

    def totals(self, tier: str) -> dict[str, float]:
        """Whole-run sums of one tier, inside the window or not, by column and reason."""
        columns = self._tiers[tier]
        return {
            name: flushed + pending
            for name, flushed, pending in zip(_SLOTS, columns.flushed, columns.pending, strict=True)
        }

    def add_space(self, index: int, space_id: str, host: str) -> None:
        self._spaces.append(_SpaceColumns(index, space_id, host, self.n))

    def sample_tier(
        self, tier: str, t: float, utilisation: float, backlog: float, capacity: float
    ) -> None:
        """A tick's reading at t, kept in the bucket that ends at t (peaks keep the maximum)."""
        i = self.index(t - 1e-9)
        if i is None:
            return
        self._seen(i)
        columns = self._tiers[tier]
        for name, value in (("utilisation", utilisation), ("backlog", backlog)):
            column = columns.peaks[name]
            column[i] = max(column[i], value)
        columns.capacity[i] = capacity

    def sample_space(self, index: int, t: float, listeners: float, state: SpaceState) -> None:
        i = self.index(t - 1e-9)
        if i is None:
            return
        columns = self._spaces[index - 1]
        columns.listeners[i] = max(columns.listeners[i], listeners)
        columns.state[i] = STATE_CODES.index(state)

    def close_space(self, index: int, t: float, state: SpaceState) -> None:
        """The Space is over from t: readings from t on are `state`, without being sampled."""
        i = math.floor((t - 1e-9 - self.origin_t) / self.bucket_s)
        self._spaces[index - 1].final = (max(0, i), STATE_CODES.index(state))

    def _states(self, space: _SpaceColumns, n: int) -> list[str | None]:
        codes = space.state[:n].tolist()
        if space.final is not None:
            start, code = space.final
            for i in range(start, n):
                codes[i] = code
        return [None if code == _NO_STATE else STATE_CODES[code].value for code in codes]

    def dump(self, now: float | None = None) -> TimelineDump:
        """Columns up to the newest bucket touched; `t` holds each bucket's start."""
        self._flush()
        n = self._last_index + 1
        tiers: dict[str, TierColumns] = {}
        for name, columns in self._tiers.items():
            series = {
                key: col[:n].tolist() for key, col in zip(_SLOTS, columns.columns, strict=True)
            }
            tiers[name] = TierColumns(
                **{key: series[key] for key in SUMS},
                rejected={key: series[key] for key in REASONS},
                **{key: col[:n].tolist() for key, col in columns.peaks.items()},
                capacity=columns.capacity[:n].tolist(),
            )
        return TimelineDump(
            now=now,
            origin_t=self.origin_t,
            bucket_s=self.bucket_s,
            buckets=n,
            t=[self.origin_t + i * self.bucket_s for i in range(n)],
            tiers=tiers,
            spaces=[
                SpaceColumns(
                    index=s.index,
                    space_id=s.space_id,
                    host=s.host,
                    listeners=s.listeners[:n].tolist(),
                    state=self._states(s, n),
                )
                for s in self._spaces
            ],
        )
