"""Running a sweep: read the scenario and its variants, turn the `--vary` texts into each
variant's points, play them (in virtual time in worker processes, or through whichever
`Evaluate` the caller passes), and write `sweep.json` and `sweep.html`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from simspace.explore.points import Evaluation, Point, PointOutcome, evaluate_points
from simspace.explore.sweep import BASE
from simspace.explore.sweep_html import sweep_html
from simspace.explore.sweep_result import SweepResult, SweepSpec, VariantSweep, variant_sweep
from simspace.explore.sweep_spec import SweepInput, VariantAxes, sweep_axes
from simspace.fileio import write_atomic, write_json
from simspace.judge.verdicts import EventCalendar
from simspace.scenario.loader import LoadedScenario, load_scenario
from simspace.scenario.yaml_positions import parse_yaml

OnDone = Callable[[int, PointOutcome], None]


@dataclass(frozen=True)
class Scale:
    """A variant's population scale, and why."""

    population_scale: float
    reason: str = ""


@dataclass(frozen=True)
class VariantPoints:
    """One variant to sweep: its scenario, its axes and the points to play."""

    loaded: LoadedScenario
    axes: VariantAxes
    points: list[Point]


@dataclass(frozen=True)
class SweepPlan:
    """Every variant's points; nothing played yet."""

    scenario_file: str
    variants: list[VariantPoints]

    @property
    def total_points(self) -> int:
        return sum(len(v.points) for v in self.variants)


def variant_names(scenario_file: str, wanted: Sequence[str]) -> list[str | None]:
    """The variants to sweep: those named (`base`: no variant), else every variant, else the
    base scenario."""
    if wanted:
        return [None if name == BASE else name for name in dict.fromkeys(wanted)]
    return list(load_scenario(scenario_file).scenario.variants) or [None]


def plan_sweep(
    scenario_file: str,
    varies: Sequence[str],
    variants: Sequence[str] = (),
    samples: int | None = None,
    seed: int | None = None,
) -> SweepPlan:
    """Each variant's axes and points (ScenarioError naming every problem, before anything
    plays); the sample's seed is `seed` or the scenario's."""
    loaded = [load_scenario(scenario_file, name) for name in variant_names(scenario_file, variants)]
    positions = parse_yaml(Path(scenario_file).read_text(encoding="utf-8"))[1]
    inputs = [SweepInput(one.variant, one.scenario) for one in loaded]
    all_axes = sweep_axes(scenario_file, positions, inputs, varies, samples)
    sample_seed = seed if seed is not None else loaded[0].scenario.simulation.seed
    return SweepPlan(
        scenario_file,
        [
            VariantPoints(one, axes, axes.points(sample_seed))
            for one, axes in zip(loaded, all_axes, strict=True)
        ],
    )


Evaluate = Callable[[VariantPoints, Scale, OnDone], tuple[list[PointOutcome], list[str]]]
"""Plays a variant's points at a scale: their outcomes (in order) and any run directories."""


def virtual_evaluate(seed: int, workers: int) -> Evaluate:
    """Points played in virtual time on `workers` processes."""

    def evaluate(
        variant: VariantPoints, scale: Scale, on_done: OnDone
    ) -> tuple[list[PointOutcome], list[str]]:
        evaluation = Evaluation(variant.loaded.path, scale.population_scale, seed)
        return evaluate_points(evaluation, variant.points, workers, on_done), []

    return evaluate


def run_sweep(
    plan: SweepPlan,
    spec: SweepSpec,
    scales: Sequence[Scale],
    evaluate: Evaluate,
    on_done: Callable[[PointOutcome], None] | None = None,
) -> SweepResult:
    """Every variant's points played (variant after variant, each at its scale) and summed up."""
    started_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    wall0 = time.monotonic()
    swept: list[VariantSweep] = []
    for variant, scale in zip(plan.variants, scales, strict=True):

        def done(_: int, outcome: PointOutcome) -> None:
            if on_done is not None:
                on_done(outcome)

        outcomes, runs = evaluate(variant, scale, done)
        swept.append(
            variant_sweep(
                variant.loaded.scenario,
                variant.axes,
                outcomes,
                (scale.population_scale, scale.reason),
                runs,
            )
        )
    event = plan.variants[0].loaded.scenario.event
    return SweepResult(
        scenario=event.name,
        title=event.title,
        started_at=started_at,
        wall_s=round(time.monotonic() - wall0, 3),
        spec=spec,
        calendar=EventCalendar(
            date=event.date, scheduled_start=event.scheduled_start, time_zone=event.time_zone
        ),
        variants=swept,
    )


def write_sweep(result: SweepResult, directory: Path) -> Path:
    """`sweep.json` and `sweep.html` in `directory` (made here); the page's path."""
    directory.mkdir(parents=True, exist_ok=True)
    write_json(directory / "sweep.json", result)
    page = directory / "sweep.html"
    write_atomic(page, sweep_html(result))
    return page
