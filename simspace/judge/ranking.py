"""Hypotheses ranked: several runs of one scenario (one per variant) side by side — their fit
scores, which variant reproduces which reported fact, and the facts no variant reproduces.
`simspace compare` writes it as `ranking.json`; `simspace.report.ranking` shows it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from simspace.judge.verdicts import Comparison, Verdict
from simspace.results.model import RunResult


class JudgedRun(Protocol):
    """What ranking needs of a run: its directory, what it observed and its comparison
    (`simspace.report.outputs.RunReport` is one)."""

    @property
    def directory(self) -> Path: ...

    @property
    def result(self) -> RunResult: ...

    @property
    def comparison(self) -> Comparison: ...


class RankedRun(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    rank: int
    variant: str
    directory: str
    status: str
    fit_score: float
    reproduced: int
    scored: int
    not_observable: int


class FactRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    fact_id: str
    statement: str
    scored: bool
    verdicts: dict[str, Verdict]


class Ranking(BaseModel):
    """The comparison of hypotheses, best first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: str
    runs: list[RankedRun]
    facts: list[FactRow]
    reproduced_by_none: list[str]


def rank(reports: Sequence[JudgedRun]) -> Ranking:
    """Order runs by fit score (then reproduced facts); ties keep the given order."""
    if not reports:
        raise ValueError("nothing to rank")
    order = sorted(
        range(len(reports)),
        key=lambda i: (-reports[i].comparison.fit_score, -reports[i].comparison.reproduced, i),
    )
    runs = [
        RankedRun(
            rank=position + 1,
            variant=reports[i].result.variant or "base",
            directory=str(reports[i].directory),
            status=reports[i].result.status,
            fit_score=reports[i].comparison.fit_score,
            reproduced=reports[i].comparison.reproduced,
            scored=reports[i].comparison.scored,
            not_observable=reports[i].comparison.not_observable,
        )
        for position, i in enumerate(order)
    ]
    facts: list[FactRow] = []
    for index, first in enumerate(reports[order[0]].comparison.verdicts):
        verdicts: dict[str, Verdict] = {}
        for i in order:
            mine = reports[i].comparison.verdicts
            if index < len(mine) and mine[index].fact_id == first.fact_id:
                verdicts[reports[i].result.variant or "base"] = mine[index].verdict
        facts.append(FactRow(fact_id=first.fact_id, statement=first.statement,
                             scored=first.scored, verdicts=verdicts))  # fmt: skip
    nobody = [
        row.fact_id
        for row in facts
        if row.scored and all(v != "reproduced" for v in row.verdicts.values())
    ]
    return Ranking(
        scenario=reports[0].result.scenario, runs=runs, facts=facts, reproduced_by_none=nobody
    )
