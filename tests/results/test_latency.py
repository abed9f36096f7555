"""Requests per endpoint and latency over event time, read from the load side's `req` lines."""

from __future__ import annotations

import pytest

from simspace.results.latency import LatencyHistogram, RequestTally
from simspace.wire.observations import RequestLine, RequestTier, segment_bin, segment_bin_value


def _line(
    t: float, tier: RequestTier, name: str | None, latencies: list[tuple[float, float]]
) -> RequestLine:
    """A line of answered requests: (latency_s, weight) each; those over 1 s failed."""
    bins: dict[int, float] = {}
    for latency_s, weight in latencies:
        bins[segment_bin(latency_s)] = bins.get(segment_bin(latency_s), 0.0) + weight
    failed = [w for latency_s, w in latencies if latency_s > 1.0]
    return RequestLine(
        t=t,
        tier=tier,
        name=name,
        ok_n=len(latencies) - len(failed),
        fail_n=len(failed),
        ok_w=sum(w for _, w in latencies) - sum(failed),
        fail_w=sum(failed),
        lat_n=len(latencies),
        lat_max=max((latency_s for latency_s, _ in latencies), default=None),
        lat_bins=bins,
    )


def test_percentiles_are_by_event_weight_within_a_bin_and_never_above_the_max() -> None:
    longest_s = segment_bin_value(segment_bin(2.0)) * 0.99  # below the middle of its bin
    histogram = LatencyHistogram()
    line = _line(0.0, "api", "x", [(0.1, 90.0), (longest_s, 5.0), (longest_s, 5.0)])
    histogram.add(line.lat_n, line.lat_max, line.lat_bins)
    stats = histogram.percentiles()
    assert stats.count == 3  # simulated requests; the weights decide the ranks
    assert stats.p50 == pytest.approx(0.1, rel=0.05)  # by count it would be the longest
    assert stats.p95 == stats.p99 == stats.max == longest_s  # not its bin's middle, above it


def test_an_empty_histogram_has_no_percentiles() -> None:
    assert LatencyHistogram().quantiles(0.5, 0.99) == [None, None]
    assert LatencyHistogram().percentiles().count == 0


def test_endpoints_sum_over_buckets_and_processes_and_skip_older_lines() -> None:
    tally = RequestTally()
    tally.add(_line(0.0, "api", "api: stream status", [(0.2, 10.0), (3.0, 30.0)]))
    tally.add(_line(60.0, "api", "api: stream status", [(0.2, 10.0)]))
    tally.add(_line(0.0, "cdn", "cdn: chunk", [(0.05, 100.0)]))
    tally.add(RequestLine(t=0.0, tier="api", ok_n=1, ok_w=5.0))  # no name: per tier only
    stats = {(e.tier, e.name): e for e in tally.endpoint_stats()}
    assert list(stats) == [("api", "api: stream status"), ("cdn", "cdn: chunk")]
    status = stats[("api", "api: stream status")]
    assert (status.requests, status.failed, status.error_ratio) == (50.0, 30.0, 0.6)
    assert status.latency_s.count == 3
    assert status.latency_s.p50 == pytest.approx(3.0, rel=0.05)
    assert status.latency_s.max == 3.0


def test_the_latency_series_puts_each_bucket_in_its_grid_step_per_tier() -> None:
    tally = RequestTally()
    tally.add(_line(0.0, "api", "a", [(0.2, 1.0)]))
    tally.add(_line(10.0, "api", "b", [(0.4, 1.0)]))
    tally.add(_line(130.0, "api", "a", [(5.0, 1.0)]))
    tally.add(_line(130.0, "attack", "attack: flood", [(0.01, 1.0)]))
    tally.add(RequestLine(t=60.0, tier="cdn", name="cdn: chunk", fail_n=1, fail_w=1.0))  # no answer
    series = tally.latency_series([0.0, 60.0, 120.0, 180.0], 60.0)
    assert list(series) == ["api", "attack"]  # no cdn request had a latency
    api = series["api"]
    assert api.t == [0.0, 60.0, 120.0, 180.0]
    assert api.p50_s == [pytest.approx(0.2, rel=0.05), None, pytest.approx(5.0, rel=0.05), None]
    assert api.p99_s == [pytest.approx(0.4, rel=0.05), None, pytest.approx(5.0, rel=0.05), None]
    assert series["attack"].p95_s == [None, None, pytest.approx(0.01, rel=0.05), None]
