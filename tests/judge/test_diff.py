"""Two runs metric by metric (`simspace diff`): deltas, directions, and the baseline gate with
its floors near zero."""

from __future__ import annotations

from typing import Any

import pytest

from simspace.errors import UsageError
from simspace.judge.diff import DEFAULT_GATED, MetricDelta, RunDiff, diff_runs
from simspace.results.model import EndpointStats, Percentiles, RunResult, TierSeries
from tests.report.builders import result

BASE_METRICS: dict[str, Any] = {
    "start_delay_s": 60.0,
    "peak_listeners": 100_000.0,
    "unique_listeners": 90_000.0,
    "join_success_ratio": 0.9,
    "gave_up_ratio": 0.05,
    "stall_ratio": 0.0,
    "error_ratio": 0.02,
    "error_ratio_by_tier": {"api": 0.04, "cdn": 0.0},
    "ttfa_s": Percentiles(count=500, p50=1.0, p95=4.0, p99=8.0, max=9.0),
    "wait_s": Percentiles(count=500, p50=30.0, p95=120.0, p99=200.0, max=300.0),
}


def run(**overrides: Any) -> RunResult:
    return result(**{**BASE_METRICS, **overrides})


def endpoint(name: str = "api: start watching", **fields: Any) -> EndpointStats:
    values: dict[str, Any] = {
        "name": name,
        "tier": "api",
        "requests": 10_000.0,
        "failed": 100.0,
        "error_ratio": 0.01,
        "latency_s": Percentiles(count=200, p50=0.1, p95=0.5, p99=2.0, max=3.0),
    }
    return EndpointStats(**{**values, **fields})


def diff(base: RunResult, new: RunResult, **options: Any) -> RunDiff:
    return diff_runs(base, new, base_run="base", new_run="new", **options)


def row(d: RunDiff, metric: str) -> MetricDelta:
    return next(r for r in d.rows if r.metric == metric)


def test_equal_runs_have_no_regression_and_no_change() -> None:
    d = diff(run(), run(), max_regression=0.0)
    assert d.regressions == []
    assert {r.change for r in d.rows if r.base is not None} == {"same"}
    assert d.scenario == "report_test"
    assert set(DEFAULT_GATED) <= {r.metric for r in d.rows}


def test_a_slower_ttfa_beyond_the_threshold_regresses() -> None:
    slower = Percentiles(count=500, p50=1.0, p95=5.0, p99=8.0, max=9.0)  # p95 4s -> 5s: +25%
    d = diff(run(), run(ttfa_s=slower), max_regression=0.1)
    r = row(d, "ttfa_s.p95")
    assert (r.base, r.new, r.delta, r.relative) == (4.0, 5.0, 1.0, 0.25)
    assert r.change == "worse"
    assert r.regressed
    assert d.regressions == ["ttfa_s.p95"]
    assert not diff(run(), run(ttfa_s=slower), max_regression=0.3).regressions


def test_a_higher_error_ratio_regresses_and_a_lower_one_is_better() -> None:
    worse = diff(run(), run(error_ratio=0.03), max_regression=0.1)  # +50% of 2%
    assert worse.regressions == ["error_ratio"]
    better = diff(run(), run(error_ratio=0.01), max_regression=0.1)
    assert row(better, "error_ratio").change == "better"
    assert better.regressions == []


def test_direction_follows_the_platform_more_listeners_served_is_better() -> None:
    d = diff(run(), run(peak_listeners=50_000.0, start_delay_s=30.0), max_regression=0.1)
    assert row(d, "peak_listeners").change == "worse"
    assert row(d, "start_delay_s").change == "better"
    assert d.regressions == ["peak_listeners"]


def test_near_zero_a_ratio_is_measured_against_a_one_point_floor() -> None:
    base = run(stall_ratio=0.0)
    small = diff(base, run(stall_ratio=0.0005), max_regression=0.1)  # 0.05 points of 1
    assert row(small, "stall_ratio").relative is None  # no base to be relative to
    assert row(small, "stall_ratio").change == "worse"
    assert small.regressions == []
    large = diff(base, run(stall_ratio=0.002), max_regression=0.1)  # 0.2 points of 1
    assert large.regressions == ["stall_ratio"]


def test_near_zero_seconds_are_measured_against_a_one_second_floor() -> None:
    fast = Percentiles(count=500, p50=0.1, p95=0.2, p99=0.3, max=0.4)
    a_bit_slower = Percentiles(count=500, p50=0.1, p95=0.28, p99=0.3, max=0.4)  # +40%, 0.08 s
    assert not diff(run(ttfa_s=fast), run(ttfa_s=a_bit_slower), max_regression=0.1).regressions
    slower = Percentiles(count=500, p50=0.1, p95=0.35, p99=0.3, max=0.4)  # 0.15 s of 1 s
    assert diff(run(ttfa_s=fast), run(ttfa_s=slower), max_regression=0.1).regressions


def test_a_value_the_new_run_lacks_regresses_a_gated_metric() -> None:
    never_live = diff(run(), run(start_delay_s=None), max_regression=0.1)
    r = row(never_live, "start_delay_s")
    assert (r.new, r.delta, r.change, r.regressed) == (None, None, "n/a", True)


def test_only_gated_metrics_regress_and_metric_picks_them() -> None:
    slower_p99 = Percentiles(count=500, p50=1.0, p95=4.0, p99=16.0, max=20.0)
    new = run(ttfa_s=slower_p99)
    assert diff(run(), new, max_regression=0.1).regressions == []  # p99 is not gated by default
    assert row(diff(run(), new, max_regression=0.1), "ttfa_s.p99").change == "worse"
    picked = diff(run(), new, max_regression=0.1, gated=["ttfa_s.*"])
    assert picked.regressions == ["ttfa_s.p99"]


def test_an_unknown_metric_is_a_usage_error_with_a_suggestion() -> None:
    with pytest.raises(UsageError, match=r"'ttfa_p95'.*did you mean 'ttfa_s\.p95'"):
        diff(run(), run(), max_regression=0.1, gated=["ttfa_p95"])


def test_without_a_threshold_nothing_regresses() -> None:
    d = diff(run(), run(error_ratio=0.5))
    assert d.max_regression is None
    assert d.regressions == []
    assert row(d, "error_ratio").change == "worse"


def test_runs_of_different_scenarios_are_refused() -> None:
    with pytest.raises(UsageError, match="different scenarios"):
        diff(run(), result(scenario_name="other", **BASE_METRICS))


def test_error_ratio_by_tier_covers_the_tiers_of_both_runs() -> None:
    d = diff(run(), run(error_ratio_by_tier={"api": 0.08}), max_regression=0.1)
    api, cdn = row(d, "error_ratio_by_tier.api"), row(d, "error_ratio_by_tier.cdn")
    assert (api.base, api.new, api.change) == (0.04, 0.08, "worse")
    assert (cdn.base, cdn.new, cdn.change) == (0.0, None, "n/a")
    assert d.regressions == []  # by tier: shown, gated only when chosen


def test_peaks_per_tier() -> None:
    def tiered(offered: float, rejected: float) -> RunResult:
        t = [0.0, 60.0]
        tier = TierSeries(
            t=t, offered_rps=[offered, 0.0], capacity_rps=[100.0, 100.0],
            utilisation=[1.0, 0.0], backlog=[0.0, 0.0],
            rejected_rps={"overload": [rejected / 2, 0.0], "rate_limited": [rejected / 2, 1.0]},
            timed_out_rps=[0.0, 0.0], attack_rps=[0.0, 0.0],
        )  # fmt: skip
        return run().model_copy(update={"tiers": {"api": tier}})

    d = diff(tiered(200.0, 100.0), tiered(400.0, 300.0), max_regression=0.1)
    offered, rejected = row(d, "tier.api.offered_rps.peak"), row(d, "tier.api.rejected_rps.peak")
    assert (offered.base, offered.new, offered.change) == (200.0, 400.0, "n/a")  # no direction
    assert (rejected.base, rejected.new, rejected.change) == (100.0, 300.0, "worse")


def test_endpoints_compare_requests_error_ratio_and_latency() -> None:
    base = run().model_copy(update={"endpoints": [endpoint()]})
    slow = Percentiles(count=200, p50=0.1, p95=1.5, p99=2.0, max=3.0)
    new = run().model_copy(update={"endpoints": [endpoint(latency_s=slow, requests=20_000.0)]})
    d = diff(base, new, max_regression=0.1, gated=["endpoint.*.latency_s.p95"])
    latency = row(d, "endpoint.api: start watching.latency_s.p95")
    assert (latency.base, latency.new, latency.change) == (0.5, 1.5, "worse")
    assert row(d, "endpoint.api: start watching.requests").change == "n/a"  # no direction
    assert d.regressions == ["endpoint.api: start watching.latency_s.p95"]


def test_older_results_without_endpoints() -> None:
    neither = diff(run(), run(), max_regression=0.1)
    assert not [r for r in neither.rows if r.metric.startswith("endpoint.")]
    with_endpoint = run().model_copy(update={"endpoints": [endpoint()]})
    one_side = diff(run(), with_endpoint, max_regression=0.1, gated=["endpoint.*"])
    rows = [r for r in one_side.rows if r.metric.startswith("endpoint.")]
    assert rows
    assert all(r.base is None and r.change == "n/a" for r in rows)
    assert one_side.regressions == []  # nothing to regress from


def test_the_diff_round_trips_as_json() -> None:
    d = diff(run(), run(error_ratio=0.03), max_regression=0.1)
    assert RunDiff.model_validate_json(d.model_dump_json()) == d
