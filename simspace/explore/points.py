"""Many variations of one scenario, each played in virtual time and judged against the reported
facts: the shared step of sweeps and robustness checks.

A point is a variant and some parameters set to values (`scenario.parameters`). Every point of
one evaluation is played at the same population scale and seed, so that two points differ only
by their settings. Points run in worker processes (one per core asked for); the outcome of a
point never depends on which worker played it or in which order.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from simspace.engine.play import virtual_result
from simspace.errors import SimspaceError
from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import Comparison, Verdict
from simspace.plan import make_plan
from simspace.scenario.base import Loc
from simspace.scenario.loader import LoadedScenario, format_loc, load_scenario
from simspace.scenario.parameters import ParameterError, with_values


@dataclass(frozen=True)
class Point:
    """A variant with some parameters set."""

    variant: str | None
    settings: tuple[tuple[Loc, float], ...] = ()


@dataclass(frozen=True)
class Evaluation:
    """What every point of one evaluation shares: the file, the scale and the seed."""

    scenario_file: str
    population_scale: float
    seed: int


class PointOutcome(BaseModel):
    """How one point judged: its fit and each fact's verdict and observed value."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    variant: str | None
    settings: dict[str, float] = Field(description="path -> value (seconds, counts, fractions)")
    fit_score: float | None = Field(description="null when the point could not be played")
    reproduced: int = 0
    scored: int = 0
    verdicts: dict[str, Verdict] = Field(default_factory=dict, description="fact id -> verdict")
    observed: dict[str, float | bool | None] = Field(
        default_factory=dict, description="fact id -> the run's value"
    )
    problem: str | None = Field(None, description="why the point could not be played")


@cache
def _loaded(scenario_file: str, variant: str | None) -> LoadedScenario:
    return load_scenario(scenario_file, variant)


def evaluate_point(evaluation: Evaluation, point: Point) -> PointOutcome:
    """Play one point to its end in virtual time and judge it (in whichever process)."""
    settings = {format_loc(loc): value for loc, value in point.settings}
    try:
        loaded = _loaded(evaluation.scenario_file, point.variant)
        scenario = with_values(loaded.scenario, dict(point.settings))
        plan = make_plan(
            scenario,
            point.variant,
            population_scale=evaluation.population_scale,
            seed=evaluation.seed,
            engine="virtual",
        )
    except (ParameterError, SimspaceError) as exc:
        return PointOutcome(variant=point.variant, settings=settings, fit_score=None,
                            problem=str(exc))  # fmt: skip
    comparison = compare(scenario, virtual_result(scenario, point.variant, plan))
    return point_outcome(point.variant, settings, comparison)


def point_outcome(
    variant: str | None, settings: dict[str, float], comparison: Comparison
) -> PointOutcome:
    """A point's outcome from its run's comparison (virtual here, or a full Locust run)."""
    return PointOutcome(
        variant=variant,
        settings=settings,
        fit_score=comparison.fit_score,
        reproduced=comparison.reproduced,
        scored=comparison.scored,
        verdicts={v.fact_id: v.verdict for v in comparison.verdicts},
        observed={v.fact_id: v.observed for v in comparison.verdicts},
    )


def evaluate_points(
    evaluation: Evaluation,
    points: Sequence[Point],
    workers: int = 1,
    on_done: Callable[[int, PointOutcome], None] | None = None,
) -> list[PointOutcome]:
    """Every point's outcome, in the order of `points`; `on_done(index, outcome)` as each
    finishes (for progress). One worker plays them in this process."""
    outcomes: list[PointOutcome | None] = [None] * len(points)

    def done(index: int, outcome: PointOutcome) -> None:
        outcomes[index] = outcome
        if on_done is not None:
            on_done(index, outcome)

    if workers <= 1 or len(points) <= 1:
        for index, point in enumerate(points):
            done(index, evaluate_point(evaluation, point))
    else:
        _in_pool(evaluation, points, workers, done)
    return [outcome for outcome in outcomes if outcome is not None]


def _in_pool(
    evaluation: Evaluation,
    points: Sequence[Point],
    workers: int,
    done: Callable[[int, PointOutcome], None],
) -> None:
    context = multiprocessing.get_context("spawn")  # no inherited threads or event loop
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        futures: dict[Future[PointOutcome], int] = {
            pool.submit(evaluate_point, evaluation, point): index
            for index, point in enumerate(points)
        }
        for future in as_completed(futures):
            done(futures[future], future.result())
    except BaseException:  # Ctrl-C included: drop the queued points, do not wait for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
