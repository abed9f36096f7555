"""Audience arithmetic on the event clock: the arrival curve as a function, Poisson arrival times
for the simulated listeners, listening-time distributions, the expected audience present, and
the audience the platform is expected to serve (waiting room, caps, overflow rooms)."""

from __future__ import annotations

import bisect
import itertools
import math
import random
from dataclasses import dataclass, field

from simspace.scenario.audience import (
    ArrivalCurve,
    ExponentialTime,
    FixedTime,
    LognormalTime,
)
from simspace.scenario.platform import MAIN_ROOM

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


FINE_STEP_S = 30.0
"""A grid step at which one survival value per cell is exact enough; a coarser cell (a window
of weeks) averages survival over sub-cells of this width, so listening times shorter than the
cell still count."""


def cell_survival(dist: ListeningTime, centre_s: float, step_s: float) -> float:
    """Share still listening, averaged over ages within `step_s / 2` of `centre_s` (ages below
    0 count as listening): `survival(centre_s)` on a fine grid."""
    samples = max(1, math.ceil(step_s / FINE_STEP_S - 1e-9))
    width_s = step_s / samples
    ages = (centre_s - step_s / 2 + (i + 0.5) * width_s for i in range(samples))
    return sum(survival(dist, age) for age in ages) / samples


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
    # arrivals of cell j, at its middle, are k - j - 0.5 steps before grid[k]
    staying = [cell_survival(listening, (lag + 0.5) * step_s, step_s) for lag in range(len(grid))]
    return [
        (t, sum(inc * staying[k - j - 1] for j, inc in enumerate(increments[:k])))
        for k, t in enumerate(grid)
    ]


Steps = tuple[tuple[float, float | None], ...]
"""A value that changes over event time: (from t, value) in time order; the first holds before."""


def step_value(steps: Steps, t: float) -> float | None:
    """The value of `steps` at event time t."""
    value = steps[0][1] if steps else None
    for from_t, step in steps:
        if from_t > t:
            break
        value = step
    return value


@dataclass(frozen=True)
class OverflowRoom:
    """An overflow room as the estimate sees it: its cap over time, and when it opens."""

    id: str
    caps: Steps
    opens_at: float | None
    """An `open_room` action's time; None: the first time the main room refuses for its cap."""


@dataclass(frozen=True)
class ServingRules:
    """What decides who is served when: when the main Space is live, the rooms' caps, how long
    arrivals wait, and what a refused client does. The default: live throughout, no cap."""

    live: tuple[tuple[float, float], ...] = ((-math.inf, math.inf),)
    """[from, until) spans during which a main Space is live (the host has started it)."""
    ends: tuple[float, ...] = ()
    """When a main Space ended or was relaunched: its listeners and waiting clients leave."""
    main_caps: Steps = ()
    overflow: tuple[OverflowRoom, ...] = ()
    """Rooms a client refused by the main room's cap goes to (`on_refused: overflow` only)."""
    patience_s: float = math.inf
    give_up_when_refused: bool = False
    rejoin_share: float = 0.0
    """Of those whose Space ended (listening or waiting), the share who come back..."""
    rejoin_delay_s: float = 0.0
    """...this long after."""

    def live_at(self, t: float) -> bool:
        return any(start <= t < end for start, end in self.live)

    def live_later(self, t: float) -> bool:
        return any(end > t for _, end in self.live)

    def ended_between(self, t0: float, t1: float) -> bool:
        """Whether a main Space ended (or was relaunched) in (t0, t1]."""
        return any(t0 < end <= t1 for end in self.ends)


@dataclass(frozen=True)
class ServedPoint:
    """The expected audience at one event time (event-scale people)."""

    t: float
    rooms: dict[str, float]
    """Listening, by room (main first)."""
    waiting: float
    """Arrived while the Space was not live, waiting for it (within their patience)."""
    refused: float
    """Refused by a full room while the Space is live, trying again (within their patience)."""

    @property
    def served(self) -> float:
        return sum(self.rooms.values())


@dataclass
class _Room:
    """People admitted to one room per grid cell, and what they leave of it later."""

    id: str
    caps: Steps
    opens_at: float | None = None
    admitted: list[float] = field(default_factory=list)
    full_seen: bool = False  # it refused someone for its cap since its Space was created

    def present(self, lags: list[float], k: int) -> float:
        """Still listening in cell k: `lags[j]`, the share left j cells after admission."""
        return sum(people * lags[k - 1 - i] for i, people in enumerate(self.admitted))

    def admit(self, t: float, present: float, wanting: float) -> float:
        """People admitted at t out of `wanting` (within the room's cap)."""
        cap = step_value(self.caps, t)
        taken = wanting if cap is None else max(0.0, min(wanting, cap - present))
        self.full_seen = self.full_seen or taken < wanting
        return taken


@dataclass
class _Serving:
    """`served_audience` cell by cell: cell k spans (grid[k-1], grid[k]]; its arrivals and
    admissions happen at its middle, its audience is counted at its end."""

    rules: ServingRules
    rooms: list[_Room]
    at_middle: list[float]  # share of a cohort still listening j cells later, mid-cell
    at_end: list[float]  # the same at the end of the cell
    step_s: float
    waiting: list[list[float]] = field(default_factory=list)  # [give-up time, people]
    comeback: dict[int, float] = field(default_factory=dict)  # back in cell k after an end
    created_t: float = -math.inf  # when the current main Space was created

    def cell(self, k: int, mid_t: float, arrived: float) -> tuple[float, dict[str, float]]:
        """Serve cell k; those still trying (waiting or refused), and who listens by room."""
        if self.rules.ended_between(mid_t - self.step_s, mid_t):
            self._space_ended(k, mid_t)
        self.waiting.append([mid_t + self.rules.patience_s, arrived + self.comeback.pop(k, 0.0)])
        self.waiting = [w for w in self.waiting if w[0] >= mid_t and w[1] > 0]
        live = self.rules.live_at(mid_t)
        trying = before = sum(people for _, people in self.waiting)
        for room in self.rooms:
            open_now = live and self._open(room, mid_t)
            present = room.present(self.at_middle, k) if open_now else 0.0
            room.admitted.append(room.admit(mid_t, present, trying) if open_now else 0.0)
            trying -= room.admitted[-1]
        if (live and self.rules.give_up_when_refused) or not self.rules.live_later(mid_t):
            trying = 0.0
        for cohort in self.waiting:
            cohort[1] *= trying / before if before > 0 else 0.0
        return trying, {room.id: room.present(self.at_end, k) for room in self.rooms}

    def _open(self, room: _Room, t: float) -> bool:
        if room.id == MAIN_ROOM:
            return True
        if room.opens_at is None:
            return self.rooms[0].full_seen
        return self.created_t <= room.opens_at <= t

    def _space_ended(self, k: int, t: float) -> None:
        """Everyone listening or waiting leaves; a share comes back after the rejoin delay."""
        gone = sum(p for _, p in self.waiting) + sum(
            r.present(self.at_middle, k) for r in self.rooms
        )
        back_k = k + math.ceil(self.rules.rejoin_delay_s / self.step_s)
        self.comeback[back_k] = self.comeback.get(back_k, 0.0) + gone * self.rules.rejoin_share
        self.waiting.clear()
        for room in self.rooms:
            room.admitted = [0.0] * len(room.admitted)
            room.full_seen = False
        self.created_t = t


def served_audience(
    arrivals: CumulativeArrivals,
    listening: ListeningTime,
    rules: ServingRules,
    t_begin: float,
    t_end: float,
    step_s: float = 30.0,
) -> list[ServedPoint]:
    """The audience the platform serves, on a grid of `step_s`: arrivals wait (up to their
    patience) until the Space is live and a room has room under its cap; whoever gets in listens
    for the listening time from then. Those who waited for a late host, or were held back by a
    cap since raised, start listening together. Before any overload; with no cap and a Space
    live throughout it is `expected_present`.

    People are counted per grid cell (arrivals and admissions at its middle); a full room's
    places freed by departures are shared out pro rata among those still trying, the main room
    first, then the open overflow rooms in order."""
    n = int((t_end - t_begin) / step_s)
    grid = [t_begin + i * step_s for i in range(n + 1)]
    rooms = [_Room(MAIN_ROOM, rules.main_caps)]
    rooms += [_Room(room.id, room.caps, room.opens_at) for room in rules.overflow]
    serving = _Serving(
        rules,
        rooms,
        at_middle=[cell_survival(listening, j * step_s, step_s) for j in range(n + 1)],
        at_end=[cell_survival(listening, (j + 0.5) * step_s, step_s) for j in range(n + 1)],
        step_s=step_s,
    )
    points = [ServedPoint(grid[0], {room.id: 0.0 for room in rooms}, 0.0, 0.0)]
    for k in range(1, n + 1):
        mid_t = grid[k] - step_s / 2
        trying, by_room = serving.cell(k, mid_t, arrivals.at(grid[k]) - arrivals.at(grid[k - 1]))
        live = rules.live_at(mid_t)
        points.append(
            ServedPoint(grid[k], by_room, 0.0 if live else trying, trying if live else 0.0)
        )
    return points
