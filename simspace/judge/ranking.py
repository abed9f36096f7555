"""Hypotheses ranked: several runs of one scenario (one per variant, or several of one variant)
side by side — their fit scores, which run reproduces which reported fact with what observed
value, and the facts no run reproduces. `simspace compare` writes it as `ranking.json`;
`simspace.report.ranking` shows it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from simspace.errors import UsageError
from simspace.judge.verdicts import Comparison, FactVerdict, Verdict, format_observed
from simspace.results.model import RunResult

RANKING_VERSION: Literal[2] = 2
"""2: runs have a `run_id` (verdicts are keyed by it, no longer by variant), a start time, an
engine and labels; fact rows have the observed values."""

DIRECTORY_STAMP = re.compile(r"(\d{8}T\d{6}Z)(?:-|$)")
"""A run directory's name starts with its UTC start: `20261130T074332Z-base`."""


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
    run_id: str = Field(
        description="unique in the ranking: the run directory's name (`#2`, `#3` appended when "
        "two are alike); keys `FactRow.verdicts` and `FactRow.observed`"
    )
    variant: str
    directory: str
    started_at: str | None = Field(
        description="ISO 8601 UTC: the result's start, else the run directory name's stamp"
    )
    engine: str = Field(description="result.observer.engine: stub, virtual or target")
    labels: dict[str, str] = Field(default_factory=dict)
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
    verdicts: dict[str, Verdict] = Field(description="by run_id; a run without the fact: absent")
    observed: dict[str, str] = Field(description="by run_id: the observed value, as printed")


class Ranking(BaseModel):
    """The comparison of hypotheses, best first."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[2] = RANKING_VERSION
    scenario: str
    runs: list[RankedRun]
    facts: list[FactRow]
    reproduced_by_none: list[str]


def rank(reports: Sequence[JudgedRun]) -> Ranking:
    """Order runs by fit score (then reproduced facts); ties keep the given order. Runs of
    different scenarios cannot be ranked together (UsageError)."""
    if not reports:
        raise ValueError("nothing to rank")
    _require_one_scenario(reports)
    order = sorted(
        range(len(reports)),
        key=lambda i: (-reports[i].comparison.fit_score, -reports[i].comparison.reproduced, i),
    )
    ids = run_ids([r.directory for r in reports])
    runs = [_ranked(position + 1, ids[i], reports[i]) for position, i in enumerate(order)]
    facts = _fact_rows([(ids[i], reports[i].comparison) for i in order])
    nobody = [
        row.fact_id
        for row in facts
        if row.scored and all(v != "reproduced" for v in row.verdicts.values())
    ]
    return Ranking(
        scenario=reports[0].result.scenario, runs=runs, facts=facts, reproduced_by_none=nobody
    )


def _require_one_scenario(reports: Sequence[JudgedRun]) -> None:
    if len({r.result.scenario for r in reports}) > 1:
        runs = ", ".join(f"{r.directory} ({r.result.scenario})" for r in reports)
        raise UsageError(f"cannot rank runs of different scenarios together: {runs}")


def run_ids(directories: Sequence[Path]) -> list[str]:
    """Each directory's name, made unique in order: `a`, `a#2`, `a#3`."""
    ids: list[str] = []
    for directory in directories:
        name = directory.name or directory.resolve().name
        candidate, n = name, 1
        while candidate in ids:
            n += 1
            candidate = f"{name}#{n}"
        ids.append(candidate)
    return ids


def started_at(result: RunResult, directory: Path) -> str | None:
    """When the run started (ISO 8601 UTC): recorded in its result, or (older results) the
    stamp its directory is named with; None when neither says."""
    if result.started_at:
        return result.started_at
    if match := DIRECTORY_STAMP.match(directory.name):
        try:
            stamp = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ")
        except ValueError:
            return None
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _ranked(position: int, run_id: str, report: JudgedRun) -> RankedRun:
    result, comparison = report.result, report.comparison
    return RankedRun(
        rank=position,
        run_id=run_id,
        variant=result.variant or "base",
        directory=str(report.directory),
        started_at=started_at(result, report.directory),
        engine=result.observer.engine,
        labels=result.labels,
        status=result.status,
        fit_score=comparison.fit_score,
        reproduced=comparison.reproduced,
        scored=comparison.scored,
        not_observable=comparison.not_observable,
    )


def _fact_rows(judged: Sequence[tuple[str, Comparison]]) -> list[FactRow]:
    """One row per fact (matched by id, in the order the best run lists them, then any only
    later runs have), with each run's verdict and observed value."""
    first: dict[str, FactVerdict] = {}
    verdicts: dict[str, dict[str, Verdict]] = {}
    observed: dict[str, dict[str, str]] = {}
    for run_id, comparison in judged:
        for verdict in comparison.verdicts:
            first.setdefault(verdict.fact_id, verdict)
            verdicts.setdefault(verdict.fact_id, {})[run_id] = verdict.verdict
            text = format_observed(verdict, comparison.calendar)
            observed.setdefault(verdict.fact_id, {})[run_id] = text
    return [
        FactRow(
            fact_id=fact_id,
            statement=verdict.statement,
            scored=verdict.scored,
            verdicts=verdicts[fact_id],
            observed=observed[fact_id],
        )
        for fact_id, verdict in first.items()
    ]
