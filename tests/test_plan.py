"""The planner: scale and speedup fit the budget, weights conserve event-scale load."""

from __future__ import annotations

import pytest

from simspace.errors import PlanError
from simspace.plan import (
    MAX_SIMULATED_LISTENERS,
    MIN_WALL_INTERVAL_S,
    make_plan,
    request_timeout_wall_s,
)
from simspace.scenario.audience import ClientPolicy
from simspace.scenario.loader import load_scenario
from tests.load.scenarios import small_scenario


def test_auto_speedup_fits_the_wall_budget() -> None:
    scenario = load_scenario("scenarios/trump_space.yaml").scenario
    plan = make_plan(scenario)
    assert plan.wall_duration_s <= scenario.simulation.max_wall + 1e-6
    assert plan.speedup == pytest.approx((plan.t_end - plan.t_begin) / plan.wall_duration_s)
    assert any("speedup" in r for r in plan.reasons)


def test_auto_scale_keeps_the_expected_peak_rate_within_budget() -> None:
    scenario = load_scenario("scenarios/trump_space.yaml").scenario
    for budget in (200.0, 1000.0):
        plan = make_plan(scenario, budget_rps=budget)
        assert plan.expected_peak_rps == pytest.approx(budget, rel=1e-6)
        assert plan.listener_weight == pytest.approx(1 / plan.population_scale)


def test_given_scale_and_speedup_are_kept() -> None:
    plan = make_plan(small_scenario(), speedup=30.0, population_scale=0.01)
    assert plan.speedup == 30.0
    assert plan.population_scale == 0.01
    assert any("given" in r for r in plan.reasons)


def test_arrivals_follow_the_curve_at_the_chosen_scale() -> None:
    scenario = small_scenario()
    plan = make_plan(scenario, speedup=60.0, population_scale=0.02)
    points = {p.at: p.count for p in scenario.audience.arrivals.points}
    expected = points[scenario.window.end] * 0.02  # cumulative at the window's end, scaled
    assert abs(plan.simulated_listeners - expected) < 4 * expected**0.5
    assert plan.arrivals == sorted(plan.arrivals)
    assert plan.t_begin <= plan.arrivals[0]
    assert plan.arrivals[-1] <= plan.t_end
    before_start = sum(1 for t in plan.arrivals if t < 0)
    expected_before = points[0.0] * 0.02
    assert abs(before_start - expected_before) < 4 * expected_before**0.5


def test_time_compression_is_absorbed_by_weights_not_request_rate() -> None:
    scenario = small_scenario()
    slow = make_plan(scenario, speedup=1.0, population_scale=0.02)
    fast = make_plan(scenario, speedup=100.0, population_scale=0.02)
    assert slow.metadata_poll.wall_interval_s == 10.0
    assert fast.metadata_poll.wall_interval_s == MIN_WALL_INTERVAL_S
    # event-scale polls per event-second are the same: weight / event time between polls
    for plan in (slow, fast):
        poll = plan.metadata_poll
        rate = poll.weight / (poll.wall_interval_s * plan.speedup)
        assert rate == pytest.approx(plan.listener_weight / 10.0)


def test_same_seed_same_arrivals_other_seed_other_arrivals() -> None:
    scenario = small_scenario()
    a = make_plan(scenario, speedup=60.0, population_scale=0.01, seed=1)
    b = make_plan(scenario, speedup=60.0, population_scale=0.01, seed=1)
    c = make_plan(scenario, speedup=60.0, population_scale=0.01, seed=2)
    assert a.arrivals == b.arrivals
    assert a.arrivals != c.arrivals


def test_duration_cuts_the_window() -> None:
    plan = make_plan(small_scenario(), speedup=60.0, population_scale=0.01, duration_s=5.0)
    assert plan.t_end == pytest.approx(plan.t_begin + 300.0)
    assert plan.wall_duration_s == pytest.approx(5.0)


def test_session_timeout_covers_the_coalesced_ping_cadence() -> None:
    scenario = small_scenario()
    slow = make_plan(scenario, speedup=1.0, population_scale=0.01)
    fast = make_plan(scenario, speedup=60.0, population_scale=0.01)
    assert slow.session_timeout_s == scenario.platform.ping_timeout
    assert fast.session_timeout_s >= 2 * fast.ping.wall_interval_s * fast.speedup
    assert any("expire" in reason for reason in fast.reasons)


def test_a_real_target_runs_in_real_time_at_the_clients_own_cadence() -> None:
    scenario = load_scenario("scenarios/trump_space.yaml").scenario
    client = scenario.audience.client
    plan = make_plan(scenario, real_time=True, start_at=2400.0, duration_s=300.0)
    assert plan.mode == "target"
    assert (plan.speedup, plan.t_begin, plan.t_end, plan.wall_duration_s) == (
        1.0,
        2400.0,
        2700.0,
        300.0,
    )
    # no coalescing: every request is one real request, standing for 1/scale event requests
    for cadence in (plan.metadata_poll, plan.playlist_poll, plan.ping):
        assert cadence.weight == pytest.approx(plan.listener_weight)
        assert cadence.wall_interval_s == cadence.event_interval_s
    assert plan.metadata_poll.wall_interval_s == client.metadata_poll_interval
    assert plan.expected_peak_rps == pytest.approx(plan.budget_rps, rel=1e-6)
    assert all(2400.0 <= t < 2700.0 for t in plan.arrivals)
    assert any("real time" in r for r in plan.reasons)


def test_a_real_target_without_duration_takes_max_wall_from_the_window_start() -> None:
    scenario = small_scenario()
    plan = make_plan(scenario, real_time=True)
    assert plan.t_begin == scenario.window.start
    assert plan.t_end == scenario.window.start + scenario.simulation.max_wall
    assert make_plan(scenario).mode == "stub"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"real_time": True, "speedup": 4.0},
            "a real target runs in real time: the speedup must be 1 (got 4)",
        ),
        (
            {"real_time": True, "start_at": 86_400.0},
            "the start time +24h is outside the scenario's window -5m..+15m",
        ),
        (
            {"start_at": 0.0},
            "a start time applies only to a real-time run against a real target",
        ),
    ],
)
def test_settings_that_cannot_make_a_plan_are_refused_in_the_plans_terms(
    options: dict[str, float], message: str
) -> None:
    with pytest.raises(PlanError) as raised:
        make_plan(small_scenario(), **options)  # type: ignore[arg-type]
    assert str(raised.value) == message
    assert "--" not in message  # the plan's words, not the command line's


def test_a_plan_with_too_many_simulated_listeners_is_refused() -> None:
    scenario = small_scenario()
    with pytest.raises(PlanError) as raised:
        make_plan(scenario, speedup=60.0, population_scale=1.0)
    message = str(raised.value)
    assert message.endswith(
        f"simulated listeners exceed {MAX_SIMULATED_LISTENERS:,}: "
        "lower the population scale or the request budget"
    )
    count = int(message.split(" ", 1)[0].replace(",", ""))
    assert count > MAX_SIMULATED_LISTENERS


def test_the_request_timeout_is_compressed_with_slack_and_a_floor() -> None:
    client = ClientPolicy(request_timeout=10.0)
    assert request_timeout_wall_s(client, 1.0) == 15.0
    assert request_timeout_wall_s(client, 5.0) == 3.0
    assert request_timeout_wall_s(client, 100.0) == 2.0  # 0.15 s would time out a busy machine
