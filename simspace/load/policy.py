"""The client's policy as pure decisions: capped exponential backoff with jitter (event seconds),
what is retried, and whether a room has room for a listener under its cap."""

from __future__ import annotations

import random

from simspace.scenario.audience import RetryPolicy
from simspace.wire.spaces_api import SpaceState


def backoff_s(policy: RetryPolicy, retry: int, rng: random.Random) -> float:
    """Delay before retry number `retry` (1 = the first retry)."""
    ceiling = min(policy.backoff_cap, policy.backoff_base * 2.0 ** (retry - 1))
    if policy.jitter == "full":
        return rng.uniform(0.0, ceiling)
    if policy.jitter == "equal":
        return ceiling / 2 + rng.uniform(0.0, ceiling / 2)
    return ceiling


def retryable(status: int) -> bool:
    """Overload, timeouts and no answer are retried; a refusal that will not change is not."""
    return status == 0 or status in (429, 500, 502, 503, 504)


def has_room(room: dict[str, object], listeners_joining: float) -> bool:
    """An overflow room as `/api/spaces/live` lists it: live, with room under its cap for the
    listeners joining."""
    full = over_cap(room.get("listener_cap"), room.get("listeners"), listeners_joining)
    return room.get("state") == SpaceState.RUNNING and not full


def over_cap(cap: object, listeners: object, listeners_joining: float) -> bool:
    """Whether `listeners_joining` more would pass the cap (False when either is unknown)."""
    if not isinstance(cap, int | float) or not isinstance(listeners, int | float):
        return False
    return listeners + listeners_joining > cap
