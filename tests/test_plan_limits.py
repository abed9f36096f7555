"""Plans that cannot work are refused at plan time, before any work, with what to change."""

from __future__ import annotations

import pytest

import simspace.plan
from simspace.errors import PlanError
from simspace.plan import MAX_SIMULATED_LISTENERS, make_plan
from simspace.plan_limits import MAX_ESTIMATE_CELLS, MAX_REQUEST_WEIGHT, estimate_step_s
from tests.platform.scenarios import make_scenario

TEN_BILLION = make_scenario(
    {"audience": {"arrivals": {"points": [{"at": -600, "count": 0}, {"at": 3600, "count": 1e10}]}}}
)
THIRTY_DAYS_S = 30 * 86_400.0


def test_a_request_heavier_than_the_stub_accepts_is_refused_for_the_locust_engine() -> None:
    with pytest.raises(PlanError) as raised:
        make_plan(TEN_BILLION)
    message = str(raised.value)
    assert "over the stub's limit of 10M per request (X-Sim-Weight)" in message
    assert "--duration" in message


def test_the_virtual_engine_sends_no_header_and_takes_heavy_weights() -> None:
    plan = make_plan(TEN_BILLION, engine="virtual", max_listeners=500_000)
    assert plan.playlist_poll.weight > MAX_REQUEST_WEIGHT


def test_a_speedup_the_clock_refuses_is_a_plan_error_not_a_server_failure() -> None:
    with pytest.raises(PlanError) as raised:
        make_plan(make_scenario(), duration_s=0.001)
    assert "over the most the event clock takes (10000)" in str(raised.value)
    assert "at least 1s of wall time" in str(raised.value)


def test_a_run_shorter_than_one_poll_is_refused_with_the_speedup_that_would_do() -> None:
    one_second = make_scenario({"window": {"start": -1, "end": 0}})
    with pytest.raises(PlanError) as raised:
        make_plan(one_second)
    assert "shorter than one simulated listener's poll" in str(raised.value)
    assert "a speedup of at most 0.5" in str(raised.value)
    assert make_plan(one_second, speedup=0.5).wall_duration_s == 2.0


def test_a_thirty_day_window_estimates_on_a_bounded_grid() -> None:
    month = make_scenario(
        {
            "window": {"start": -600, "end": THIRTY_DAYS_S},
            "audience": {
                "arrivals": {
                    "points": [{"at": -600, "count": 0}, {"at": THIRTY_DAYS_S, "count": 1e6}]
                }
            },
        }
    )
    assert (THIRTY_DAYS_S + 600) / estimate_step_s(THIRTY_DAYS_S + 600) <= MAX_ESTIMATE_CELLS
    assert estimate_step_s(3 * 3600.0) == 30.0  # an event of hours keeps the fine grid
    plan = make_plan(month, duration_s=3600.0)
    assert plan.expected_peak_present > 0


def test_too_many_arrivals_are_refused_before_any_is_generated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(*args: object, **kwargs: object) -> list[float]:
        raise AssertionError("arrivals generated before the limit was checked")

    monkeypatch.setattr(simspace.plan, "arrival_times", never)
    with pytest.raises(PlanError) as raised:
        make_plan(TEN_BILLION, population_scale=1.0)
    assert f"over the {MAX_SIMULATED_LISTENERS:,} this engine can play" in str(raised.value)
    assert "lower the population scale to at most 1/500,000" in str(raised.value)
