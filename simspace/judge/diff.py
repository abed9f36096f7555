"""Two runs of one scenario metric by metric: the deltas, which way each moved for the platform
being rehearsed, and the baseline gate (`simspace diff`, the viewer's compare page).

A regression is a move in the worse direction by more than `max_regression` of the base value,
with the base floored per unit (`REGRESSION_FLOOR_BY_UNIT`) so that a value near zero is not
compared in "+inf%": an error ratio 0 -> 0.1% is 0.1 points against a 1-point floor, +10%.
"""

from __future__ import annotations

import fnmatch
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace.errors import UsageError
from simspace.results.model import EndpointStats, Metrics, Percentiles, RunResult

Change = Literal["better", "worse", "same", "n/a"]
Unit = Literal["s", "count", "ratio", "rps"]

REGRESSION_FLOOR_BY_UNIT: dict[str, float] = {"s": 1.0, "ratio": 0.01, "count": 1.0, "rps": 1.0}
"""The smallest base a change is measured against: 1 s, 1 percentage point, 1 listener, 1 req/s."""

DEFAULT_GATED = (
    "start_delay_s",
    "peak_listeners",
    "join_success_ratio",
    "gave_up_ratio",
    "stall_ratio",
    "error_ratio",
    "ttfa_s.p95",
    "wait_s.p95",
)
"""The metrics `simspace diff` gates by default: when listeners got in, how many, how fast, and
what failed. Tail percentiles (p99) and per-endpoint rows are noisy at small population scales:
they gate only when chosen (`--metric`)."""

_SAME_REL = 1e-9


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MetricDelta(_Frozen):
    """One metric of two runs."""

    metric: str = Field(description="stable key, e.g. ttfa_s.p95, error_ratio_by_tier.api")
    label: str = Field(description="the metric in words, for a table")
    unit: str = Field(description="s, count, ratio or rps: how to print it")
    higher_is_better: bool | None = Field(
        description="which way is better for the platform; null: no direction (never a regression)"
    )
    base: float | None = Field(description="the base run's value; null: not observed")
    new: float | None = Field(description="the new run's value; null: not observed")
    delta: float | None = Field(description="new - base")
    relative: float | None = Field(description="delta / |base|; null when base is 0 or null")
    change: Change = Field(description="better, worse, same, or n/a (no value or no direction)")
    regressed: bool = Field(False, description="gated, and worse beyond the threshold")


class RunDiff(_Frozen):
    """Two runs of one scenario, metric by metric, and what regressed beyond the threshold."""

    scenario: str
    base_run: str = Field(description="the base run's display name (its directory name)")
    new_run: str = Field(description="the new run's display name (its directory name)")
    rows: list[MetricDelta]
    max_regression: float | None = Field(
        description="the threshold used, a fraction of the base (0.1 = 10%); null: none"
    )
    regressions: list[str] = Field(description="keys of the metrics that regressed beyond it")


@dataclass(frozen=True)
class _Metric:
    key: str
    label: str
    unit: Unit
    higher_is_better: bool | None
    value: Callable[[RunResult], float | None]


def diff_runs(
    base: RunResult,
    new: RunResult,
    *,
    base_run: str,
    new_run: str,
    max_regression: float | None = None,
    gated: Sequence[str] | None = None,
) -> RunDiff:
    """Every metric of `new` against `base`; with `max_regression`, the `gated` metrics (keys or
    fnmatch patterns; default `DEFAULT_GATED`) that moved the worse way by more than that."""
    if base.scenario != new.scenario:
        raise UsageError(
            f"cannot diff runs of different scenarios: {base_run} is {base.scenario!r}, "
            f"{new_run} is {new.scenario!r}"
        )
    metrics = list(_metrics(base, new))
    chosen = _gated_keys([m.key for m in metrics], gated)
    rows = [
        _delta(m, m.value(base), m.value(new), max_regression if m.key in chosen else None)
        for m in metrics
    ]
    return RunDiff(
        scenario=base.scenario,
        base_run=base_run,
        new_run=new_run,
        rows=rows,
        max_regression=max_regression,
        regressions=[row.metric for row in rows if row.regressed],
    )


def _gated_keys(keys: list[str], gated: Sequence[str] | None) -> set[str]:
    """The keys the patterns pick; a pattern that picks none is a usage error (a typo)."""
    if gated is None:
        return set(DEFAULT_GATED) & set(keys)
    chosen: set[str] = set()
    for pattern in gated:
        matched = fnmatch.filter(keys, pattern)
        if not matched:
            close = get_close_matches(pattern, keys, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise UsageError(f"--metric {pattern!r}: no such metric in these runs{hint}")
        chosen.update(matched)
    return chosen


def _delta(
    metric: _Metric, base: float | None, new: float | None, threshold: float | None
) -> MetricDelta:
    delta = None if base is None or new is None else new - base
    relative = None if delta is None or not base else delta / abs(base)
    return MetricDelta(
        metric=metric.key,
        label=metric.label,
        unit=metric.unit,
        higher_is_better=metric.higher_is_better,
        base=base,
        new=new,
        delta=delta,
        relative=relative,
        change=_change(metric.higher_is_better, base, delta),
        regressed=threshold is not None and _regressed(metric, base, new, threshold),
    )


def _change(higher_is_better: bool | None, base: float | None, delta: float | None) -> Change:
    if delta is None or base is None:
        return "n/a"
    if abs(delta) <= _SAME_REL * max(1.0, abs(base)):
        return "same"
    if higher_is_better is None:
        return "n/a"
    return "better" if (delta > 0) == higher_is_better else "worse"


def _regressed(metric: _Metric, base: float | None, new: float | None, threshold: float) -> bool:
    """Worse by more than `threshold` of the base (floored by unit). A value the base had and
    the new run lacks (no Space went live, nobody heard audio) regressed, as a gate that is not
    observable fails."""
    if metric.higher_is_better is None or base is None:
        return False
    if new is None:
        return True
    worse_by = (base - new) if metric.higher_is_better else (new - base)
    allowed = threshold * max(abs(base), REGRESSION_FLOOR_BY_UNIT[metric.unit])
    return worse_by > allowed * (1 + _SAME_REL) + _SAME_REL


# -- the metrics ---------------------------------------------------------------------------------


_RUN_METRICS: tuple[tuple[str, str, Unit, bool, Callable[[Metrics], float | None]], ...] = (
    ("start_delay_s", "start delay", "s", False, lambda m: m.start_delay_s),
    ("peak_listeners", "peak listeners (server)", "count", True, lambda m: m.peak_listeners),
    ("unique_listeners", "listeners who heard audio", "count", True, lambda m: m.unique_listeners),
    ("join_success_ratio", "join success ratio", "ratio", True, lambda m: m.join_success_ratio),
    ("gave_up_ratio", "gave-up ratio", "ratio", False, lambda m: m.gave_up_ratio),
    ("stall_ratio", "stalls per listener", "ratio", False, lambda m: m.stall_ratio),
    ("error_ratio", "error ratio", "ratio", False, lambda m: m.error_ratio),
)
_PERCENTILES: tuple[tuple[str, str, Callable[[Metrics], Percentiles], tuple[str, ...]], ...] = (
    ("ttfa_s", "time to first audio", lambda m: m.ttfa_s, ("p50", "p95", "p99")),
    ("wait_s", "arrival to first audio", lambda m: m.wait_s, ("p50", "p95")),
)


def _metrics(base: RunResult, new: RunResult) -> Iterator[_Metric]:
    for key, label, unit, higher_is_better, get in _RUN_METRICS:
        yield _Metric(key, label, unit, higher_is_better, _of_metrics(get))
    for key, label, get_percentiles, quantiles in _PERCENTILES:
        for q in quantiles:
            yield _Metric(f"{key}.{q}", f"{label} {q}", "s", False, _quantile(get_percentiles, q))
    for tier in sorted(base.metrics.error_ratio_by_tier.keys() | new.metrics.error_ratio_by_tier):
        label = f"error ratio, {tier} tier"
        yield _Metric(f"error_ratio_by_tier.{tier}", label, "ratio", False, _tier_error(tier))
    for tier in sorted(base.tiers.keys() | new.tiers.keys()):
        yield from _tier_metrics(tier)
    names = {e.name for e in base.endpoints} | {e.name for e in new.endpoints}
    for name in sorted(names):
        yield from _endpoint_metrics(name)


def _of_metrics(get: Callable[[Metrics], float | None]) -> Callable[[RunResult], float | None]:
    return lambda r: get(r.metrics)


def _quantile(get: Callable[[Metrics], Percentiles], q: str) -> Callable[[RunResult], float | None]:
    return lambda r: _percentile(get(r.metrics), q)


def _tier_error(tier: str) -> Callable[[RunResult], float | None]:
    return lambda r: r.metrics.error_ratio_by_tier.get(tier)


def _percentile(percentiles: Percentiles, q: str) -> float | None:
    value = {"p50": percentiles.p50, "p95": percentiles.p95, "p99": percentiles.p99}[q]
    return value if value is not None and math.isfinite(value) else None


def _tier_metrics(tier: str) -> Iterator[_Metric]:
    def offered(r: RunResult) -> float | None:
        series = r.tiers.get(tier)
        return None if series is None else max(series.offered_rps, default=0.0)

    def rejected(r: RunResult) -> float | None:
        series = r.tiers.get(tier)
        if series is None:
            return None
        per_step = [sum(step) for step in zip(*series.rejected_rps.values(), strict=True)]
        return max(per_step, default=0.0)

    def timed_out(r: RunResult) -> float | None:
        series = r.tiers.get(tier)
        return None if series is None else max(series.timed_out_rps, default=0.0)

    key = f"tier.{tier}"
    # Offered load is the audience's (and its retries'): shown, with no direction.
    yield _Metric(f"{key}.offered_rps.peak", f"{tier}: peak offered", "rps", None, offered)
    yield _Metric(f"{key}.rejected_rps.peak", f"{tier}: peak rejected", "rps", False, rejected)
    yield _Metric(f"{key}.timed_out_rps.peak", f"{tier}: peak timed out", "rps", False, timed_out)


def _endpoint(r: RunResult, name: str) -> EndpointStats | None:
    return next((e for e in r.endpoints if e.name == name), None)


def _endpoint_metrics(name: str) -> Iterator[_Metric]:
    def requests(r: RunResult) -> float | None:
        e = _endpoint(r, name)
        return None if e is None else e.requests

    def error_ratio(r: RunResult) -> float | None:
        e = _endpoint(r, name)
        return None if e is None else e.error_ratio

    def latency(q: str) -> Callable[[RunResult], float | None]:
        def value(r: RunResult) -> float | None:
            e = _endpoint(r, name)
            return None if e is None else _percentile(e.latency_s, q)

        return value

    key = f"endpoint.{name}"
    yield _Metric(f"{key}.requests", f"{name}: requests", "count", None, requests)
    yield _Metric(f"{key}.error_ratio", f"{name}: error ratio", "ratio", False, error_ratio)
    for q in ("p50", "p95", "p99"):
        yield _Metric(f"{key}.latency_s.{q}", f"{name}: latency {q}", "s", False, latency(q))
