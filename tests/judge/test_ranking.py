"""Hypotheses ranked (`simspace compare`): runs best first by fit score, the fact × run matrix
keyed by run (two runs of one variant keep their own verdicts), each run's start time, engine
and labels, and the scored facts no run reproduces."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from simspace.errors import UsageError
from simspace.judge.facts.compare import compare
from simspace.judge.ranking import Evidence, rank, run_ids, started_at
from simspace.judge.verdicts import Comparison
from simspace.results.model import VIRTUAL_OBSERVER, RunResult
from tests.report.builders import fact, result, scenario, space

FACTS = [
    fact(id="late", metric="start_delay", reported={"min": "3m"}),
    fact(id="claim_8m", metric="peak_listeners", reported="8M", scored=False),
]


@dataclass(frozen=True)
class Run:
    """A judged run as ranking reads it (the CLI passes RunReports)."""

    directory: Path
    result: RunResult
    comparison: Comparison


def run(
    variant: str | None, start_delay_s: float, directory: str | None = None, **fields: object
) -> Run:
    """A run judged on FACTS; `fields` are then set on its result (a start time, labels...)."""
    observed = result(
        start_delay_s=start_delay_s,
        spaces=[space(1, running_at=start_delay_s)],
        variant=variant,
    )
    path = Path("runs", directory or variant or "base")
    comparison = compare(scenario(*FACTS), observed)
    return Run(path, observed.model_copy(update=fields), comparison)


def test_runs_rank_by_fit_score_and_ties_keep_their_order() -> None:
    ranking = rank([run(None, 60.0), run("slow", 720.0), run("slower", 900.0)])
    assert [(r.rank, r.run_id, r.variant, r.fit_score) for r in ranking.runs] == [
        (1, "slow", "slow", 1.0),
        (2, "slower", "slower", 1.0),
        (3, "base", "base", 0.0),
    ]
    assert ranking.runs[0].directory == str(Path("runs", "slow"))
    assert [row.fact_id for row in ranking.facts] == ["late", "claim_8m"]
    assert ranking.facts[0].verdicts == {
        "slow": "reproduced",
        "slower": "reproduced",
        "base": "not_reproduced",
    }
    assert ranking.facts[0].observed == {"slow": "12m", "slower": "15m", "base": "1m"}
    assert not ranking.facts[1].scored
    assert ranking.reproduced_by_none == []


def test_two_runs_of_one_variant_keep_their_own_verdicts_and_values() -> None:
    baseline = run(None, 60.0, directory="20261130T074332Z-base")
    candidate = run(None, 720.0, directory="20261201T090000Z-base")
    ranking = rank([baseline, candidate])
    assert [(r.run_id, r.variant) for r in ranking.runs] == [
        ("20261201T090000Z-base", "base"),
        ("20261130T074332Z-base", "base"),
    ]
    late = ranking.facts[0]
    assert late.verdicts == {
        "20261201T090000Z-base": "reproduced",
        "20261130T074332Z-base": "not_reproduced",
    }
    assert late.observed == {"20261201T090000Z-base": "12m", "20261130T074332Z-base": "1m"}
    assert ranking.reproduced_by_none == []


def test_runs_are_labelled_by_start_time_engine_and_labels() -> None:
    recorded = run(
        "slow",
        720.0,
        directory="20261130T074332Z-slow",
        started_at="2026-11-30T07:43:31Z",
        labels={"build": "candidate"},
        observer=VIRTUAL_OBSERVER,
    )
    older = run(None, 60.0, directory="20240812T234500Z-base")  # no started_at: the name's
    unnamed = run(None, 60.0, directory="mine")
    ranking = rank([recorded, older, unnamed])
    assert [(r.started_at, r.engine, r.labels) for r in ranking.runs] == [
        ("2026-11-30T07:43:31Z", "virtual", {"build": "candidate"}),
        ("2024-08-12T23:45:00Z", "stub", {}),
        (None, "stub", {}),
    ]


def test_a_directory_stamp_that_is_no_date_gives_no_start() -> None:
    observed = result()
    assert started_at(observed, Path("20241399T250000Z-base")) is None
    assert started_at(observed, Path("20240812T234500Z")) == "2024-08-12T23:45:00Z"


def test_run_ids_are_directory_names_made_unique_in_order() -> None:
    dirs = [Path("a", "run"), Path("b", "run"), Path("run#2"), Path("c", "run"), Path("x")]
    assert run_ids(dirs) == ["run", "run#2", "run#2#2", "run#3", "x"]


def test_facts_are_matched_by_id_not_by_position() -> None:
    first = run(None, 720.0)
    swapped_comparison = first.comparison.model_copy(
        update={"verdicts": list(reversed(first.comparison.verdicts))}
    )
    second = Run(Path("runs", "other"), first.result, swapped_comparison)
    ranking = rank([first, second])
    by_id = {row.fact_id: row.verdicts for row in ranking.facts}
    assert by_id == {
        "late": {"base": "reproduced", "other": "reproduced"},
        "claim_8m": {"base": "claim", "other": "claim"},
    }


def test_scored_facts_no_variant_reproduces_are_named_claims_never() -> None:
    ranking = rank([run(None, 60.0), run("fast", 30.0)])
    assert ranking.reproduced_by_none == ["late"]


def test_runs_of_different_scenarios_are_not_ranked_together() -> None:
    mine = run(None, 720.0)
    theirs = run("x", 720.0, directory="ci_smoke_run", scenario="ci_smoke")
    with pytest.raises(UsageError, match=r"different scenarios.*ci_smoke_run \(ci_smoke\)"):
        rank([mine, theirs])


def test_nothing_to_rank_is_an_error() -> None:
    with pytest.raises(ValueError, match="nothing to rank"):
        rank([])


def _evidence(reproducing: int, points: int = 10) -> Evidence:
    return Evidence(points=points, reproducing=reproducing, parameters=["operator_actions[0].at"],
                    population_scale=1 / 1000)  # fmt: skip


def test_evidence_over_the_fitted_ranges_ranks_before_one_runs_count() -> None:
    runs = [run("slow", 720.0), run("slower", 900.0)]
    ranking = rank(runs, {"slow": _evidence(3), "slower": _evidence(8)})
    assert [(r.variant, r.evidence_share) for r in ranking.runs] == [("slower", 0.8),
                                                                     ("slow", 0.3)]  # fmt: skip
    assert ranking.decided_by == (
        "slower and slow reproduce the same facts (1 of 1); slower holds on 80% of its "
        "plausible parameter space (8 of 10 points), slow on 30% (3 of 10)"
    )
    close = rank(runs, {"slow": _evidence(1, 12), "slower": _evidence(2, 12)})
    assert close.runs[0].variant == "slower"
    assert close.decided_by is not None
    assert close.decided_by.endswith(
        "slow on 8% (1 of 12): within the sampling noise of so few points, so this "
        "does not decide either (more points: --evidence N)"
    )


def test_a_tie_nothing_decides_is_said_and_what_would_separate_it_is_listed() -> None:
    calm = run("calm", 720.0)
    stormy = run("stormy", 720.0)
    errors = {"Details not available": 9e5, "This Space is not available": 1e5}
    stormy = Run(stormy.directory, stormy.result.model_copy(update={
        "metrics": stormy.result.metrics.model_copy(update={"errors_seen": errors})}),
        stormy.comparison)  # fmt: skip
    calm_errors = {"Details not available": 1e5, "This Space is not available": 9e5}
    calm = Run(calm.directory, calm.result.model_copy(update={
        "metrics": calm.result.metrics.model_copy(update={"errors_seen": calm_errors})}),
        calm.comparison)  # fmt: skip
    ranking = rank([calm, stormy])
    assert ranking.decided_by is not None
    assert ranking.decided_by.endswith(
        "nothing measured here ranks one first: the facts cannot decide"
    )
    assert ranking.separators[0] == (
        'share of failed requests showing "Details not available": 10% vs 90% (calm vs stormy)'
    )


def test_no_tie_no_explanation() -> None:
    ranking = rank([run("slow", 720.0), run(None, 60.0)])
    assert ranking.decided_by is None
    assert ranking.separators == []
