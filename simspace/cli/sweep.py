"""`simspace sweep`: a scenario's parameters varied over a grid or a Latin-hypercube sample, per
variant, each point played and judged; `sweep.json` and `sweep.html` say where each hypothesis
reproduces every scored fact (docs/sweeps.md)."""

from __future__ import annotations

import asyncio
import dataclasses
import os
from pathlib import Path

import click
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from simspace import units
from simspace.cli.options import parse_option
from simspace.errors import RunInterrupted, UsageError
from simspace.explore.points import PointOutcome, point_outcome
from simspace.explore.sweep_console import SweepTable
from simspace.explore.sweep_result import SweepResult, SweepSpec
from simspace.explore.sweep_run import (
    Evaluate,
    OnDone,
    Scale,
    SweepPlan,
    VariantPoints,
    plan_sweep,
    run_sweep,
    virtual_evaluate,
    write_sweep,
)
from simspace.judge.facts.compare import compare
from simspace.run.backends import exploration_plan, plan_for
from simspace.run.options import Engine, RunOptions
from simspace.run.rundir import utc_stamp
from simspace.run.session import execute_run
from simspace.scenario.loader import LoadedScenario, format_loc
from simspace.scenario.parameters import ParameterError, with_values
from simspace.terminal import make_console

console = make_console()

MAX_LOCUST_POINTS = 12
"""Each Locust point is a whole run on the wall clock: a handful, not a grid."""


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option(
    "--vary", "varies", multiple=True, metavar="[VARIANT:]PATH=LOW..HIGH[:N][:log]",
    help="Vary a parameter, e.g. 'operator_actions[2].at=20:35..20:45:8' or "
    "platform.tiers.api.capacity_rps=100k..400k:8:log (repeatable; N points, default 5; "
    "VARIANT: for that variant only). None: the parameters the scenario marks fitted.",
)  # fmt: skip
@click.option("--variants", help="Comma-separated variants (default: all; base: no variant).")
@click.option("--samples", type=click.IntRange(2, 100_000),
              help="A Latin-hypercube sample of N points instead of the grid.")  # fmt: skip
@click.option(
    "--engine", type=click.Choice(["virtual", "locust"]), default="virtual", show_default=True,
    help=f"virtual: in virtual time, in parallel; locust: full runs one after another (at most "
    f"{MAX_LOCUST_POINTS} points).",
)  # fmt: skip
@click.option("--workers", type=click.IntRange(1, 64),
              help="Processes playing points (default: the CPU count).")  # fmt: skip
@click.option(
    "--budget", default="4s", show_default=True,
    help="Virtual engine: wall time a point may take (sets the population scale).",
)  # fmt: skip
@click.option("--scale", help="Population scale, e.g. 1/3000 (default: from --budget).")
@click.option("--seed", type=int, help="Random seed of every point and of the sample.")
@click.option("--output", default="runs", show_default=True, help="Root of output directories.")
def sweep(
    scenario: str,
    varies: tuple[str, ...],
    variants: str | None,
    samples: int | None,
    engine: Engine,
    workers: int | None,
    budget: str,
    scale: str | None,
    seed: int | None,
    output: str,
) -> None:
    """Play a scenario over a grid (or a sample) of its parameters, for every variant, and show
    where each hypothesis reproduces every scored fact: sweep.json and sweep.html."""
    budget_s = parse_option(units.parse_duration_s, budget, "--budget") or 4.0
    population_scale = parse_option(units.parse_fraction, scale, "--scale")
    wanted = [v.strip() for v in (variants or "").split(",") if v.strip()]
    plan = plan_sweep(scenario, varies, wanted, samples, seed)
    if engine == "locust" and plan.total_points > MAX_LOCUST_POINTS:
        raise UsageError(
            f"--engine locust: {plan.total_points} points; each is a full run, at most "
            f"{MAX_LOCUST_POINTS} (fewer points per axis, --samples, or the virtual engine)"
        )
    run_seed = seed if seed is not None else plan.variants[0].loaded.scenario.simulation.seed
    options = RunOptions(output_root=Path(output), engine=engine, seed=run_seed,
                         population_scale=population_scale, virtual_budget_s=budget_s)  # fmt: skip
    scales = [_scale(v.loaded, options) for v in plan.variants]
    worker_count = workers or os.cpu_count() or 1
    spec = SweepSpec(scenario_file=scenario, vary=list(varies),
                     variants=[v.axes.variant or "base" for v in plan.variants], samples=samples,
                     engine=engine, budget_s=budget_s if engine == "virtual" else None,
                     seed=run_seed, workers=worker_count if engine == "virtual" else 1)  # fmt: skip
    if engine == "virtual":
        result = _with_progress(plan, spec, scales, virtual_evaluate(run_seed, worker_count))
    else:
        result = run_sweep(plan, spec, scales, _locust_evaluate(options))
    directory = Path(output) / result.scenario / f"sweep-{utc_stamp()}"
    page = write_sweep(result, directory)
    console.print(SweepTable(result))
    console.print(f"sweep: {escape(str(page))}", soft_wrap=True)


def _scale(loaded: LoadedScenario, options: RunOptions) -> Scale:
    """The variant's population scale, said once: given, or for the virtual engine the finest
    whose points fit the time budget (coarser than a run's may be: `exploration_plan`), or the
    Locust engine's plan."""
    if options.population_scale is not None:
        scale = options.population_scale
        reason = f"population scale 1/{1 / scale:.4g}: given (--scale)"
    else:
        plan = (
            exploration_plan(loaded, options.virtual_budget_s, options.seed)
            if options.engine == "virtual"
            else plan_for(loaded, options)
        )
        scale = plan.population_scale
        reason = next((r for r in plan.reasons if r.startswith("population scale")), "")
    console.print(f"{escape(loaded.variant or 'base')}: {escape(reason)}", soft_wrap=True)
    return Scale(scale, reason)


def _with_progress(
    plan: SweepPlan, spec: SweepSpec, scales: list[Scale], evaluate: Evaluate
) -> SweepResult:
    columns = (TextColumn("points"), BarColumn(), MofNCompleteColumn(), TextColumn("elapsed"),
               TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("points", total=plan.total_points)
        return run_sweep(plan, spec, scales, evaluate, lambda _: progress.advance(task))


def _locust_evaluate(options: RunOptions) -> Evaluate:
    """Each point a full run through the usual run path, one after another, judged as a run."""

    def evaluate(
        variant: VariantPoints, scale: Scale, on_done: OnDone
    ) -> tuple[list[PointOutcome], list[str]]:
        outcomes: list[PointOutcome] = []
        runs: list[str] = []
        run_options = dataclasses.replace(options, population_scale=scale.population_scale)
        for index, point in enumerate(variant.points):
            settings = {format_loc(loc): value for loc, value in point.settings}
            console.rule(f"{variant.loaded.variant or 'base'}: {escape(str(settings))}")
            try:
                scenario = with_values(variant.loaded.scenario, dict(point.settings))
            except ParameterError as exc:
                outcome = PointOutcome(variant=point.variant, settings=settings, fit_score=None,
                                       problem=str(exc))  # fmt: skip
            else:
                loaded = dataclasses.replace(variant.loaded, scenario=scenario)
                # the run's label says which point it is (in the viewer and the report)
                point_text = ", ".join(f"{path}={value:g}" for path, value in settings.items())
                labelled = dataclasses.replace(run_options, labels={"sweep": point_text[:200]})
                run = asyncio.run(execute_run(loaded, labelled, console))
                if run.result.status == "interrupted":
                    raise RunInterrupted(str(run.directory))
                outcome = point_outcome(point.variant, settings, compare(scenario, run.result))
                runs.append(str(run.directory))
            outcomes.append(outcome)
            on_done(index, outcome)
        return outcomes, runs

    return evaluate
