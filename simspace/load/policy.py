"""The client's retry policy: capped exponential backoff with jitter, in event seconds."""

from __future__ import annotations

import random

from simspace.scenario.audience import RetryPolicy


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
