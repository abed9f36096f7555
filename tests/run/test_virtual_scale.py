"""The virtual engine's plan: the finest population scale that fits a wall-time and a memory
budget, chosen from a probe's request count (so the same every time), never coarser than the
Locust engine's plan."""

from __future__ import annotations

import dataclasses

import pytest

from simspace.engine.calibrate import predict_load
from simspace.run.backends import plan_for
from simspace.run.backends.virtual_scale import COST_PER_REQUEST_S
from simspace.run.options import RunOptions
from simspace.scenario import load_scenario
from tests.run.cli_runs import SMALL

VIRTUAL = RunOptions(engine="virtual", speedup=60.0)


def test_the_scale_fits_the_time_budget_and_is_the_same_every_time() -> None:
    loaded = load_scenario(SMALL)
    locust_plan = plan_for(loaded, dataclasses.replace(VIRTUAL, engine="locust"))
    options = dataclasses.replace(VIRTUAL, virtual_budget_s=2.0)
    plan = plan_for(loaded, options)
    assert plan == plan_for(loaded, options)
    assert plan.population_scale > locust_plan.population_scale
    assert plan.reasons[0].startswith(f"population scale 1/{1 / plan.population_scale:.4g}")
    requests = predict_load(loaded.scenario, plan).requests
    # the probe's count, scaled up, predicts the run's within the noise of a coarse probe
    assert requests * COST_PER_REQUEST_S == pytest.approx(2.0, rel=0.25)


def test_never_coarser_than_the_locust_plan_nor_finer_than_the_whole_audience() -> None:
    loaded = load_scenario(SMALL)
    locust_plan = plan_for(loaded, dataclasses.replace(VIRTUAL, engine="locust"))
    tiny = plan_for(loaded, dataclasses.replace(VIRTUAL, virtual_budget_s=0.001))
    assert tiny.population_scale == locust_plan.population_scale
    huge = plan_for(loaded, dataclasses.replace(VIRTUAL, virtual_budget_s=1e9))
    assert huge.population_scale == 1.0


def test_a_given_scale_is_kept() -> None:
    loaded = load_scenario(SMALL)
    plan = plan_for(loaded, dataclasses.replace(VIRTUAL, population_scale=1 / 400))
    assert plan.population_scale == 1 / 400


def test_a_locust_plan_is_fitted_to_what_it_really_sends() -> None:
    """The small scenario's join storm sends more than its audience alone: at speedup 120 the
    fitted plan is coarser than the planner's, and its busiest 5 s fit the budget."""
    loaded = load_scenario(SMALL)
    options = RunOptions(speedup=120.0)
    plan = plan_for(loaded, options)
    assert plan == plan_for(loaded, options)
    given = plan_for(loaded, dataclasses.replace(options, population_scale=1 / 50))
    assert given.population_scale == 1 / 50  # a given scale is never fitted
    assert plan.reasons[0].startswith(f"population scale 1/{1 / plan.population_scale:.4g}")
    assert "played in virtual time" in plan.reasons[0]
    assert predict_load(loaded.scenario, plan).busiest_window_rps <= plan.budget_rps
