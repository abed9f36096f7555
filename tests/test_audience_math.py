"""Arrival curves, listening-time distributions and the expected audience."""

from __future__ import annotations

import random
import statistics

import pytest

from simspace.audience_math import (
    CumulativeArrivals,
    arrival_times,
    expected_present,
    mean_listening_s,
    sample_listening_s,
    survival,
)
from simspace.scenario.audience import ArrivalCurve, ExponentialTime, FixedTime, LognormalTime


def _curve(kind: str, points: list[tuple[float, float]]) -> ArrivalCurve:
    return ArrivalCurve.model_validate(
        {"kind": kind, "points": [{"at": t, "count": n} for t, n in points]}
    )


def test_cumulative_curve_interpolates_and_inverts() -> None:
    arrivals = CumulativeArrivals(_curve("cumulative", [(0, 0), (100, 1000), (200, 1500)]),
                                  FixedTime(distribution="fixed", value=60))  # fmt: skip
    assert arrivals.at(50) == 500
    assert arrivals.at(150) == 1250
    assert arrivals.at(-10) == 0
    assert arrivals.at(999) == 1500
    assert arrivals.time_of(1250) == pytest.approx(150)


def test_concurrent_curve_adds_replacement_arrivals() -> None:
    listening = ExponentialTime(distribution="exponential", mean=100.0)
    arrivals = CumulativeArrivals(_curve("concurrent", [(0, 1000), (1000, 1000)]), listening)
    # a steady 1000 present with 100 s mean stay needs 10 arrivals/s
    assert arrivals.at(1000) - arrivals.at(0) == pytest.approx(10_000, rel=0.01)


def test_lognormal_median_and_p90_hold() -> None:
    dist = LognormalTime(distribution="lognormal", median=600.0, p90=1800.0)
    assert survival(dist, 600.0) == pytest.approx(0.5, abs=1e-9)
    assert survival(dist, 1800.0) == pytest.approx(0.1, abs=1e-6)
    rng = random.Random(3)
    samples = [sample_listening_s(dist, rng) for _ in range(20_000)]
    assert statistics.median(samples) == pytest.approx(600.0, rel=0.05)
    assert statistics.fmean(samples) == pytest.approx(mean_listening_s(dist), rel=0.05)


def test_poisson_arrivals_match_the_expected_count_and_shape() -> None:
    arrivals = CumulativeArrivals(_curve("cumulative", [(0, 0), (100, 100_000), (200, 100_000)]),
                                  FixedTime(distribution="fixed", value=60))  # fmt: skip
    times = arrival_times(arrivals, 0.01, 0, 200, seed=5)
    assert abs(len(times) - 1000) < 4 * 1000**0.5
    assert all(0 <= t <= 100 for t in times)
    even = arrival_times(arrivals, 0.01, 0, 200, seed=5, poisson=False)
    assert len(even) == 1000


def test_expected_present_balances_arrivals_and_departures() -> None:
    listening = FixedTime(distribution="fixed", value=100.0)
    arrivals = CumulativeArrivals(_curve("cumulative", [(0, 0), (1000, 10_000)]), listening)
    present = dict(expected_present(arrivals, listening, 0, 1000, step_s=10.0))
    assert present[500.0] == pytest.approx(1000, rel=0.02)  # 10/s for 100 s
