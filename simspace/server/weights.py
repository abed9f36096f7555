"""What the stub accepts as a request's weight (`X-Sim-Weight`, `X-Sim-Listeners`): plain ASCII
decimal syntax, in a range, and no heavier than its run's plan can send, so that one stray or
hostile request cannot stand for millions of event requests and time the API out for minutes."""

from __future__ import annotations

import re

from simspace.plan import Plan
from simspace.plan_limits import MAX_REQUEST_WEIGHT

__all__ = ["MAX_WEIGHT", "MIN_WEIGHT", "WEIGHT_HEADROOM", "parse_weight", "plan_max_weight"]

MAX_WEIGHT = MAX_REQUEST_WEIGHT
"""The heaviest weight the stub ever takes (and takes when it does not know its run's plan,
as under `simspace serve`); the planner refuses plans that would need more."""
MIN_WEIGHT = 1e-6
"""The lightest: a millionth of an event request (smaller is noise, or a subnormal float)."""
WEIGHT_HEADROOM = 2.0
"""A run's stub takes up to this many times the heaviest request its plan can send."""
MAX_WEIGHT_CHARS = 64
_SYNTAX = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def parse_weight(raw: str, max_weight: float = MAX_WEIGHT) -> float | None:
    """A weight as the load side writes it (`weight_header`: ASCII digits, a decimal point, an
    exponent) in [MIN_WEIGHT, max_weight]; None otherwise. (Python's float() also takes
    `1_000`, ` 5 `, non-ASCII digits, `nan`, `inf` and subnormals like `5e-324`.)"""
    if len(raw) > MAX_WEIGHT_CHARS or not _SYNTAX.fullmatch(raw):
        return None
    weight = float(raw)
    return weight if MIN_WEIGHT <= weight <= max_weight else None


def plan_max_weight(plan: Plan) -> float:
    """The heaviest weight a run on `plan` can send, with `WEIGHT_HEADROOM`, at most MAX_WEIGHT.

    A simulated listener's request stands for the real requests of `plan.listener_weight`
    listeners since its previous one of the kind (polls, pings, segments, join attempts): at
    most one per shortest interval over the whole window, or one cadence's coalesced lump. A
    host's or speaker's request weighs 1."""
    cadences = (plan.metadata_poll, plan.playlist_poll, plan.ping)
    shortest_s = min([c.event_interval_s for c in cadences] + [plan.segment_duration_s])
    window_s = plan.t_end - plan.t_begin
    heaviest = max(
        1.0,
        plan.listener_weight * max(1.0, window_s / shortest_s),
        *(cadence.weight for cadence in cadences),
    )
    return min(MAX_WEIGHT, WEIGHT_HEADROOM * heaviest)
