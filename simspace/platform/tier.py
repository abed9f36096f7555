"""One serving tier as a fluid queue: capacity, backlog, utilisation, rate limit and timeouts.

All quantities are event-scale: weights are event requests, times are event seconds.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from simspace.scenario.platform import Tier

__all__ = ["MAX_LATENCY_FACTOR", "UTILISATION_WINDOW_S", "Admission", "SlidingRate", "TierModel"]

UTILISATION_WINDOW_S = 5
# Below capacity latency is service_time / (1 - rho); capped so a tier just under 100% answers
# in at most this many service times (the backlog term takes over above capacity).
MAX_LATENCY_FACTOR = 20.0


@dataclass(slots=True)  # not frozen: one is made per request, frozen init is 2x slower
class Admission:
    """What a tier did with a request: `code` None means served, after `latency_s`."""

    code: str | None
    latency_s: float


class SlidingRate:
    """Weight per event-second over the last `window_s` seconds, kept in one-second buckets."""

    __slots__ = ("_buckets", "_n", "_second", "_total")

    def __init__(self, window_s: int = UTILISATION_WINDOW_S) -> None:
        if window_s < 2:
            raise ValueError(f"window_s must be >= 2 (got {window_s})")
        self._n = window_s
        self._buckets = [0.0] * window_s
        self._total = 0.0  # sum of the buckets, kept as they change (windows may be long)
        self._second: int | None = None

    def _roll(self, second: int) -> int:
        """Move the newest bucket to `second` (never backwards); returns the bucket used."""
        if self._second is None:
            self._second = second
        gap = second - self._second
        if gap >= self._n:
            self._buckets = [0.0] * self._n
            self._total = 0.0
            self._second = second
        elif gap > 0:
            buckets = self._buckets
            for s in range(self._second + 1, second + 1):
                self._total -= buckets[s % self._n]
                buckets[s % self._n] = 0.0
            self._total = max(self._total, 0.0)
            self._second = second
        return self._second

    def add(self, t: float, weight: float) -> None:
        second = math.floor(t)
        if second != self._second:
            second = self._roll(second)
        self._buckets[second % self._n] += weight
        self._total += weight

    def add_and_rate(self, t: float, weight: float) -> float:
        """`add(t, weight)` then `rate(t)`, in one step (the per-request path)."""
        second = math.floor(t)
        if second != self._second:
            second = self._roll(second)
        self._buckets[second % self._n] += weight
        self._total += weight
        span_s = t - (second - self._n + 1)
        return self._total / span_s if span_s > 0 else 0.0

    def add_span(self, t0: float, t1: float, rate: float) -> None:
        """A constant inflow of `rate` per second over [t0, t1), split at whole seconds."""
        t = t0
        while t < t1:
            edge = min(t1, math.floor(t) + 1.0)
            self.add(t, rate * (edge - t))
            t = edge

    def rate(self, t: float) -> float:
        """Mean weight per second over the window ending at t (the current second partial)."""
        second = self._roll(math.floor(t))
        span_s = t - (second - self._n + 1)
        return self._total / span_s if span_s > 0 else 0.0


class TierModel:
    """A tier's fluid queue. `advance(t)` drains it; `offer(t, weight)` charges one request."""

    __slots__ = (
        "_load",
        "_rng",
        "_t",
        "_tokens",
        "_tokens_t",
        "attack_rps",
        "backlog",
        "capacity_rps",
        "name",
        "queue_limit",
        "rate_limit_rps",
        "service_time_s",
        "timeout_s",
    )

    def __init__(
        self,
        name: str,
        spec: Tier,
        start_t: float,
        rng: random.Random | None = None,
        window_s: int = UTILISATION_WINDOW_S,
    ) -> None:
        self.name = name
        self._rng = rng or random.Random(0)
        self.capacity_rps = spec.capacity_rps
        self.service_time_s = spec.service_time
        self.queue_limit = spec.queue_limit
        self.timeout_s = spec.timeout
        self.backlog = 0.0
        self.attack_rps = 0.0
        self.rate_limit_rps: float | None = None
        self._tokens = 0.0
        self._tokens_t = start_t
        self._t = start_t
        self._load = SlidingRate(window_s)

    @property
    def t(self) -> float:
        return self._t

    def utilisation(self, t: float) -> float:
        """Load reaching the tier (past any rate limit, attacks included) / capacity."""
        return self._load.rate(t) / self.capacity_rps

    def advance(self, t: float) -> tuple[float, float]:
        """Drain the backlog at capacity up to t while attacks pour in.

        Returns (attack weight offered, attack weight rejected at the queue limit) meanwhile.
        Callers split time at whole seconds and at every change of capacity or attack rate.
        """
        dt = t - self._t
        if dt <= 0:
            return 0.0, 0.0
        attack = self.attack_rps * dt
        if attack:
            self._load.add_span(self._t, t, self.attack_rps)
        drained = self.capacity_rps * dt
        level = self.backlog + attack - drained
        # Only attack inflow is cut at the queue limit here: a request admitted past the limit
        # (see `offer`) is real work and drains like any other.
        ceiling = max(self.queue_limit, self.backlog - drained)
        rejected = 0.0
        if level < 0:
            level = 0.0
        elif level > ceiling:
            rejected = level - ceiling
            level = ceiling
        self.backlog = level
        self._t = t
        return attack, rejected

    def drain(self, t: float) -> None:
        """`advance(t)` for a tier without attack inflow (the per-request path)."""
        dt = t - self._t
        if dt > 0:
            if self.backlog:
                self.backlog = max(0.0, self.backlog - self.capacity_rps * dt)
            self._t = t

    def set_capacity(self, capacity_rps: float) -> None:
        self.capacity_rps = capacity_rps

    def set_rate_limit(self, rate_rps: float | None, t: float) -> None:
        self.rate_limit_rps = rate_rps
        self._tokens = rate_rps or 0.0  # one second of burst, full at once
        self._tokens_t = t

    def _rate_limited(self, t: float, weight: float) -> bool:
        # A token bucket that may go negative: a request is admitted while any token is left
        # and pays its whole weight, so the admitted rate matches the limit whatever the weights.
        rate = self.rate_limit_rps
        if rate is None:
            return False
        self._tokens = min(rate, self._tokens + rate * max(0.0, t - self._tokens_t))
        self._tokens_t = t
        if self._tokens <= 0:
            return True
        self._tokens -= weight
        return False

    def offer(self, t: float, weight: float, *, priority: bool = False) -> Admission:
        """Charge one request of `weight` event requests at t (after `advance(t)`)."""
        if priority:
            # Priority callers skip the queue and the limits but their work still loads the tier.
            self._load.add(t, weight)
            self.backlog = min(self.queue_limit, self.backlog + weight)
            return Admission(None, self.service_time_s)
        if self.rate_limit_rps is not None and self._rate_limited(t, weight):
            return Admission("rate_limited", 0.0)
        rho = self._load.add_and_rate(t, weight) / self.capacity_rps
        room = self.queue_limit - self.backlog
        if weight > room:
            # The request stands for `weight` arrivals of which only `room` fit. The queue takes
            # exactly that fluid share, and this client gets in with probability room/weight:
            # neither the queue nor the clients' odds then depend on the population scale (a
            # hard cut turns coarse requests away where fine ones would partly get in).
            if room <= 0:
                return Admission("overload", self.service_time_s)
            admitted = self._rng.random() * weight < room
            weight = room
            if not admitted:
                self.backlog += weight
                return Admission("overload", self.service_time_s)
        factor = MAX_LATENCY_FACTOR if rho >= 1 else min(MAX_LATENCY_FACTOR, 1.0 / (1.0 - rho))
        # The request stands for `weight` arrivals at once: on average they wait behind half.
        latency_s = self.service_time_s * factor + (self.backlog + weight / 2) / self.capacity_rps
        self.backlog += weight
        if latency_s > self.timeout_s:
            # Its work stays queued although nobody waits for it: wasted work deepens overload.
            return Admission("timeout", self.timeout_s)
        return Admission(None, latency_s)
