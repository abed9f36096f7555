"""How much of a hypothesis' plausible parameter space reproduces the reported facts: its fitted
fields (`fitted: true` with a `range`) sampled by Latin hypercube (`explore.sweep`) and each
point played in virtual time. A hypothesis that matches only at its fitted values holds on a
small share; one whose facts follow from the platform and client model holds on most of it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from simspace.explore.points import Evaluation, Point, PointOutcome, evaluate_points
from simspace.explore.sweep import Axis, fitted_axes, latin_hypercube
from simspace.judge.ranking import Evidence
from simspace.scenario.loader import load_scenario

EVIDENCE_POINTS = 12


def _evidence(outcomes: Sequence[PointOutcome], axes: Sequence[Axis], scale: float) -> Evidence:
    played = [o for o in outcomes if o.fit_score is not None]
    return Evidence(
        points=len(played),
        reproducing=sum(o.scored > 0 and o.reproduced == o.scored for o in played),
        parameters=[axis.path for axis in axes],
        population_scale=scale,
    )


def measure_evidence(
    scenario_file: str,
    scales: dict[str | None, float],
    seed: int,
    count: int = EVIDENCE_POINTS,
    workers: int = 1,
    on_done: Callable[[int, PointOutcome], None] | None = None,
) -> dict[str, Evidence]:
    """For each variant (None: the base scenario) with fitted fields, played at its scale: the
    points of its fitted ranges that reproduce every scored fact. Variants without fitted fields
    are left out (nothing to weigh)."""
    axes = {v: fitted_axes(load_scenario(scenario_file, v).scenario) for v in scales}
    outcomes: dict[str | None, list[PointOutcome]] = {}
    for variant, scale in scales.items():
        if not axes[variant]:
            continue
        points = [
            Point(variant, tuple((axis.loc, value) for axis, value in zip(axes[variant], row,
                                                                          strict=True)))
            for row in latin_hypercube(axes[variant], count, seed)
        ]  # fmt: skip
        evaluation = Evaluation(scenario_file, scale, seed)
        outcomes[variant] = evaluate_points(evaluation, points, workers, on_done)
    return {
        variant or "base": _evidence(found, axes[variant], scales[variant])
        for variant, found in outcomes.items()
    }
