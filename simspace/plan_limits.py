"""The limits a plan must respect to be playable, checked before any work is done: a plan that
cannot work is refused at plan time with what to change (exit 2), never found out at server
start, by a stub that rejects every request, or by running out of memory.

Pure: numbers in, a `PlanError` out."""

from __future__ import annotations

import math

from simspace.clock import MAX_SPEEDUP
from simspace.errors import PlanError
from simspace.units import format_approx_count, format_duration_s

MAX_REQUEST_WEIGHT = 1e7
"""The most event requests (or event listeners) one simulated request may stand for
(`X-Sim-Weight`): the stub rejects heavier requests, because a single request of that weight
already fills an API tier of 100k req/s for minutes."""
MAX_ESTIMATE_CELLS = 1_000
"""The expected-audience estimate's grid (its cost grows with the square of the cells): a
3-hour window keeps its 30 s step, a 30-day window gets a coarser one."""


def estimate_step_s(span_s: float, finest_s: float = 30.0) -> float:
    """The expected-audience grid step for a window of `span_s`: `finest_s`, coarser for
    windows that would need more than `MAX_ESTIMATE_CELLS` cells."""
    return max(finest_s, float(math.ceil(span_s / MAX_ESTIMATE_CELLS)))


def check_speedup(speedup: float, span_s: float) -> None:
    """A speedup the event clock takes, or what to change."""
    if 0 < speedup <= MAX_SPEEDUP:
        return
    shortest_s = span_s / MAX_SPEEDUP
    raise PlanError(
        f"speedup {speedup:.3g} is over the most the event clock takes ({MAX_SPEEDUP:g}): "
        f"the {format_duration_s(round(span_s))} window needs at least "
        f"{format_duration_s(math.ceil(shortest_s))} of wall time (give a longer --duration or "
        "a shorter window)"
    )


def check_wall_duration(wall_s: float, speedup: float, min_wall_s: float) -> None:
    """A run long enough for a simulated listener to poll at least once (`min_wall_s`: the
    shortest wall interval between its requests)."""
    if wall_s >= min_wall_s:
        return
    slowest = speedup * wall_s / min_wall_s
    raise PlanError(
        f"the run would last {format_duration_s(wall_s)} of wall time, shorter than one "
        f"simulated listener's poll ({format_duration_s(min_wall_s)} of wall time): give a "
        f"longer --duration, a speedup of at most {slowest:.3g} with --speedup, or "
        "--engine virtual"
    )


def check_arrivals(expected: float, max_listeners: int, scale: float) -> None:
    """Refuse, before generating them, more simulated arrivals than the engine can play."""
    if expected <= max_listeners:
        return
    raise PlanError(
        f"~{format_approx_count(expected)} simulated listeners would arrive at population scale "
        f"1/{1 / scale:.4g}, over the {max_listeners:,} this engine can play: lower the "
        f"population scale to at most 1/{math.ceil(expected / max_listeners / scale):,}"
    )


def check_weights(weights: dict[str, float]) -> None:
    """Every simulated request's weight within what the stub accepts (`MAX_REQUEST_WEIGHT`)."""
    heavy = {what: w for what, w in weights.items() if w > MAX_REQUEST_WEIGHT}
    if not heavy:
        return
    worst = max(heavy, key=lambda what: heavy[what])
    raise PlanError(
        f"each simulated {worst} would stand for {format_approx_count(heavy[worst])} event "
        f"requests, over the stub's limit of {format_approx_count(MAX_REQUEST_WEIGHT)} per "
        "request (X-Sim-Weight): the audience is too large for this machine's simulated "
        "listeners; give a longer --duration (fewer event seconds per request), a larger "
        "--budget, or --engine virtual"
    )
