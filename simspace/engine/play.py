"""A plan played in virtual time, at once, to its result: what the cross-check, the benchmarks
and the scale-invariance test compare."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from simspace.engine.driver import VirtualDriver
from simspace.judge.facts.compare import compare
from simspace.judge.invariance import Pooled, pool
from simspace.judge.verdicts import Comparison
from simspace.plan import Plan, make_plan
from simspace.results.build import RunRecord, build_result
from simspace.results.model import VIRTUAL_OBSERVER, RunResult
from simspace.scenario.loader import LoadedScenario, load_scenario
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
    loaded: LoadedScenario,
    scale_factor: float,
    speedup_factor: float,
    seeds: Iterable[int],
    workers: int = 1,
) -> Pooled:
    """The scenario's default plan, its population scale and speedup multiplied by these
    factors, played once per seed, its outcomes pooled (see `judge.invariance`). With
    `workers` > 1 the seeds are played in that many processes at once: the same outcomes,
    since each seed's play depends on nothing else."""
    base = make_plan(loaded.scenario, loaded.variant)
    plays = [
        _SeedPlay(
            loaded.path,
            loaded.variant,
            seed,
            base.population_scale * scale_factor,
            base.speedup * speedup_factor,
        )
        for seed in seeds
    ]
    if workers <= 1 or len(plays) <= 1:
        return pool([play(loaded) for play in plays])
    context = multiprocessing.get_context("spawn")  # no inherited threads or event loop
    with ProcessPoolExecutor(min(workers, len(plays)), mp_context=context) as executor:
        return pool(list(executor.map(_play, plays)))


@dataclass(frozen=True)
class _SeedPlay:
    """One seed of a pooled setting, played and judged; a worker process loads the scenario
    from its file (a loaded scenario does not pickle)."""

    path: str
    variant: str | None
    seed: int
    population_scale: float
    speedup: float

    def __call__(self, loaded: LoadedScenario | None = None) -> tuple[RunResult, Comparison]:
        loaded = loaded or load_scenario(self.path, self.variant)
        scenario, variant = loaded.scenario, loaded.variant
        plan = make_plan(
            scenario,
            variant,
            seed=self.seed,
            population_scale=self.population_scale,
            speedup=self.speedup,
            engine="virtual",
        )
        result = virtual_result(scenario, variant, plan)
        return result, compare(scenario, result)


def _play(play: _SeedPlay) -> tuple[RunResult, Comparison]:
    return play()
