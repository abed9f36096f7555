"""The ranking of `simspace compare` as shown: a console table and `ranking.html` (a page of the
shared shell, offline). The ranking itself is judged in `simspace.judge.ranking`. Runs are
labelled by variant, start time (UTC) and engine, so two runs of one variant are told apart."""

from __future__ import annotations

import os
from dataclasses import dataclass
from html import escape
from pathlib import Path

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.judge.ranking import FactRow, RankedRun, Ranking
from simspace.judge.wording import VERDICT_LABEL, fit_percent
from simspace.report.console import VERDICT_STYLE
from simspace.report.html.shell import page
from simspace.report.summary import labels_text, utc_text


def started_text(run: RankedRun) -> str:
    """`2026-11-30 07:43:32 UTC`, or `start unknown`."""
    return "start unknown" if run.started_at is None else utc_text(run.started_at)


def _verdict_cell(row: FactRow, run: RankedRun) -> Text:
    verdict = row.verdicts.get(run.run_id)
    if verdict is None:
        return Text("-")
    cell = Text(VERDICT_LABEL[verdict], style=VERDICT_STYLE[verdict])
    cell.append(f"\n{row.observed.get(run.run_id, 'n/a')}", style="dim")
    return cell


def _strength_cells(run: RankedRun) -> tuple[str, str]:
    held = "-" if run.evidence_share is None else f"{run.evidence_share:.0%}"
    return held, "-" if run.robust_facts is None else str(run.robust_facts)


def decision_lines(ranking: Ranking) -> list[str]:
    """How the hypotheses' parameter spaces were sampled, what decided a tie of the two best,
    and which observations would separate them."""
    lines = []
    for variant, evidence in ranking.evidence.items():
        lines.append(
            f"{variant}: every scored fact reproduced on {evidence.reproducing} of "
            f"{evidence.points} points of its fitted ranges ({', '.join(evidence.parameters)}; "
            f"scale 1/{1 / evidence.population_scale:.4g})"
        )
    if ranking.decided_by:
        lines.append(ranking.decided_by + ".")
    if ranking.separators:
        lines.append("What would separate them, had it been reported:")
        lines += [f"  - {line}" for line in ranking.separators]
    return lines


@dataclass(frozen=True)
class RankingTable:
    """The ranking and the fact × run matrix, for the console; every text from a scenario or a
    run is plain text, never markup."""

    ranking: Ranking

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        title = Text(f"hypotheses for {self.ranking.scenario}, best first")
        runs = Table(title=title, box=None)
        for column in ("#", "variant", "started", "engine", "fit", "reproduced",
                       "not observable", "space held", "robust", "run"):  # fmt: skip
            runs.add_column(column, overflow="fold")
        for run in self.ranking.runs:
            where = f"{run.status}: {run.directory}"
            if run.labels:
                where += f" [{labels_text(run.labels)}]"
            runs.add_row(str(run.rank), Text(run.variant), started_text(run), Text(run.engine),
                         fit_percent(run.fit_score), f"{run.reproduced}/{run.scored}",
                         str(run.not_observable), *_strength_cells(run),
                         Text(where))  # fmt: skip
        yield runs
        yield from (Text(line) for line in decision_lines(self.ranking))
        matrix = Table(box=None, show_header=True)
        matrix.add_column("fact", overflow="fold")
        for run in self.ranking.runs:
            header = Text(f"{run.variant}\n{started_text(run)}\n{run.engine}")
            matrix.add_column(header, overflow="fold")
        for row in self.ranking.facts:
            cells = [_verdict_cell(row, run) for run in self.ranking.runs]
            matrix.add_row(Text(row.fact_id + ("" if row.scored else " (claim)")), *cells)
        yield matrix
        if self.ranking.reproduced_by_none:
            yield Text("reproduced by no run: " + ", ".join(self.ranking.reproduced_by_none))


def _run_row(run: RankedRun, output_dir: Path) -> str:
    link = os.path.relpath(Path(run.directory) / "report.html", output_dir)
    return (
        f'<tr><td>{run.rank}</td><td><a href="{escape(link)}">{escape(run.variant)}</a></td>'
        f"<td>{escape(started_text(run))}</td><td>{escape(run.engine)}</td>"
        f"<td>{escape(labels_text(run.labels))}</td><td>{fit_percent(run.fit_score)}</td>"
        f"<td>{run.reproduced}/{run.scored}</td><td>{run.not_observable}</td>"
        + "".join(f"<td>{cell}</td>" for cell in _strength_cells(run))
        + f"<td>{escape(run.status)}</td></tr>"
    )


def _run_head(run: RankedRun) -> str:
    return (
        f"<th>{escape(run.variant)}<br><small>{escape(started_text(run))}<br>"
        f"{escape(run.engine)}</small></th>"
    )


def _fact_cell(row: FactRow, run: RankedRun) -> str:
    verdict = row.verdicts.get(run.run_id)
    if verdict is None:
        return "<td>-</td>"
    observed = escape(row.observed.get(run.run_id, "n/a"))
    return (
        f'<td><span class="badge {verdict}">{VERDICT_LABEL[verdict]}</span> '
        f"<small>{observed}</small></td>"
    )


def _fact_row(row: FactRow, runs: list[RankedRun]) -> str:
    cells = "".join(_fact_cell(row, run) for run in runs)
    claim = "" if row.scored else " <small>(claim)</small>"
    return (
        f"<tr><td><b>{escape(row.fact_id)}</b>{claim}<br><small>{escape(row.statement)}"
        f"</small></td>{cells}</tr>"
    )


def ranking_html(ranking: Ranking, output_dir: Path) -> str:
    """A small self-contained page; each run links to its own report.html (relative path)."""
    rows = "".join(_run_row(run, output_dir) for run in ranking.runs)
    head = "".join(_run_head(run) for run in ranking.runs)
    matrix = "".join(_fact_row(row, ranking.runs) for row in ranking.facts)
    nobody = ", ".join(escape(f) for f in ranking.reproduced_by_none) or "none"
    title = f"simspace: hypotheses for {ranking.scenario}"
    return page(
        title,
        f"<h1>{escape(title)}</h1>"
        '<h2>Ranking</h2><div class="scroll"><table><thead><tr><th>#</th><th>variant</th>'
        "<th>started</th><th>engine</th><th>labels</th><th>fit</th><th>reproduced</th>"
        "<th>not observable</th><th>space held</th><th>robust</th><th>status</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
        + "".join(f"<p>{escape(line)}</p>" for line in decision_lines(ranking))
        + f'<h2>Facts by run</h2><div class="scroll"><table><thead><tr><th>fact</th>{head}'
        f"</tr></thead><tbody>{matrix}</tbody></table></div>"
        f"<p>Scored facts no run reproduces: {nobody}</p>",
    )
