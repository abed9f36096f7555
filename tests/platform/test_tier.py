"""The fluid-queue tier: utilisation, latency, backlog growth and drain, rejections, timeouts."""

from __future__ import annotations

import pytest

from simspace.platform.tier import MAX_LATENCY_FACTOR, SlidingRate, TierModel
from simspace.scenario.platform import Tier


def make_tier(
    capacity_rps: float = 1000.0,
    queue_limit: float = 5000.0,
    timeout_s: float = 10.0,
    service_time_s: float = 0.05,
) -> TierModel:
    spec = Tier.model_validate(
        {
            "capacity_rps": capacity_rps,
            "service_time": service_time_s,
            "queue_limit": queue_limit,
            "timeout": timeout_s,
        }
    )
    return TierModel("api", spec, start_t=0.0)


def drive(
    tier: TierModel, rate_rps: float, t0: float, seconds: int, per_second: int = 10
) -> list[str | None]:
    """Offer `rate_rps` evenly from t0 for `seconds`; returns each request's code."""
    codes: list[str | None] = []
    weight = rate_rps / per_second
    for i in range(seconds * per_second):
        t = t0 + i / per_second
        tier.advance(t)
        codes.append(tier.offer(t, weight).code)
    return codes


def test_sliding_rate_reads_a_constant_rate_exactly() -> None:
    rate = SlidingRate(5)
    for i in range(100):
        rate.add(i / 10, 30.0)
    assert rate.rate(10.0) == pytest.approx(300.0)
    assert rate.rate(20.0) == 0.0


def test_sliding_rate_spreads_a_span_over_whole_seconds() -> None:
    rate = SlidingRate(5)
    rate.add_span(0.5, 9.5, 100.0)
    assert rate.rate(9.5) == pytest.approx(100.0)


@pytest.mark.parametrize("load", [0.25, 0.5, 0.9])
def test_utilisation_below_capacity_and_latency_grows_with_it(load: float) -> None:
    tier = make_tier()
    codes = drive(tier, load * 1000, 0.0, 10)
    tier.advance(10.0)
    assert set(codes) == {None}
    assert tier.utilisation(10.0) == pytest.approx(load)
    assert tier.backlog == 0.0
    reply = tier.offer(10.0, 1.0)
    # service_time / (1 - rho), rho measured including this request; the queue is empty
    assert reply.latency_s == pytest.approx(0.05 / (1 - load), rel=0.01)


def test_latency_rises_monotonically_with_load() -> None:
    latencies = []
    for load in (0.1, 0.5, 0.8, 0.95):
        tier = make_tier()
        drive(tier, load * 1000, 0.0, 10)
        tier.advance(10.0)
        latencies.append(tier.offer(10.0, 1.0).latency_s)
    assert latencies == sorted(latencies)
    assert latencies[-1] <= 0.05 * MAX_LATENCY_FACTOR + 0.01


def test_utilisation_at_and_above_capacity() -> None:
    at = make_tier(queue_limit=1e9)
    drive(at, 1000, 0.0, 10)
    assert at.utilisation(10.0) == pytest.approx(1.0)
    above = make_tier(queue_limit=1e9, timeout_s=1e6)
    drive(above, 2500, 0.0, 10)
    above.advance(10.0)
    assert above.utilisation(10.0) == pytest.approx(2.5)


def test_backlog_grows_above_capacity_and_drains_at_capacity() -> None:
    tier = make_tier(queue_limit=1e9, timeout_s=1e6)
    drive(tier, 2000, 0.0, 10)
    tier.advance(10.0)
    # 20k offered, 10k served in 10 s
    assert tier.backlog == pytest.approx(10_000, abs=200)
    tier.advance(15.0)
    assert tier.backlog == pytest.approx(5_000, abs=200)
    tier.advance(25.0)
    assert tier.backlog == 0.0
    assert tier.utilisation(25.0) == 0.0


def test_queue_wait_adds_backlog_over_capacity() -> None:
    tier = make_tier(queue_limit=1e9, timeout_s=1e6)
    tier.advance(0.0)
    tier.offer(0.0, 3000.0)
    reply = tier.offer(0.0, 1.0)
    assert reply.code is None
    assert reply.latency_s > 3000 / 1000  # waits behind three seconds of work


def test_short_queue_rejects_before_anything_times_out() -> None:
    # queue_limit 5000 at 1000/s is at most 5 s of waiting: below the 10 s timeout
    tier = make_tier(queue_limit=5000, timeout_s=10)
    codes = drive(tier, 3000, 0.0, 10)
    assert "overload" in codes
    assert "timeout" not in codes
    # at most one request (weight 300) past the limit: admitted with probability room/weight
    assert tier.backlog <= 5000 + 300


def test_long_queue_times_out_before_rejecting() -> None:
    # queue_limit 50k is 50 s of work: requests pass the 10 s timeout long before the limit
    tier = make_tier(queue_limit=50_000, timeout_s=10)
    codes = drive(tier, 3000, 0.0, 10)
    assert "timeout" in codes
    assert "overload" not in codes
    first_timeout = codes.index("timeout")
    assert all(code == "timeout" for code in codes[first_timeout:])


def test_timed_out_work_stays_in_the_backlog() -> None:
    tier = make_tier(queue_limit=1e9, timeout_s=1.0)
    tier.advance(0.0)
    tier.offer(0.0, 5000.0)
    before = tier.backlog
    reply = tier.offer(0.0, 10.0)
    assert reply.code == "timeout"
    assert reply.latency_s == 1.0
    assert tier.backlog == before + 10.0


def test_a_request_heavier_than_the_room_left_gets_in_with_probability_room_over_weight() -> None:
    # 60 fit, then one of 60 finds 40 of room: the queue takes those 40 (the arrivals of the
    # 60 that fit) and this client is served with probability 40/60
    admitted = 0
    for seed in range(600):
        tier = make_tier(queue_limit=100)
        tier._rng.seed(seed)
        tier.advance(0.0)
        assert tier.offer(0.0, 60.0).code is None
        admitted += tier.offer(0.0, 60.0).code is None
        assert tier.backlog == 100.0
        assert tier.offer(0.0, 1.0).code == "overload"  # no room at all: always refused
    assert admitted / 600 == pytest.approx(40 / 60, abs=0.06)


def test_one_heavy_request_costs_what_many_light_ones_cost() -> None:
    # a tiny service time: the comparison is about the queue, which is linear in the weights
    heavy = make_tier(queue_limit=1e9, timeout_s=1e6, service_time_s=1e-5)
    light = make_tier(queue_limit=1e9, timeout_s=1e6, service_time_s=1e-5)
    for second in range(5):
        t = float(second)
        heavy.advance(t)
        heavy.offer(t, 1000.0)
        light.advance(t)
        for _ in range(1000):
            light.offer(t, 1.0)
        assert heavy.backlog == pytest.approx(light.backlog)
        assert heavy.utilisation(t) == pytest.approx(light.utilisation(t))
    heavy.advance(5.5)
    light.advance(5.5)
    assert heavy.backlog == pytest.approx(light.backlog)
    # one weight-1000 request waits like the average of a thousand weight-1 requests
    heavy_latency = heavy.offer(5.5, 1000.0).latency_s
    light_latencies = [light.offer(5.5, 1.0).latency_s for _ in range(1000)]
    assert heavy_latency == pytest.approx(sum(light_latencies) / 1000, rel=1e-3)


def test_rate_limit_admits_the_limit_cheaply_and_keeps_it_out_of_utilisation() -> None:
    tier = make_tier(queue_limit=1e9, timeout_s=1e6)
    tier.set_rate_limit(500.0, 0.0)
    codes = drive(tier, 2000, 0.0, 20, per_second=20)
    admitted = codes.count(None) * 100
    assert admitted == pytest.approx(500 * 20 + 500, abs=200)  # the limit plus one burst
    assert codes.count("rate_limited") > 0
    assert tier.utilisation(20.0) == pytest.approx(0.5, abs=0.05)
    tier.set_rate_limit(None, 20.0)
    assert tier.offer(20.0, 1.0).code is None


def test_priority_bypasses_a_full_queue_but_still_loads_the_tier() -> None:
    tier = make_tier(queue_limit=100)
    tier.advance(0.0)
    tier.offer(0.0, 100.0)
    assert tier.offer(0.0, 1.0).code == "overload"
    reply = tier.offer(0.0, 50.0, priority=True)
    assert reply.code is None
    assert reply.latency_s == tier.service_time_s
    assert tier.utilisation(0.5) == pytest.approx(151 / 4.5 / 1000)


def test_attack_inflow_fills_the_queue_and_is_rejected_beyond_it() -> None:
    tier = make_tier(queue_limit=5000)
    tier.attack_rps = 3000.0
    offered, rejected = 0.0, 0.0
    for second in range(1, 11):
        a, r = tier.advance(float(second))
        offered += a
        rejected += r
    assert offered == pytest.approx(30_000)
    assert tier.backlog == 5000
    assert rejected == pytest.approx(30_000 - 10_000 - 5000)
    assert tier.utilisation(10.0) == pytest.approx(3.0)
    tier.attack_rps = 0.0
    tier.advance(20.0)
    assert tier.backlog == 0.0


def _admitted_at_full_queue(per_second: int, queue_limit: float) -> float:
    # 3x capacity for 600 s: the queue is full and what gets in is what drains.
    tier = make_tier(capacity_rps=1000.0, queue_limit=queue_limit, timeout_s=1e9)
    weight = 3000.0 / per_second
    admitted = 0.0
    for i in range(600 * per_second):
        t = i / per_second
        tier.advance(t)
        if tier.offer(t, weight).code is None:
            admitted += weight
    return admitted


@pytest.mark.parametrize("queue_limit", [5000.0, 500.0])
def test_admitted_load_at_a_full_queue_does_not_depend_on_request_weight(
    queue_limit: float,
) -> None:
    # Coarse requests (a population scale of 1/100) and fine ones (1/10000) get the same load
    # in, even when one coarse request is heavier than the whole queue (500 < 1500): it is
    # admitted with probability room/weight instead of never.
    fine = _admitted_at_full_queue(200, queue_limit)
    assert fine > 590_000  # drained at capacity for ten minutes
    for per_second in (2, 20):
        # a coarse client's outcome is a coin toss: 1200 tosses at p = 1/3 vary by ~4%
        assert _admitted_at_full_queue(per_second, queue_limit) == pytest.approx(fine, rel=0.1)
