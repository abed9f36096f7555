"""The verdict table a run ends with (a rich renderable), and the same verdicts as plain lines
for logs and CI: `NOT REPRODUCED start_delay: observed 12m, reported 41m..42m (tolerance 5m)`."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from simspace.report.verdicts import (
    Comparison,
    EventCalendar,
    FactVerdict,
    Verdict,
    clock_time,
    format_observed,
    format_reported,
    format_tolerance,
    format_value,
)

VERDICT_STYLE: dict[Verdict, str] = {
    "reproduced": "green",
    "not_reproduced": "red",
    "not_observable": "yellow",
    "claim": "dim",
}
VERDICT_LABEL: dict[Verdict, str] = {
    "reproduced": "reproduced",
    "not_reproduced": "not reproduced",
    "not_observable": "not observable",
    "claim": "claim",
}


def _when(t: float, calendar: EventCalendar | None) -> str:
    text = format_value("event_time", t)
    return f"{text} ({clock_time(t, calendar)})" if calendar else text


def fact_where(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """When a fact is about, if it names a moment or a window: `at +40m`, `in 0s..+30m`."""
    if verdict.window_start is not None and verdict.window_end is not None:
        start, end = verdict.window_start, verdict.window_end
        return f"in {format_value('event_time', start)}..{format_value('event_time', end)}"
    at_metric = verdict.metric in ("waiting_listeners_at", "concurrent_listeners_at")
    return f"at {_when(verdict.at, calendar)}" if at_metric and verdict.at is not None else ""


def reported_text(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """The reported value with its tolerance: `41m..42m ± 5m`, `>= 878k ± 15%`."""
    tolerance = format_tolerance(verdict)
    text = format_reported(verdict, calendar)
    return f"{text} ± {tolerance}" if tolerance else text


def summary_line(comparison: Comparison) -> str:
    """`fit 0.33: 3 of 9 scored facts reproduced, 1 not observable; 2 claims not scored`."""
    c = comparison
    if not c.scored and not c.claims:
        return "no reported facts to compare (the scenario has none)"
    text = f"fit {c.fit_score:.2f}: {c.reproduced} of {c.scored} scored facts reproduced"
    if c.not_observable:
        text += f", {c.not_observable} not observable"
    if c.claims:
        text += f"; {c.claims} claim{'s' if c.claims != 1 else ''} not scored"
    return text


@dataclass(frozen=True)
class VerdictTable:
    """Each reported fact against the run: reported, observed, verdict; then the fit score."""

    comparison: Comparison

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        calendar = self.comparison.calendar
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, padding=(0, 1))
        table.add_column("fact", overflow="fold", ratio=2)
        table.add_column("reported", overflow="fold", ratio=2)
        table.add_column("observed", overflow="fold", ratio=3)
        table.add_column("verdict", no_wrap=True, min_width=14)
        for v in self.comparison.verdicts:
            fact = Text(v.fact_id)
            if where := fact_where(v, calendar):
                fact.append(f"\n{where}", style="dim")
            observed = Text(format_observed(v, calendar if v.unit == "event_time" else None))
            if v.reason:
                observed.append(f"\n{v.reason}", style="dim")
            style = VERDICT_STYLE[v.verdict]
            table.add_row(
                fact,
                Text(reported_text(v, calendar)),
                observed,
                Text(VERDICT_LABEL[v.verdict], style=style),
            )
        # Too wide: fixed shares, so the observed column, which carries the reasons, gets the room.
        table.expand = Measurement.get(console, options, table).maximum >= options.max_width
        yield table
        yield Text(summary_line(self.comparison), style="bold")


def verdict_line(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """One fact as one plain line: verdict, id, observed, reported and tolerance."""
    v = verdict
    label = VERDICT_LABEL[v.verdict].upper()
    tolerance = format_tolerance(v)
    reported = f"reported {format_reported(v, calendar)}" + (
        f" (tolerance {tolerance})" if tolerance else ""
    )
    if v.verdict == "claim":
        return f"{label} {v.fact_id}: {reported}; {v.reason}"
    where = fact_where(v, calendar)
    observed = f"observed {format_observed(v, calendar if v.unit == 'event_time' else None)}"
    observed += f" {where}" if where else ""
    if v.verdict == "not_observable":
        seen = f"observed {format_observed(v)}; " if v.observed is not None else ""
        return f"{label} {v.fact_id}: {seen}{v.reason or 'no data'}; {reported}"
    if v.unit == "seen":
        return f"{label} {v.fact_id}: {v.detail or format_observed(v)}, {reported}"
    observed += f" ({v.reason})" if v.reason else ""
    return f"{label} {v.fact_id}: {observed}, {reported}"


def verdict_lines(comparison: Comparison) -> list[str]:
    """Every fact as a plain line, then the fit score line."""
    lines = [verdict_line(v, comparison.calendar) for v in comparison.verdicts]
    return [*lines, summary_line(comparison)]
