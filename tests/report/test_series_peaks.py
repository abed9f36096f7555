"""The series table (CSV export, the viewer's charts) carries each tier's busiest server bucket
per grid step beside the offered load, where the result recorded it."""

from __future__ import annotations

from simspace.report.series import event_series
from tests.report import builders as b


def test_the_busiest_second_is_drawn_beside_the_offered_load() -> None:
    tier = b.tier(1e3, lambda t: 500.0)
    peaks = [500.0] * len(tier.t)
    peaks[2] = 9e3
    recorded = tier.model_copy(update={"offered_peak_rps": peaks, "peak_bucket_s": 1.0})
    table = event_series(b.result().model_copy(update={"tiers": {"api": recorded}}))
    assert table.columns["tier.api.offered_peak_rps"] == peaks
    load = next(chart for chart in table.charts if chart.id == "load.api")
    assert load.columns[:3] == [
        "tier.api.offered_rps",
        "tier.api.offered_peak_rps",
        "tier.api.capacity_rps",
    ]
    assert load.labels == {"tier.api.offered_peak_rps": "offered, busiest 1s in each step"}


def test_an_older_result_has_no_busiest_column() -> None:
    table = event_series(
        b.result().model_copy(update={"tiers": {"api": b.tier(1e3, lambda t: 5.0)}})
    )
    assert "tier.api.offered_peak_rps" not in table.columns
