"""When hypotheses tie on the reported facts: which observations, had they been reported, would
tell them apart. Each candidate is something an outage analysis could plausibly find out (the
share of errors with each message, timeouts against refusals, error ratios by tier, the peak,
when it went live, how many gave up); those on which the runs differ most come first."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from simspace.results.model import RunResult
from simspace.units import format_approx_count, format_duration_s

MIN_SHARE_GAP = 0.10
"""Shares (0..1) closer than this do not separate two runs: 10 percentage points."""
MIN_RATIO = 1.5
"""Counts and durations closer than this factor do not separate two runs."""
MIN_SHARE_RATIO = 2.0
"""Small shares separate by a factor too (5% against 2% of errors), if one is at least
`MIN_SMALL_SHARE`."""
MIN_SMALL_SHARE = 0.02


@dataclass(frozen=True)
class Separator:
    """An observation on which the runs differ, its value in each, and how far apart."""

    label: str
    values: tuple[str, ...]
    distance: float
    """Comparable across candidates: share gaps in points/10, other values as log2 factors."""


Candidate = tuple[str, str, Callable[[RunResult], float | None]]
"""label, kind (share, count, rate, duration), value."""


def _error_share(message: str) -> Callable[[RunResult], float | None]:
    def share(result: RunResult) -> float | None:
        total = sum(result.metrics.errors_seen.values())
        return result.metrics.errors_seen.get(message, 0.0) / total if total > 0 else None

    return share


def _timeout_share(tier: str) -> Callable[[RunResult], float | None]:
    def share(result: RunResult) -> float | None:
        series = result.tiers.get(tier)
        if series is None:
            return None
        timed_out = sum(series.timed_out_rps)
        refused = sum(sum(values) for values in series.rejected_rps.values())
        return timed_out / (timed_out + refused) if timed_out + refused > 0 else None

    return share


def _tier_errors(tier: str) -> Callable[[RunResult], float | None]:
    return lambda r: r.metrics.error_ratio_by_tier.get(tier)


def _attack_share(tier: str) -> Callable[[RunResult], float | None]:
    def share(result: RunResult) -> float | None:
        series = result.tiers.get(tier)
        if series is None:
            return None
        attack = sum(series.attack_rps)  # offered_rps is the listeners' load
        total = sum(series.offered_rps) + attack
        return attack / total if total > 0 else None

    return share


def _capacity_at_start(tier: str) -> Callable[[RunResult], float | None]:
    def capacity(result: RunResult) -> float | None:
        series = result.tiers.get(tier)
        if series is None or not series.t:
            return None
        first = min(range(len(series.t)), key=lambda i: abs(series.t[i]))
        return series.capacity_rps[first]

    return capacity


def candidates(results: Sequence[RunResult]) -> list[Candidate]:
    """What could have been reported about these runs."""
    messages = sorted({m for r in results for m in r.metrics.errors_seen})
    tiers = sorted({t for r in results for t in r.tiers})
    found: list[Candidate] = [
        (f'share of failed requests showing "{m}"', "share", _error_share(m)) for m in messages
    ]
    for tier in tiers:
        found.append((f"share of {tier} failures that were timeouts (not refusals)", "share",
                      _timeout_share(tier)))  # fmt: skip
        found.append((f"error ratio on the {tier} tier", "share", _tier_errors(tier)))
        found.append((f"share of {tier} requests not from listeners (attack traffic; platform "
                      "side)", "share", _attack_share(tier)))  # fmt: skip
        found.append((f"{tier} capacity at the scheduled start (platform side)", "rate",
                      _capacity_at_start(tier)))  # fmt: skip
    found += [
        ("peak concurrent listeners", "count", lambda r: r.metrics.peak_listeners),
        ("listeners who heard audio", "count", lambda r: r.metrics.unique_listeners),
        ("start delay", "duration", lambda r: r.metrics.start_delay_s),
        ("time to first audio, p95", "duration", lambda r: r.metrics.ttfa_s.p95),
        ("share of arrivals who gave up", "share", lambda r: r.metrics.gave_up_ratio),
    ]
    return found


def _distance(kind: str, values: list[float]) -> float:
    low, high = min(values), max(values)
    if kind == "share":
        gap = high - low
        if gap >= MIN_SHARE_GAP:
            return gap * 10
        if high >= MIN_SMALL_SHARE and (low <= 0 or high / low >= MIN_SHARE_RATIO):
            return math.log2(high / low) if low > 0 else 1.0
        return 0.0
    if low <= 0:
        return 0.0 if high <= 0 else 1.0
    ratio = high / low
    return math.log2(ratio) if ratio >= MIN_RATIO else 0.0


def _shown(kind: str, value: float) -> str:
    if kind == "share":
        return f"{value:.0%}"
    if kind == "duration":
        return format_duration_s(round(value, 1) if value < 60 else round(value))
    if kind == "rate":
        return f"{format_approx_count(value)} req/s"
    return format_approx_count(value)


def separators(results: Sequence[RunResult], most: int = 3) -> list[Separator]:
    """The observations on which these runs differ most, farthest apart first."""
    found = []
    for label, kind, value in candidates(results):
        values = [value(r) for r in results]
        if any(v is None for v in values):
            continue
        numbers = [v for v in values if v is not None]
        distance = _distance(kind, numbers)
        if distance > 0:
            shown = tuple(_shown(kind, v) for v in numbers)
            found.append(Separator(label, shown, distance))
    return sorted(found, key=lambda s: -s.distance)[:most]
