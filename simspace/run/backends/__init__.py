"""Run backends: what produces a run's observations. The session drives every backend through
the one `Backend` protocol; this module is the only place that chooses between them (and so
between their plans: a real target runs in real time)."""

from __future__ import annotations

from simspace.engine.calibrate import PredictedLoad, predict_load
from simspace.plan import Plan, make_plan
from simspace.run.backends.base import Backend, RunContext
from simspace.run.backends.fitting import fit_to_generator
from simspace.run.backends.stub import StubBackend
from simspace.run.backends.target import TargetBackend
from simspace.run.backends.virtual import VirtualBackend
from simspace.run.backends.virtual_scale import budgeted_plan
from simspace.run.options import RunOptions
from simspace.scenario.loader import LoadedScenario

__all__ = [
    "Backend",
    "RunContext",
    "StubBackend",
    "TargetBackend",
    "VirtualBackend",
    "backend_for",
    "exploration_plan",
    "plan_for",
    "predict_for",
]


def backend_for(context: RunContext, options: RunOptions) -> Backend:
    """A real service when a target is given; else the stub platform, loaded by Locust or
    played in virtual time."""
    if options.target is not None:
        return TargetBackend(context, options.target)
    if options.engine == "virtual":
        return VirtualBackend(context)
    return StubBackend(context)


def plan_for(loaded: LoadedScenario, options: RunOptions) -> Plan:
    """The engine's plan: real time for a real target; on the stub (unless the scale is given)
    the Locust engine's scale fits the request budget by what the plan really sends
    (`fitting`), and the virtual engine's is the finest that fits its wall-time and memory
    budget (`virtual_scale`)."""
    virtual = options.target is None and options.engine == "virtual"

    def remake(population_scale: float | None) -> Plan:
        return make_plan(
            loaded.scenario,
            loaded.variant,
            budget_rps=options.budget_rps,
            speedup=options.speedup,
            population_scale=population_scale,
            duration_s=options.duration_s,
            seed=options.seed,
            real_time=options.target is not None,
            start_at=options.start_at,
            engine="virtual" if virtual else "locust",
        )

    plan = remake(options.population_scale)
    scale_given = options.population_scale is not None or isinstance(
        loaded.scenario.simulation.population_scale, float
    )
    if options.target is not None or scale_given:
        return plan
    if virtual:
        return budgeted_plan(loaded.scenario, plan, options.virtual_budget_s, remake)
    return fit_to_generator(loaded.scenario, plan, remake)


def predict_for(loaded: LoadedScenario, options: RunOptions, plan: Plan) -> PredictedLoad | None:
    """What the plan will send, played in virtual time first; None for a real target (its
    answers cannot be played in advance)."""
    if options.target is not None:
        return None
    return predict_load(loaded.scenario, plan)


EXPLORATION_COARSEST = 1 / 16
"""How much coarser than the Locust engine's plan an exploration point may be."""


def exploration_plan(loaded: LoadedScenario, budget_s: float, seed: int | None = None) -> Plan:
    """The plan of one point of a sweep, a robustness check or an evidence sample: virtual
    time, its population scale the finest whose expected requests fit `budget_s` of one core,
    which may be coarser than a run's (many points trade fidelity for coverage), but at most
    `EXPLORATION_COARSEST` of the Locust engine's."""

    def remake(population_scale: float | None) -> Plan:
        return make_plan(loaded.scenario, loaded.variant, population_scale=population_scale,
                         seed=seed, engine="virtual")  # fmt: skip

    rate_plan = remake(None)
    coarsest = rate_plan.population_scale * EXPLORATION_COARSEST
    return budgeted_plan(loaded.scenario, rate_plan, budget_s, remake, coarsest=coarsest)
