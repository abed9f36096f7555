"""The ranking of `simspace compare` as shown: a console table and `ranking.html` (a page of the
shared shell, offline). The ranking itself is judged in `simspace.judge.ranking`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from simspace.judge.ranking import Ranking
from simspace.judge.wording import VERDICT_LABEL
from simspace.report.console import VERDICT_STYLE
from simspace.report.html.shell import page


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
                cells.append(
                    f"[{VERDICT_STYLE[verdict]}]{VERDICT_LABEL[verdict]}[/]" if verdict else "-"
                )
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
            f'<td><span class="badge {row.verdicts[v]}">{VERDICT_LABEL[row.verdicts[v]]}'
            "</span></td>"
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
    return page(
        title,
        f"<h1>{escape(title)}</h1>"
        '<h2>Ranking</h2><div class="scroll"><table><thead><tr><th>#</th><th>variant</th>'
        "<th>fit</th><th>reproduced</th><th>not observable</th><th>status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        f'<h2>Facts by variant</h2><div class="scroll"><table><thead><tr><th>fact</th>{head}'
        f"</tr></thead><tbody>{''.join(matrix)}</tbody></table></div>"
        f"<p>Scored facts no variant reproduces: {nobody}</p>",
    )
