"""The planner: scale and speedup fit the budget, weights conserve event-scale load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simspace.engine.play import virtual_result
from simspace.errors import PlanError
from simspace.plan import (
    MAX_SIMULATED_LISTENERS,
    MIN_WALL_INTERVAL_S,
    make_plan,
    request_timeout_wall_s,
)
from simspace.scenario.audience import ClientPolicy
from simspace.scenario.loader import load_scenario
from simspace.scenario.variants import apply_overrides
from tests.load.scenarios import small_scenario
from tests.platform.scenarios import BASE, make_scenario

BIG: dict[str, Any] = apply_overrides(
    BASE,
    {
        "audience": {
            "arrivals": {"points": [{"at": -600, "count": 0}, {"at": 3600, "count": 400_000}]}
        },
        "speakers": [
            {"id": "host", "name": "Host", "role": "host", "account": "host", "joins_at": -600}
        ],
        "simulation": {"speedup": 30, "budget_rps": 200},
    },
)
"""The platform tests' base scenario with 400k arrivals, live from the start: ~57k listening
at once (95/s, 600 s each)."""


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
    assert f"over the {MAX_SIMULATED_LISTENERS:,} this engine can play" in message
    assert "lower the population scale to at most 1/" in message
    assert message.startswith("~90k simulated listeners would arrive at population scale 1/1")


def test_the_request_timeout_is_compressed_with_slack_and_a_floor() -> None:
    client = ClientPolicy(request_timeout=10.0)
    assert request_timeout_wall_s(client, 1.0) == 15.0
    assert request_timeout_wall_s(client, 5.0) == 3.0
    assert request_timeout_wall_s(client, 100.0) == 2.0  # 0.15 s would time out a busy machine


CAPPED = Path(__file__).parent / "data" / "capped_room.yaml"
LATE_HOST = Path(__file__).parent / "data" / "late_host.yaml"


@pytest.mark.parametrize("path", [CAPPED, LATE_HOST], ids=["capped", "late_host"])
def test_the_expected_peak_is_the_peak_the_virtual_engine_serves(path: Path) -> None:
    loaded = load_scenario(str(path))
    plan = make_plan(loaded.scenario, loaded.variant)
    served = virtual_result(loaded.scenario, loaded.variant, plan).metrics.peak_listeners
    assert plan.expected_peak_present == pytest.approx(served, rel=0.05)
    # the audience as it arrives would be far off: a cap holds it back, a late host bunches it
    assert plan.audience_peak_present is not None
    assert abs(plan.audience_peak_present / served - 1) > 0.2


def test_a_capped_plan_states_the_cap_as_its_basis() -> None:
    plan = make_plan(load_scenario(str(CAPPED)).scenario)
    assert plan.expected_peak_present == pytest.approx(45_000, rel=0.01)  # the raised cap
    assert plan.expected_peak_at is not None
    assert plan.expected_peak_at >= 1200  # after the raise
    assert plan.expected_peak_basis.startswith("capped at 45k by the main room's cap; uncapped")
    assert plan.audience_peak_present == pytest.approx(62_600, rel=0.01)


def test_a_late_host_plan_states_the_waiting_crowd_as_its_basis() -> None:
    plan = make_plan(load_scenario(str(LATE_HOST)).scenario)
    assert plan.expected_peak_basis.startswith("the Space goes live at +35m, when its host")
    assert plan.expected_peak_at is not None
    assert plan.expected_peak_at >= 35 * 60


def test_the_scale_fits_the_budget_to_the_served_audience_not_the_arriving_one() -> None:
    # refused clients give up at once: only the 10k the cap lets in send requests
    capped = {
        "platform": {"listener_cap": 10_000},
        "audience": {"client": {"on_refused": "give_up"}},
    }
    uncapped = make_plan(make_scenario(BIG), population_scale=None)
    plan = make_plan(make_scenario(apply_overrides(BIG, capped)))
    assert plan.expected_peak_present == pytest.approx(10_000, rel=0.01)
    assert plan.expected_peak_rps == pytest.approx(plan.budget_rps, rel=1e-6)
    ratio = plan.population_scale / uncapped.population_scale
    assert ratio == pytest.approx(uncapped.expected_peak_present / 10_000, rel=0.02)
    assert ratio > 3


def test_clients_polling_while_refused_count_against_the_budget() -> None:
    capped = apply_overrides(BIG, {"platform": {"listener_cap": 10_000}})
    retrying = make_plan(make_scenario(capped))
    giving_up = make_plan(
        make_scenario(apply_overrides(capped, {"audience": {"client": {"on_refused": "give_up"}}}))
    )
    assert retrying.expected_peak_present == pytest.approx(giving_up.expected_peak_present)
    assert retrying.expected_peak_rps == pytest.approx(retrying.budget_rps, rel=1e-6)
    # the same 10k listening, but the refused crowd polls too: a coarser scale
    assert retrying.population_scale < giving_up.population_scale / 2
    reason = next(r for r in retrying.reasons if r.startswith("population scale"))
    assert "listening (~1.20 req/s per simulated listener) and ~" in reason
    assert "refused by a full room, polling (~1.50 req/s each)" in reason


def test_a_scale_with_more_arrivals_than_the_engine_plays_is_lowered_to_fit() -> None:
    capped = {"platform": {"listener_cap": 1000}, "audience": {"client": {"on_refused": "give_up"}}}
    scenario = make_scenario(apply_overrides(BIG, capped))
    plan = make_plan(scenario, max_listeners=5000)
    assert plan.simulated_listeners <= 5000
    assert plan.population_scale == pytest.approx(4999 / 400_000, rel=0.01)
    reason = next(r for r in plan.reasons if r.startswith("population scale"))
    assert "at most 5k simulated arrivals for ~400k arriving (the budget alone: 1/" in reason
    assert plan.expected_peak_rps < plan.budget_rps


def test_a_real_target_expects_the_audience_as_it_arrives() -> None:
    # the scenario's cap and host are the modelled platform's: a real target has its own
    scenario = load_scenario(str(CAPPED)).scenario
    plan = make_plan(scenario, real_time=True, duration_s=3600.0)
    assert plan.expected_peak_present == pytest.approx(plan.audience_peak_present)
    assert plan.expected_peak_present > 50_000  # over the 45k cap
    assert plan.expected_peak_basis.startswith("a real target: the audience as it arrives")
