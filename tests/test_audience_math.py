"""Arrival curves, listening-time distributions and the expected audience."""

from __future__ import annotations

import math
import random
import statistics

import pytest

from simspace.audience_math import (
    CumulativeArrivals,
    OverflowRoom,
    ServedPoint,
    ServingRules,
    arrival_times,
    expected_present,
    mean_listening_s,
    sample_listening_s,
    served_audience,
    step_value,
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


def _served(
    rules: ServingRules, points: list[tuple[float, float]], listening_s: float = 600.0
) -> list[ServedPoint]:
    listening = FixedTime(distribution="fixed", value=listening_s)
    arrivals = CumulativeArrivals(_curve("cumulative", points), listening)
    return served_audience(arrivals, listening, rules, 0, points[-1][0], step_s=10.0)


def _at(points: list[ServedPoint], t: float) -> ServedPoint:
    return next(p for p in points if p.t == t)


def test_served_with_no_cap_and_a_space_live_throughout_is_the_expected_audience() -> None:
    listening = LognormalTime(distribution="lognormal", median=600.0, p90=1800.0)
    arrivals = CumulativeArrivals(_curve("cumulative", [(0, 0), (600, 9000), (3600, 12_000)]),
                                  listening)  # fmt: skip
    served = served_audience(arrivals, listening, ServingRules(), 0, 3600, step_s=30.0)
    present = expected_present(arrivals, listening, 0, 3600, step_s=30.0)
    assert [p.t for p in served] == [t for t, _ in present]
    assert [p.served for p in served] == pytest.approx([n for _, n in present])
    assert all(p.waiting == p.refused == 0 for p in served)


def test_a_cap_holds_the_audience_and_a_raise_lets_those_still_trying_in_together() -> None:
    # 10 arrivals/s for 1000 s, each listening 600 s; capped at 2000, raised to 5000 at 500 s
    rules = ServingRules(main_caps=((-math.inf, 2000.0), (500.0, 5000.0)), patience_s=300.0)
    served = _served(rules, [(0, 0), (1000, 10_000)])
    assert max(p.served for p in served if p.t < 500) == pytest.approx(2000, rel=0.01)
    # full at 200 s: everyone since is refused, and still trying (within their patience)
    assert _at(served, 400).refused == pytest.approx(10 * 200, rel=0.02)
    # at the raise, the 2000 listening and the 3000 refused since 200 s: 5000, capped
    assert _at(served, 510).served == pytest.approx(5000, rel=0.01)
    assert _at(served, 510).rooms == {"main": _at(served, 510).served}
    assert max(p.served for p in served) == pytest.approx(5000, rel=0.01)


def test_arrivals_wait_for_a_late_host_within_their_patience_and_start_together() -> None:
    # 10 arrivals/s from 0; live from 600 s; patience 300 s: those of 300..600 s are waiting
    rules = ServingRules(live=((600.0, math.inf),), patience_s=300.0)
    served = _served(rules, [(0, 0), (1200, 12_000)], listening_s=300.0)
    before = _at(served, 600)
    assert before.served == 0
    assert before.waiting == pytest.approx(3000, rel=0.05)  # within a cell of the grid
    start = _at(served, 610)
    assert start.served == pytest.approx(3000 + 100, rel=0.05)  # and the cell's arrivals
    assert start.waiting == start.refused == 0
    # listening as they arrived, at most 10/s x 300 s would be there at once
    assert max(n for _, n in expected_present(
        CumulativeArrivals(_curve("cumulative", [(0, 0), (1200, 12_000)]),
                           FixedTime(distribution="fixed", value=300.0)),
        FixedTime(distribution="fixed", value=300.0), 0, 1200, step_s=10.0,
    )) == pytest.approx(3000, rel=0.02)  # fmt: skip


def test_refused_clients_that_give_up_leave_at_once() -> None:
    rules = ServingRules(main_caps=((-math.inf, 1000.0),), give_up_when_refused=True)
    served = _served(rules, [(0, 0), (1000, 10_000)])
    assert max(p.served for p in served) == pytest.approx(1000, rel=0.01)
    assert all(p.refused == 0 for p in served)


def test_overflow_rooms_take_whom_the_full_main_room_refuses() -> None:
    rules = ServingRules(
        main_caps=((-math.inf, 1000.0),),
        overflow=(
            OverflowRoom("a", ((-math.inf, 500.0),), opens_at=None),
            OverflowRoom("b", ((-math.inf, None),), opens_at=300.0),
        ),
        patience_s=60.0,
    )
    served = _served(rules, [(0, 0), (1000, 10_000)])
    early = _at(served, 200)  # main full at 100 s: a opened then, full at 150 s; b not open
    assert early.rooms["main"] == pytest.approx(1000, rel=0.01)
    assert early.rooms["a"] == pytest.approx(500, rel=0.01)
    assert early.rooms["b"] == 0
    assert early.refused == pytest.approx(500, rel=0.05)  # arrived since 150 s, still trying
    late = _at(served, 600)  # b (no cap) opened at 300 s and takes everyone else
    assert late.rooms["b"] == pytest.approx(10 * 300 + 600, rel=0.02)
    assert late.refused == 0


def test_a_relaunch_drops_everyone_and_brings_back_the_rejoining_share() -> None:
    rules = ServingRules(
        live=((0.0, 400.0), (400.0, math.inf)),
        ends=(400.0,),
        rejoin_share=0.5,
        rejoin_delay_s=100.0,
    )
    served = _served(rules, [(0, 0), (1000, 10_000)], listening_s=10_000.0)
    assert _at(served, 400).served == pytest.approx(4000, rel=0.01)
    after = _at(served, 410)
    assert after.served == pytest.approx(100, rel=0.05)  # only this cell's arrivals
    # half of the ~4000 who were there come back 100 s later
    back = _at(served, 520).served - _at(served, 500).served
    assert back == pytest.approx(2000 + 200, rel=0.05)


def test_an_ended_space_serves_no_one_after() -> None:
    rules = ServingRules(live=((0.0, 300.0),), ends=(300.0,), rejoin_share=1.0)
    served = _served(rules, [(0, 0), (1000, 10_000)])
    assert _at(served, 300).served == pytest.approx(3000, rel=0.01)
    assert all(p.served == p.waiting == p.refused == 0 for p in served if p.t > 310)


def test_step_value_holds_the_first_value_before_and_each_from_its_time() -> None:
    steps = ((-math.inf, None), (100.0, 5.0), (200.0, 3.0))
    assert [step_value(steps, t) for t in (0, 100, 150, 250)] == [None, 5.0, 5.0, 3.0]
    assert step_value((), 0) is None
