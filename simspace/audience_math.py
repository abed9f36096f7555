"""Audience arithmetic on the event clock: the arrival curve as a function, Poisson arrival times
for the simulated listeners, listening-time distributions, and the expected audience present."""

from __future__ import annotations

import bisect
import itertools
import math
import random

from simspace.scenario.audience import (
    ArrivalCurve,
    ExponentialTime,
    FixedTime,
    LognormalTime,
)

ListeningTime = LognormalTime | ExponentialTime | FixedTime
_Z90 = 1.2815515655446004  # the standard normal's 90th percentile


def _interp(xs: list[float], ys: list[float], x: float) -> float:
    if x <= xs[0]:
        return ys[0]
    if x >= xs[-1]:
        return ys[-1]
    i = bisect.bisect_right(xs, x)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def mean_listening_s(dist: ListeningTime) -> float:
    if isinstance(dist, FixedTime):
        return dist.value
    if isinstance(dist, ExponentialTime):
        return dist.mean
    sigma = _lognormal_sigma(dist)
    return dist.median * math.exp(sigma * sigma / 2)


def _lognormal_sigma(dist: LognormalTime) -> float:
    return max(math.log(max(dist.p90, dist.median * 1.0001) / dist.median) / _Z90, 1e-6)


def survival(dist: ListeningTime, x_s: float) -> float:
    """Share of listeners still listening `x_s` seconds after they started."""
    if x_s <= 0:
        return 1.0
    if isinstance(dist, FixedTime):
        return 1.0 if x_s < dist.value else 0.0
    if isinstance(dist, ExponentialTime):
        return math.exp(-x_s / dist.mean)
    z = (math.log(x_s) - math.log(dist.median)) / _lognormal_sigma(dist)
    return 0.5 * math.erfc(z / math.sqrt(2))


def sample_listening_s(dist: ListeningTime, rng: random.Random) -> float:
    if isinstance(dist, FixedTime):
        return dist.value
    if isinstance(dist, ExponentialTime):
        return rng.expovariate(1.0 / dist.mean)
    return rng.lognormvariate(math.log(dist.median), _lognormal_sigma(dist))


class CumulativeArrivals:
    """Event-scale people who have tried to join by event time t, piecewise linear."""

    def __init__(self, curve: ArrivalCurve, listening: ListeningTime, step_s: float = 10.0):
        xs = [p.at for p in curve.points]
        ys = [p.count for p in curve.points]
        if curve.kind == "concurrent":
            # Present N(t) is kept up by new arrivals: dC = max(0, dN) + N / mean_listening * dt.
            mean_s = mean_listening_s(listening)
            grid = [xs[0] + i * step_s for i in range(int((xs[-1] - xs[0]) / step_s) + 1)]
            total, cumulative = 0.0, [0.0]
            for a, b in itertools.pairwise(grid):
                na, nb = _interp(xs, ys, a), _interp(xs, ys, b)
                total += max(0.0, nb - na) + (na + nb) / 2 * (b - a) / mean_s
                cumulative.append(total)
            xs, ys = grid, [ys[0] + c for c in cumulative]
        self._xs, self._ys = xs, ys

    def at(self, t: float) -> float:
        return _interp(self._xs, self._ys, t)

    def time_of(self, count: float) -> float:
        """The first event time at which `count` people have arrived (inverse of `at`)."""
        i = bisect.bisect_left(self._ys, count)
        if i <= 0:
            return self._xs[0]
        if i >= len(self._ys):
            return self._xs[-1]
        y0, y1, x0, x1 = self._ys[i - 1], self._ys[i], self._xs[i - 1], self._xs[i]
        return x0 if y1 == y0 else x0 + (x1 - x0) * (count - y0) / (y1 - y0)


def arrival_times(
    arrivals: CumulativeArrivals,
    scale: float,
    t_begin: float,
    t_end: float,
    seed: int,
    *,
    poisson: bool = True,
) -> list[float]:
    """Event times at which the simulated listeners arrive along `scale` times the curve.

    With `poisson`, the k-th simulated listener arrives at a random moment of its own share
    of the curve (between the moments k and k+1 simulated arrivals are due): arrival times
    are random as the real audience's are, but the counts carry the noise of the event's
    audience, not that of a small sample scaled up (a Poisson draw of 100 simulated
    listeners standing for 100k people is 10% noisy; 100k real arrivals are 0.3%). Without
    `poisson` they are evenly spaced along the curve."""
    rng = random.Random(seed)
    base = arrivals.at(t_begin)
    expected = (arrivals.at(t_end) - base) * scale
    if poisson:
        whole = int(expected)
        count = whole + (1 if rng.random() < expected - whole else 0)
        return [
            arrivals.time_of(base + (i + rng.random() * min(1.0, expected - i)) / scale)
            for i in range(count)
        ]
    count = round(expected)
    return [arrivals.time_of(base + (i + 0.5) / scale) for i in range(count)]


def expected_present(
    arrivals: CumulativeArrivals,
    listening: ListeningTime,
    t_begin: float,
    t_end: float,
    step_s: float = 30.0,
) -> list[tuple[float, float]]:
    """(t, people present) if everyone who arrived started listening at once: the planner's
    estimate of the peak audience, before any overload."""
    grid = [t_begin + i * step_s for i in range(int((t_end - t_begin) / step_s) + 1)]
    increments = [arrivals.at(b) - arrivals.at(a) for a, b in itertools.pairwise(grid)]
    result = []
    for k, t in enumerate(grid):
        present = sum(
            inc * survival(listening, t - (grid[j] + step_s / 2))
            for j, inc in enumerate(increments[:k])
        )
        result.append((t, present))
    return result
