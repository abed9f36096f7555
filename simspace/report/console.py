"""The verdict table a run ends with (a rich renderable); the plain-line form of the same
verdicts is `simspace.judge.wording`."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from simspace.judge.verdicts import Comparison, Verdict, format_observed
from simspace.judge.wording import (
    UNVERIFIED,
    VERDICT_LABEL,
    count_noun,
    fact_where,
    has_facts,
    reported_text,
    summary_line,
)

VERDICT_STYLE: dict[Verdict, str] = {
    "reproduced": "green",
    "not_reproduced": "red",
    "not_observable": "yellow",
    "claim": "dim",
    "context": "blue",
}


NARROW_WIDTH = 100
"""Below this many columns the verdicts are stacked (verdict, then the fact's lines), so that no
fact id or number is broken mid-word on an 80-column CI log."""


@dataclass(frozen=True)
class _Row:
    verdict: Text
    fact: Text
    reported: str
    observed: Text


def _rows(comparison: Comparison) -> list[_Row]:
    calendar = comparison.calendar
    rows = []
    for v in comparison.verdicts:
        fact = Text(v.fact_id)
        if where := fact_where(v, calendar):
            fact.append(f"\n{where}", style="dim")
        if v.sources_unverified:
            fact.append(f"\n{UNVERIFIED}", style="yellow")
        observed_value = format_observed(v, calendar if v.unit == "event_time" else None)
        observed = Text(observed_value + (count_noun(v) if v.observed is not None else ""))
        if v.reason:
            observed.append(f"\n{v.reason}", style="dim")
        if v.marginal:
            observed.append("\nmarginal: another run could flip it", style="yellow")
        if v.robustness:
            observed.append(f"\n{v.robustness}", style="cyan")
        verdict = Text(VERDICT_LABEL[v.verdict], style=VERDICT_STYLE[v.verdict])
        rows.append(_Row(verdict, fact, reported_text(v, calendar), observed))
    return rows


@dataclass(frozen=True)
class VerdictTable:
    """Each reported fact against the run: reported, observed, verdict; then the fit score.
    Nothing for a scenario without facts."""

    comparison: Comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if not has_facts(self.comparison):
            # Nothing to show: the gates lead (`GateTable` says there were no facts), so that a
            # gates-only CI run does not open on a fit score of nothing.
            return
        rows = _rows(self.comparison)
        narrow = options.max_width < NARROW_WIDTH
        yield _stacked(rows) if narrow else _wide(rows, console, options)
        yield Text(summary_line(self.comparison), style="bold")
        if self.comparison.robustness:
            yield Text(self.comparison.robustness, style="dim")


def _wide(rows: list[_Row], console: Console, options: ConsoleOptions) -> Table:
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, padding=(0, 1))
    table.add_column("fact", overflow="fold", ratio=2)
    table.add_column("reported", overflow="fold", ratio=2)
    table.add_column("observed", overflow="fold", ratio=3)
    table.add_column("verdict", no_wrap=True, min_width=14)
    for row in rows:
        table.add_row(row.fact, Text(row.reported), row.observed, row.verdict)
    # Too wide: fixed shares, so the observed column, which carries the reasons, gets the room.
    table.expand = Measurement.get(console, options, table).maximum >= options.max_width
    return table


def _stacked(rows: list[_Row]) -> Table:
    """Verdict, then the fact id on its own line and what was reported and observed below."""
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, padding=(0, 1))
    table.add_column("verdict", no_wrap=True)
    table.add_column("fact")
    for row in rows:
        text = row.fact.copy()
        text.stylize("bold", 0, len(text.plain.split("\n")[0]))
        text.append(f"\nreported {row.reported} · observed ")
        text.append_text(row.observed)
        table.add_row(row.verdict, text)
    return table
