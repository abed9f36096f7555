"""The virtual engine's population scale, from a wall-time and a memory budget rather than from
requests per second: no wall clock limits it, only how long the user will wait and how many
listeners fit in memory. A quick probe at a coarse scale (the plan in virtual time, seconds)
counts the requests the event really makes, overload and retries included; requests grow in
proportion to the scale (the scaling law), so the probe says which scale fits the budget. The
choice is deterministic: the probe's count, not its wall time, decides."""

from __future__ import annotations

from collections.abc import Callable

from simspace.engine.calibrate import predict_load
from simspace.plan import Plan
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_duration_s

COST_PER_REQUEST_S = 40e-6
"""Wall seconds per request on one core of the development machine (37-46 us measured,
docs/performance.md): the budget's exchange rate. A faster machine finishes early."""
MEMORY_LISTENERS = 150_000
"""Simulated arrivals that stay under 1 GiB (104k measured at 623 MiB, docs/performance.md)."""
PROBE_COARSENING = 4.0
"""The probe runs at the request-budget plan's scale divided by this."""


def budgeted_plan(
    scenario: Scenario,
    rate_plan: Plan,
    budget_s: float,
    remake: Callable[[float], Plan],
    coarsest: float | None = None,
) -> Plan:
    """The finest plan (never coarser than `coarsest`, by default `rate_plan`'s, the Locust
    engine's) whose expected requests fit `budget_s` of wall time and whose listeners fit in
    memory."""
    probe_plan = remake(rate_plan.population_scale / PROBE_COARSENING)
    requests = max(predict_load(scenario, probe_plan).requests, 1)
    per_scale = requests / probe_plan.population_scale
    listeners_per_scale = max(len(probe_plan.arrivals), 1) / probe_plan.population_scale
    by_time = budget_s / COST_PER_REQUEST_S / per_scale
    by_memory = MEMORY_LISTENERS / listeners_per_scale
    floor = rate_plan.population_scale if coarsest is None else coarsest
    scale = max(floor, min(1.0, by_time, by_memory))
    plan = remake(scale)
    bound = "memory" if by_memory < by_time else "its time budget"
    bounded = floor < scale < 1.0
    expected, probed = format_approx_count(per_scale * scale), format_approx_count(requests)
    reason = (
        f"population scale 1/{1 / scale:.4g}: virtual time, ~{expected} requests expected (a "
        f"probe at 1/{1 / probe_plan.population_scale:.4g} made ~{probed}) "
        f"for a {format_duration_s(round(budget_s))} budget at ~{COST_PER_REQUEST_S * 1e6:.0f} "
        f"us per request" + (f", limited by {bound}" if bounded else "")
    )
    return plan.with_scale_reason(reason)
