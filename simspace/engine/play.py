"""A plan played in virtual time, at once, to its result: what the cross-check, the benchmarks
and the scale-invariance test compare."""

from __future__ import annotations

from collections.abc import Iterable

from simspace.engine.driver import VirtualDriver
from simspace.judge.facts.compare import compare
from simspace.judge.invariance import Pooled, pool
from simspace.plan import VIRTUAL_MAX_SIMULATED_LISTENERS, Plan, make_plan
from simspace.results.build import RunRecord, build_result
from simspace.results.model import VIRTUAL_OBSERVER, RunResult
from simspace.scenario.loader import LoadedScenario
from simspace.scenario.model import Scenario


def virtual_result(scenario: Scenario, variant: str | None, plan: Plan) -> RunResult:
    """Play `plan` to its end in virtual time and build its result (wall time 0: a virtual
    result never depends on how fast it was made)."""
    driver = VirtualDriver(scenario, plan)
    driver.play_to_end()
    return build_result(
        RunRecord(
            scenario=scenario,
            variant=variant,
            plan=plan,
            observations=driver.recorder.observations,
            ground_truth=driver.ground_truth(),
            observer=VIRTUAL_OBSERVER,
            status="completed",
            failure=None,
            wall_s=0.0,
            generator_cpu=[],
        )
    )


def pooled_over_seeds(
    loaded: LoadedScenario, scale_factor: float, speedup_factor: float, seeds: Iterable[int]
) -> Pooled:
    """The scenario's default plan, its population scale and speedup multiplied by these
    factors, played once per seed, its outcomes pooled (see `judge.invariance`)."""
    base = make_plan(loaded.scenario, loaded.variant)
    runs = []
    for seed in seeds:
        plan = make_plan(
            loaded.scenario,
            loaded.variant,
            seed=seed,
            population_scale=base.population_scale * scale_factor,
            speedup=base.speedup * speedup_factor,
            max_listeners=VIRTUAL_MAX_SIMULATED_LISTENERS,
            engine="virtual",
        )
        result = virtual_result(loaded.scenario, loaded.variant, plan)
        runs.append((result, compare(loaded.scenario, result)))
    return pool(runs)
