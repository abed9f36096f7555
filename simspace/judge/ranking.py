"""Hypotheses ranked: several runs of one scenario (one per variant, or several of one variant)
side by side — their fit scores, which run reproduces which reported fact with what observed
value, and the facts no run reproduces. `simspace compare` writes it as `ranking.json`;
`simspace.report.ranking` shows it."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from simspace.errors import UsageError
from simspace.judge.separation import separators
from simspace.judge.verdicts import Comparison, FactVerdict, Verdict, format_observed
from simspace.results.model import RunResult

RANKING_VERSION: Literal[3] = 3
"""2: runs have a `run_id` (verdicts are keyed by it, no longer by variant), a start time, an
engine and labels; fact rows have the observed values. 3: evidence over each hypothesis'
plausible parameter space, robust facts, and what separates the two best when they tie."""

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
    evidence_share: float | None = Field(
        None,
        description="share of the hypothesis' plausible parameter space (its fitted ranges) "
        "on which every scored fact is reproduced; null: not measured",
    )
    robust_facts: int | None = Field(
        None, description="reproduced facts labelled robust in this run; null: not checked"
    )


class Evidence(BaseModel):
    """One hypothesis played across its plausible parameter space (its fitted ranges)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    points: int = Field(description="points sampled (Latin hypercube over the fitted ranges)")
    reproducing: int = Field(description="points that reproduce every scored fact")
    parameters: list[str] = Field(description="the fitted fields varied, by path")
    population_scale: float = Field(description="the points' population scale (virtual time)")

    @property
    def share(self) -> float:
        return self.reproducing / self.points if self.points else 0.0


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

    version: Literal[3] = RANKING_VERSION
    scenario: str
    runs: list[RankedRun]
    facts: list[FactRow]
    reproduced_by_none: list[str]
    evidence: dict[str, Evidence] = Field(
        default_factory=dict, description="by variant: the hypothesis over its fitted ranges"
    )
    decided_by: str | None = Field(
        None,
        description="when the two best reproduce the same facts: what ranked one first (or "
        "that nothing did)",
    )
    separators: list[str] = Field(
        default_factory=list,
        description="observations on which the two best differ most: had one been reported, it "
        "would tell them apart",
    )


def rank(reports: Sequence[JudgedRun], evidence: Mapping[str, Evidence] | None = None) -> Ranking:
    """Order runs by the share of their hypothesis' plausible parameter space that reproduces
    every scored fact (when measured), then robust facts, fit score and reproduced facts; ties
    keep the given order. Runs of different scenarios cannot be ranked together (UsageError)."""
    if not reports:
        raise ValueError("nothing to rank")
    _require_one_scenario(reports)
    evidence = dict(evidence or {})
    keys = [_strength(r, evidence) for r in reports]
    order = sorted(range(len(reports)), key=lambda i: (*(-k for k in keys[i]), i))
    ids = run_ids([r.directory for r in reports])
    runs = [_ranked(position + 1, ids[i], reports[i], evidence) for position, i in enumerate(order)]
    facts = _fact_rows([(ids[i], reports[i].comparison) for i in order])
    nobody = [
        row.fact_id
        for row in facts
        if row.scored and all(v != "reproduced" for v in row.verdicts.values())
    ]
    decided_by, separated = _tie([reports[i] for i in order], evidence)
    return Ranking(
        scenario=reports[0].result.scenario, runs=runs, facts=facts, reproduced_by_none=nobody,
        evidence=evidence, decided_by=decided_by, separators=separated,
    )  # fmt: skip


def _variant(report: JudgedRun) -> str:
    return report.result.variant or "base"


def robust_facts(result: RunResult) -> int | None:
    """Reproduced facts labelled robust in the run (None: robustness was not checked)."""
    labels = result.robustness.facts if result.robustness is not None else None
    return None if labels is None else sum(label.label == "robust" for label in labels.values())


def _strength(report: JudgedRun, evidence: Mapping[str, Evidence]) -> tuple[float, ...]:
    found = evidence.get(_variant(report))
    share = found.share if found is not None else -1.0
    comparison = report.comparison
    robust = robust_facts(report.result) or 0
    return (share, robust, comparison.fit_score, comparison.reproduced)


def _apart(a: Evidence, b: Evidence) -> bool:
    """Whether two shares differ beyond sampling noise (two-proportion z-test at 95%)."""
    pooled = (a.reproducing + b.reproducing) / (a.points + b.points)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / a.points + 1 / b.points))
    return abs(a.share - b.share) > 1.96 * spread


def _tie(
    ordered: Sequence[JudgedRun], evidence: Mapping[str, Evidence]
) -> tuple[str | None, list[str]]:
    """When the two best reproduce the same facts: what put one first, and which observations
    would separate them."""
    if len(ordered) < 2:
        return None, []
    first, second = ordered[0], ordered[1]
    a, b = first.comparison, second.comparison
    if (a.fit_score, a.reproduced) != (b.fit_score, b.reproduced):
        return None, []
    names = f"{_variant(first)} and {_variant(second)}"
    same = f"{names} reproduce the same facts ({a.reproduced} of {a.scored})"
    strength_a, strength_b = _strength(first, evidence), _strength(second, evidence)
    if strength_a[0] != strength_b[0]:
        ea, eb = evidence[_variant(first)], evidence[_variant(second)]
        decided = (
            f"{same}; {_variant(first)} holds on {ea.share:.0%} of its plausible parameter "
            f"space ({ea.reproducing} of {ea.points} points), {_variant(second)} on "
            f"{eb.share:.0%} ({eb.reproducing} of {eb.points})"
        )
        if not _apart(ea, eb):
            decided += (
                ": within the sampling noise of so few points, so this does not decide either "
                "(more points: --evidence N)"
            )
    elif strength_a[1] != strength_b[1]:
        decided = (
            f"{same}; {_variant(first)} has more robust facts ({strength_a[1]} vs {strength_b[1]})"
        )
    else:
        decided = f"{same}, and nothing measured here ranks one first: the facts cannot decide"
    lines = [
        f"{s.label}: {' vs '.join(s.values)} ({_variant(first)} vs {_variant(second)})"
        for s in separators([first.result, second.result])
    ]
    return decided, lines


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
    return result.started_at or stamp_time(directory.name)


def stamp_time(name: str) -> str | None:
    """The UTC stamp a run directory is named with, ISO 8601: `20261130T074332Z-base` ->
    `2026-11-30T07:43:32Z`; None for another name."""
    if match := DIRECTORY_STAMP.match(name):
        try:
            stamp = datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ")
        except ValueError:
            return None
        return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _ranked(
    position: int, run_id: str, report: JudgedRun, evidence: Mapping[str, Evidence]
) -> RankedRun:
    result, comparison = report.result, report.comparison
    found = evidence.get(_variant(report))
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
        evidence_share=found.share if found is not None else None,
        robust_facts=robust_facts(result),
    )


def _fact_rows(judged: Sequence[tuple[str, Comparison]]) -> list[FactRow]:
    """One row per fact (matched by id, in the order the best run lists them, then any only
    later runs have), with each run's verdict and observed value. Facts about another event are
    context, not something a hypothesis reproduces: left out."""
    first: dict[str, FactVerdict] = {}
    verdicts: dict[str, dict[str, Verdict]] = {}
    observed: dict[str, dict[str, str]] = {}
    for run_id, comparison in judged:
        for verdict in comparison.verdicts:
            if verdict.verdict == "context":
                continue
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
