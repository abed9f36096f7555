"""Hypotheses ranked (`simspace compare`): runs best first by fit score, the fact × variant
matrix, and the scored facts no variant reproduces."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from simspace.judge.facts.compare import compare
from simspace.judge.ranking import rank
from simspace.judge.verdicts import Comparison
from simspace.results.model import RunResult
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


def run(variant: str | None, start_delay_s: float) -> Run:
    observed = result(
        start_delay_s=start_delay_s,
        spaces=[space(1, running_at=start_delay_s)],
        variant=variant,
    )
    return Run(Path("runs", variant or "base"), observed, compare(scenario(*FACTS), observed))


def test_runs_rank_by_fit_score_and_ties_keep_their_order() -> None:
    ranking = rank([run(None, 60.0), run("slow", 720.0), run("slower", 900.0)])
    assert [(r.rank, r.variant, r.fit_score) for r in ranking.runs] == [
        (1, "slow", 1.0),
        (2, "slower", 1.0),
        (3, "base", 0.0),
    ]
    assert ranking.runs[0].directory == str(Path("runs", "slow"))
    assert [row.fact_id for row in ranking.facts] == ["late", "claim_8m"]
    assert ranking.facts[0].verdicts == {
        "slow": "reproduced",
        "slower": "reproduced",
        "base": "not_reproduced",
    }
    assert not ranking.facts[1].scored
    assert ranking.reproduced_by_none == []


def test_scored_facts_no_variant_reproduces_are_named_claims_never() -> None:
    ranking = rank([run(None, 60.0), run("fast", 30.0)])
    assert ranking.reproduced_by_none == ["late"]


def test_nothing_to_rank_is_an_error() -> None:
    with pytest.raises(ValueError, match="nothing to rank"):
        rank([])
