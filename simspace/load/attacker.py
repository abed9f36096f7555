"""Attack traffic against a real target: a scenario's floods as paced request scripts.

Against the stub, floods are offered load inside the platform model (no packets). Against a real
target they are real requests, scaled like the audience: a flood of `rate_rps` event requests/s
becomes `rate_rps * population_scale` real requests/s, split over a few users so that a slow
answer does not hold the whole flood back. Each user keeps its own absolute schedule (never
lock-step with the others) and fires late rather than bursting to catch up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from simspace.clock import Clock
from simspace.load.actions import Call, Script, Wait
from simspace.scenario.platform import Flood
from simspace.wire.observations import ATTACK_TIER

MAX_USERS_PER_FLOOD = 50
RATE_PER_USER_RPS = 20.0


@dataclass(frozen=True)
class FloodShare:
    """One attacker user's part of a flood."""

    flood: Flood
    url: str
    index: int
    users: int
    rate_rps: float
    weight: float

    def script(self, clock: Clock) -> Script:
        interval_s = 1.0 / self.rate_rps
        # Users of one flood are spread evenly over the interval: the flood's rate is smooth.
        slot_t = self.flood.start + interval_s * self.index / self.users
        call = Call("GET", self.url, ATTACK_TIER, f"attack: {self.flood.id}", self.weight)
        while slot_t < self.flood.end:
            yield Wait(slot_t)
            yield call
            slot_t = max(slot_t + interval_s, clock.now())


def flood_users(flood: Flood, population_scale: float) -> tuple[int, float]:
    """(users, real requests/s per user) for one flood at this population scale."""
    real_rps = flood.rate_rps * population_scale
    users = min(MAX_USERS_PER_FLOOD, max(1, math.ceil(real_rps / RATE_PER_USER_RPS)))
    return users, real_rps / users


def flood_shares(floods: list[Flood], population_scale: float, urls: list[str]) -> list[FloodShare]:
    """Every attacker user of every flood; `urls[i]` is what flood i requests."""
    shares: list[FloodShare] = []
    for flood, url in zip(floods, urls, strict=True):
        users, rate_rps = flood_users(flood, population_scale)
        weight = 1.0 / population_scale
        shares += [FloodShare(flood, url, i, users, rate_rps, weight) for i in range(users)]
    return shares
