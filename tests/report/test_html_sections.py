"""The report's rates, requests and time-to-first-audio sections: display buckets keep a spike's
peak beside the mean and say their width; utilisation far above capacity reads as `23x`; one
table row per endpoint; time to first audio charted over event time."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simspace.report.html.canvas import duration_ticks
from simspace.report.html.endpoints import endpoint_rows, endpoints_section, latency_text
from simspace.report.html.load_figures import busiest
from simspace.report.html.page import render_report
from simspace.report.html.rates import display_buckets, utilisation_text
from simspace.report.html.ttfa_figures import series_of
from simspace.results.model import EndpointStats, Percentiles, RunResult, TtfaSamples
from tests.report import builders as b
from tests.report.test_html import COMMAND, load_result, make_comparison, make_scenario


def test_a_bucket_keeps_the_peak_of_a_spike_its_mean_averages_away() -> None:
    grid = [22.0 * i for i in range(600)]
    values = [100.0] * 600
    values[301] = 53_000.0  # one step
    buckets = display_buckets(grid)
    assert (buckets.size, buckets.width_s) == (5, 110.0)
    assert len(buckets.spans()) == 120
    mean, peak = buckets.mean(values), buckets.peak(values)
    assert peak[60] == 53_000.0
    assert mean[60] == pytest.approx((4 * 100 + 53_000) / 5)
    assert set(peak[:60] + peak[61:]) == set(mean[:60] + mean[61:]) == {100.0}
    assert buckets.centres()[:2] == [55.0, 165.0]


def test_a_short_grid_is_not_gathered_and_the_last_bucket_may_be_short() -> None:
    assert display_buckets([0.0, 60.0, 120.0]).size == 1
    buckets = display_buckets([float(i) for i in range(243)])  # 3 steps a bucket, 81 buckets
    assert buckets.spans()[-1] == range(240, 243)
    assert display_buckets([float(i) for i in range(241)]).centres()[-1] == 240.5


@pytest.mark.parametrize(
    ("utilisation", "text"),
    [(0.874, "87% of capacity"), (2.0, "200% of capacity"), (2.26, "2.3x capacity"),
     (53.21, "53x capacity")],
)  # fmt: skip
def test_utilisation_in_words(utilisation: float, text: str) -> None:
    assert utilisation_text(utilisation) == text


def test_the_busiest_rate_is_the_servers_own_bucket_where_recorded() -> None:
    tier = b.tier(1e3, lambda t: 500.0)
    buckets = display_buckets(tier.t)
    assert busiest(tier, buckets) == ([500.0] * len(buckets.spans()), "1m")  # older results
    peaks = [500.0] * len(tier.t)
    peaks[3] = 9e3
    recorded = tier.model_copy(update={"offered_peak_rps": peaks, "peak_bucket_s": 1.0})
    values, of = busiest(recorded, buckets)
    assert (max(values), of) == (9e3, "second")


def test_the_load_figure_says_its_bucket_and_the_peak_in_times_capacity(tmp_path: Path) -> None:
    tier = b.tier(1e4, lambda t: 2e5 if 0 <= t < 600 else 1e3).model_copy(
        update={"utilisation": [0.1, 53.2]}
    )
    html = _report(tmp_path, tiers={"api": tier})
    assert "peak load 53x capacity" in html
    assert "rates: the mean over each 2m and the busiest 1m within it" in html
    load = re.search(r'<svg[^>]*aria-label="api load".*?</svg>', html, flags=re.S)
    assert load is not None
    assert "<polygon" in load[0]  # the spread between the mean and the busiest rate


def _endpoint(
    name: str, tier: str, requests: float, failed: float, **latency: float
) -> EndpointStats:
    return EndpointStats(
        name=name,
        tier=tier,
        requests=requests,
        failed=failed,
        error_ratio=failed / requests if requests else None,
        latency_s=Percentiles(count=10 if latency else 0, **latency),
    )


ENDPOINTS = [
    _endpoint("cdn: chunk", "cdn", 2.1e9, 5.8e7, p50=0.028, p95=36.5),
    _endpoint("api: stream status", "api", 8.8e7, 3.9e7, p50=5.44, p95=48.9),
    _endpoint("api: <live> space", "api", 3.2e8, 3.1e8, p50=0.987, p95=13.1),
    _endpoint("api: stop watching", "api", 0.0, 0.0),
]


def test_one_row_per_endpoint_by_tier_busiest_first() -> None:
    result = load_result().model_copy(update={"endpoints": ENDPOINTS})
    assert endpoint_rows(result) == [
        ["api: &lt;live&gt; space", "320M", "310M", "96.9%", "987ms", "13s"],
        ["api: stream status", "88M", "39M", "44.3%", "5.4s", "49s"],
        ["api: stop watching", "0", "0", "n/a", "n/a", "n/a"],
        ["cdn: chunk", "2.1B", "58M", "2.8%", "28ms", "36s"],
    ]
    section = endpoints_section(result)
    assert section.count("<tr>") == 1 + len(ENDPOINTS)
    assert "<th>Latency p95</th>" in section
    assert "No per-endpoint requests" in endpoints_section(load_result())
    assert (latency_text(None), latency_text(0.0384), latency_text(75.9)) == (
        "n/a",
        "38ms",
        "1m16s",
    )


def test_time_to_first_audio_is_charted_over_event_time(tmp_path: Path) -> None:
    # Audio at -4m (fast), at 0 (slow: the room joins at once) and at +10m.
    samples = TtfaSamples(
        t=[-240.0] * 4 + [0.0] * 4 + [600.0], ttfa_s=[1, 2, 3, 4, 200, 220, 250, 300, 2], total=9
    )
    result = load_result().model_copy(update={"ttfa": samples})
    series = series_of(result)  # an older result: the series of its samples
    assert series is not None
    assert series.bucket_s == 12.0  # 601 steps of 2 s, 6 to a bucket
    assert [n for n in series.count if n] == [4, 4, 1]
    assert sorted(p for p in series.p95_s if p is not None) == [2.0, 4.0, 300.0]
    html = render_report(make_scenario(tmp_path), result, make_comparison(), command=COMMAND)
    chart = re.search(
        r'<svg[^>]*aria-label="time to first audio over the event".*?</svg>', html, flags=re.S
    )
    assert chart is not None
    assert "per 12s" in html
    for tick in (">0<", ">2m<", ">4m<", ">6m<"):  # a clock's steps, not 1m40s, 3m20s
        assert tick in chart[0]
    assert "<circle" in chart[0]  # +10m stands alone: a dot
    recorded = result.model_copy(
        update={"ttfa_series": series.model_copy(update={"bucket_s": 30.0})}
    )
    assert series_of(recorded) == recorded.ttfa_series  # the result's own, when it has one


def test_duration_ticks_read_as_a_clock() -> None:
    assert duration_ticks(9.0) == [0.0, 2.5, 5.0, 7.5, 10.0]
    assert duration_ticks(400.0) == [0.0, 120.0, 240.0, 360.0, 480.0]
    assert duration_ticks(5000.0) == [0.0, 1800.0, 3600.0, 5400.0]


def _report(tmp_path: Path, **update: object) -> str:
    result: RunResult = load_result().model_copy(update=update)
    return render_report(make_scenario(tmp_path), result, make_comparison(), command=COMMAND)
