"""`compare --evidence N`: each hypothesis weighed over its plausible parameter space before it
is ranked (`simspace.explore.evidence`), with a progress bar."""

from __future__ import annotations

import os
from collections.abc import Sequence

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

from simspace.explore.evidence import EVIDENCE_POINTS, measure_evidence
from simspace.judge.ranking import Evidence
from simspace.run.backends import exploration_plan
from simspace.scenario.loader import load_scenario
from simspace.scenario.parameters import fitted_parameters

EVIDENCE_BUDGET_S = 4.0
"""Wall seconds one point may take on one core: the scale of the evidence points."""

evidence_option = click.option(
    "--evidence",
    "evidence_points",
    type=click.IntRange(0, 200),
    default=EVIDENCE_POINTS,
    show_default=True,
    help="Points of each hypothesis' fitted ranges played in virtual time before ranking "
    "(0: rank by the runs alone).",
)


def weigh_hypotheses(
    scenario_file: str, variants: Sequence[str | None], seed: int | None, points: int,
    console: Console,
) -> dict[str, Evidence]:  # fmt: skip
    """Evidence per variant that has fitted fields (none when `points` is 0)."""
    loaded = {v: load_scenario(scenario_file, v) for v in dict.fromkeys(variants)}
    weighed = [v for v, found in loaded.items() if fitted_parameters(found.scenario)]
    if points == 0 or not weighed:
        return {}
    plans = {v: exploration_plan(loaded[v], EVIDENCE_BUDGET_S, seed) for v in weighed}
    total = points * len(weighed)
    columns = (*Progress.get_default_columns()[:1], BarColumn(), MofNCompleteColumn(),
               TimeRemainingColumn())  # fmt: skip
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("weighing hypotheses over their fitted ranges", total=total)
        return measure_evidence(
            scenario_file,
            {v: plan.population_scale for v, plan in plans.items()},
            seed=next(iter(plans.values())).seed,
            count=points,
            workers=os.cpu_count() or 1,
            on_done=lambda _i, _o: progress.advance(task),
        )
