"""The robustness step after a run (virtual engine: always; Locust: with `--robustness`): every
fitted parameter moved to the ends of its range, each point played in virtual time at a coarse
scale on every core, each reproduced fact labelled (`explore.robustness`). It never loses the
run: a failure is a warning and Ctrl-C skips it, the result staying without robustness."""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from simspace.explore.points import Evaluation, Point, PointOutcome, evaluate_points
from simspace.explore.robustness import label_facts, perturbations, varied_parameters
from simspace.judge.facts.compare import compare
from simspace.results.model import RunResult
from simspace.results.robustness import Robustness
from simspace.run.backends import exploration_plan
from simspace.run.options import RunOptions
from simspace.scenario.loader import LoadedScenario
from simspace.units import format_duration_s

log = logging.getLogger(__name__)

ROBUSTNESS_BUDGET_S = 3.0
"""Wall seconds one perturbed point may take on one core: the scale it is played at."""


def robustness_wanted(options: RunOptions, result: RunResult) -> bool:
    """Virtual runs always, Locust runs when asked; only a completed run of the modelled
    platform (the one the perturbations play: a real target's is neither observed nor ours)."""
    asked = result.observer.engine == "virtual" or options.robustness
    return asked and result.observer.platform_observed and result.status == "completed"


def with_robustness(loaded: LoadedScenario, result: RunResult, console: Console) -> RunResult:
    """The result with its robustness labels; unchanged (with a warning) when the step fails
    or is interrupted."""
    started = time.monotonic()
    try:
        robustness = check_robustness(loaded, result, console)
    except KeyboardInterrupt:
        log.warning("the robustness check was interrupted: the run is kept without it")
        return result
    except Exception as exc:  # whatever went wrong, the run it checks must not be lost
        log.warning("the robustness check failed, the run is kept without it: %s", exc)
        return result
    if robustness.parameters and not robustness.points:
        log.warning("no perturbation could be played, no fact is labelled: %s",
                    robustness.unplayed[0] if robustness.unplayed else "none to play")  # fmt: skip
    elif robustness.points:
        took = format_duration_s(round(time.monotonic() - started))
        console.print(f"{robustness.summary()}: {took}", soft_wrap=True)
    return result.model_copy(update={"robustness": robustness})


def check_robustness(loaded: LoadedScenario, result: RunResult, console: Console) -> Robustness:
    """Each fitted parameter at its ends, one at a time, played with the run's seed at the scale
    a small virtual budget allows (or the run's, if coarser); a point that cannot be played is
    listed, not labelled from."""
    located = varied_parameters(loaded.scenario)
    if not located:
        return Robustness()
    seed = result.plan.seed
    # never finer than the run itself: the perturbations are a coarse look around it
    coarse = exploration_plan(loaded, ROBUSTNESS_BUDGET_S, seed).population_scale
    scale = min(coarse, result.plan.population_scale)
    points = perturbations(located, loaded.variant)
    outcomes = _played(Evaluation(loaded.path, scale, seed), points, console)
    base, perturbed = outcomes[0], outcomes[1:]
    unplayed = [f"{_settings(o)}: {o.problem}" for o in outcomes if o.problem is not None]
    parameters = [p for _, p in located]
    verdicts = compare(loaded.scenario, result).verdicts
    return Robustness(
        parameters=parameters,
        population_scale=scale,
        seed=seed,
        points=sum(o.problem is None for o in perturbed),
        unplayed=unplayed,
        facts=label_facts(verdicts, parameters, base, perturbed),
    )


def _played(
    evaluation: Evaluation, points: Sequence[Point], console: Console
) -> list[PointOutcome]:
    """The points' outcomes on every core, with a progress bar (one line when not a terminal)."""
    workers = min(os.cpu_count() or 1, len(points))
    what = f"robustness: {len(points) - 1} perturbations of the fitted parameters"
    if not console.is_terminal:
        console.print(f"{what} (virtual time, {workers} workers)...", soft_wrap=True)
        return evaluate_points(evaluation, points, workers)
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(what, total=len(points))
        return evaluate_points(
            evaluation, points, workers, on_done=lambda _i, _o: progress.advance(task)
        )


def _settings(outcome: PointOutcome) -> str:
    return (
        ", ".join(f"{path}={value:g}" for path, value in outcome.settings.items()) or "unperturbed"
    )
