"""Hypotheses ranked: several runs of one scenario (one per variant) side by side — which
variant reproduces which reported facts, their fit scores, and the facts no variant reproduces.
Written by `simspace compare` as `ranking.json` and `ranking.html` (self-contained, offline)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from pydantic import BaseModel, ConfigDict
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from simspace.judge.verdicts import Verdict
from simspace.report.html.page import CSS
from simspace.report.outputs import RunReport

_STYLE = {
    "reproduced": "green",
    "not_reproduced": "red",
    "not_observable": "yellow",
    "claim": "dim",
}
_TEXT = {
    "reproduced": "reproduced",
    "not_reproduced": "not reproduced",
    "not_observable": "not observable",
    "claim": "claim",
}


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


def rank(reports: list[RunReport]) -> Ranking:
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


@dataclass(frozen=True)
class RankingTable:
    """The ranking and the fact × variant matrix, for the console."""

    ranking: Ranking

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        runs = Table(title=f"hypotheses for {self.ranking.scenario}, best first", box=None)
        for column in ("#", "variant", "fit", "reproduced", "not observable", "run"):
            runs.add_column(column, overflow="fold")
        for run in self.ranking.runs:
            runs.add_row(str(run.rank), run.variant, f"{run.fit_score:.2f}",
                         f"{run.reproduced}/{run.scored}", str(run.not_observable),
                         f"{run.status}: {run.directory}")  # fmt: skip
        yield runs
        matrix = Table(box=None, show_header=True)
        matrix.add_column("fact", overflow="fold")
        variants = [run.variant for run in self.ranking.runs]
        for variant in variants:
            matrix.add_column(variant, overflow="fold")
        for row in self.ranking.facts:
            cells = []
            for variant in variants:
                verdict = row.verdicts.get(variant)
                cells.append(f"[{_STYLE[verdict]}]{_TEXT[verdict]}[/]" if verdict else "-")
            matrix.add_row(row.fact_id + ("" if row.scored else " (claim)"), *cells)
        yield matrix
        if self.ranking.reproduced_by_none:
            yield "reproduced by no variant: " + ", ".join(self.ranking.reproduced_by_none)


def ranking_html(ranking: Ranking, output_dir: Path) -> str:
    """A small self-contained page; each run links to its own report.html (relative path)."""
    rows = []
    for run in ranking.runs:
        link = os.path.relpath(Path(run.directory) / "report.html", output_dir)
        rows.append(
            f'<tr><td>{run.rank}</td><td><a href="{escape(link)}">{escape(run.variant)}</a>'
            f"</td><td>{run.fit_score:.2f}</td><td>{run.reproduced}/{run.scored}</td>"
            f"<td>{run.not_observable}</td><td>{escape(run.status)}</td></tr>"
        )
    variants = [run.variant for run in ranking.runs]
    head = "".join(f"<th>{escape(v)}</th>" for v in variants)
    matrix = []
    for row in ranking.facts:
        cells = "".join(
            f'<td><span class="badge {row.verdicts[v]}">{_TEXT[row.verdicts[v]]}</span></td>'
            if v in row.verdicts
            else "<td>-</td>"
            for v in variants
        )
        claim = "" if row.scored else " <small>(claim)</small>"
        matrix.append(
            f"<tr><td><b>{escape(row.fact_id)}</b>{claim}<br><small>{escape(row.statement)}"
            f"</small></td>{cells}</tr>"
        )
    nobody = ", ".join(escape(f) for f in ranking.reproduced_by_none) or "none"
    title = f"simspace: hypotheses for {ranking.scenario}"
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" '
        "content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">"
        '<link rel="icon" href="data:,">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body><main>"
        f"<h1>{escape(title)}</h1>"
        '<h2>Ranking</h2><div class="scroll"><table><thead><tr><th>#</th><th>variant</th>'
        "<th>fit</th><th>reproduced</th><th>not observable</th><th>status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<h2>Facts by variant</h2><div class="scroll"><table><thead><tr><th>fact</th>{head}'
        f"</tr></thead><tbody>{''.join(matrix)}</tbody></table></div>"
        f"<p>Scored facts no variant reproduces: {nobody}</p>"
        "</main></body></html>\n"
    )
