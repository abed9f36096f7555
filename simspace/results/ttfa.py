"""Time to first audio over event time: the listeners whose first audio came in each bucket, and
their percentiles (nearest rank, as the run's overall `metrics.ttfa_s`). Pure."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from simspace.results.model import TtfaSeries
from simspace.results.stats import nearest_rank

TTFA_BUCKETS = 120
"""About this many buckets over the window: enough listeners in each to read a p95."""


def ttfa_series(
    samples: Iterable[tuple[float, float]], grid: Sequence[float], step_s: float
) -> TtfaSeries:
    """(t the first audio came, ttfa) samples in buckets of whole grid steps (as few as keep
    them to about `TTFA_BUCKETS`); a sample before or after the grid counts in the first or
    last bucket."""
    size = max(1, math.ceil(len(grid) / TTFA_BUCKETS))
    bucket_s = step_s * size
    starts = list(grid[::size])
    values: list[list[float]] = [[] for _ in starts]
    for t, ttfa_s in samples if starts else ():
        i = math.floor((t - starts[0]) / bucket_s)
        values[min(len(starts) - 1, max(0, i))].append(ttfa_s)
    for bucket in values:
        bucket.sort()
    return TtfaSeries(
        t=starts,
        bucket_s=bucket_s,
        count=[len(bucket) for bucket in values],
        p50_s=[nearest_rank(bucket, 0.5) if bucket else None for bucket in values],
        p95_s=[nearest_rank(bucket, 0.95) if bucket else None for bucket in values],
    )
