"""A Locust plan fitted to the load generator by what it will really send: the plan played in
virtual time first (seconds), its busiest 5 wall seconds compared with the request budget, and
the population scale lowered until they fit. The planner's own estimate counts the expected
audience only; overload, retries and join storms add their own traffic (trump's default plan
sent twice its budget over its busiest 5 s, and its generator peaked at 76-99% CPU)."""

from __future__ import annotations

from collections.abc import Callable

from simspace.engine.calibrate import SUSTAINED_WINDOW_S, predict_load
from simspace.plan import Plan
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count

FIT_MARGIN = 0.95
"""Aim this far under the budget: a rescaled plan's load is not exactly proportional."""
MAX_FITTING_ROUNDS = 3


def fit_to_generator(scenario: Scenario, plan: Plan, remake: Callable[[float], Plan]) -> Plan:
    """The plan, rescaled (by `remake(population_scale)`) until its predicted busiest
    `SUSTAINED_WINDOW_S` wall seconds send at most its request budget per second."""
    for _ in range(MAX_FITTING_ROUNDS):
        rate_rps = predict_load(scenario, plan).busiest_window_rps
        if rate_rps <= plan.budget_rps:
            return plan
        tried = plan
        plan = remake(plan.population_scale * plan.budget_rps / rate_rps * FIT_MARGIN)
        plan = _explained(plan, tried, rate_rps)
    return plan


def _explained(plan: Plan, tried: Plan, rate_rps: float) -> Plan:
    sent, budget = format_approx_count(rate_rps), format_approx_count(plan.budget_rps)
    reason = (
        f"population scale 1/{1 / plan.population_scale:.4g}: played in virtual time, the plan "
        f"at 1/{1 / tried.population_scale:.4g} sends ~{sent} req/s over its busiest "
        f"{SUSTAINED_WINDOW_S} wall seconds (overload, retries and join storms on top of the "
        f"expected audience), over the {budget} req/s budget"
    )
    return plan.with_scale_reason(reason)
