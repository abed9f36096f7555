"""`simspace diff` in the console: two runs metric by metric (a rich renderable), the plain line
of each regression for logs, and how each unit of a metric is printed."""

from __future__ import annotations

from dataclasses import dataclass

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.judge.diff import Change, MetricDelta, RunDiff
from simspace.units import format_approx_count, format_duration_s

CHANGE_STYLE: dict[Change, str] = {"better": "green", "worse": "red", "same": "dim", "n/a": "dim"}


def format_value(unit: str, value: float | None) -> str:
    """A metric's value in its unit: `2.345s`, `1.2M`, `0.4%`, `950 req/s`; `-` when missing."""
    if value is None:
        return "-"
    if unit == "s":
        return format_duration_s(value)
    if unit == "ratio":
        return f"{value * 100:.2f}%"
    if unit == "rps":
        return f"{format_approx_count(value)} req/s"
    return format_approx_count(value)


def format_delta(row: MetricDelta) -> str:
    """`+1.2s (+35%)`, `-0.40% (-20%)`: the change in the metric's unit, and relative to the base
    when it has one (a ratio's change is in percentage points)."""
    if row.delta is None:
        return "-"
    if row.delta == 0:
        return "0"
    sign = "+" if row.delta >= 0 else "-"
    change = sign + format_value(row.unit, abs(row.delta))
    if row.relative is None:
        return change
    return f"{change} ({row.relative * 100:+.0f}%)"


def regression_line(row: MetricDelta, max_regression: float | None) -> str:
    """`REGRESSED ttfa_s.p95: 2.1s -> 3.4s (+1.3s (+62%)), threshold 10%`."""
    threshold = "" if max_regression is None else f", threshold {max_regression * 100:g}%"
    moved = (
        "no value in the new run"
        if row.new is None
        else f"{format_value(row.unit, row.base)} -> {format_value(row.unit, row.new)} "
        f"({format_delta(row)})"
    )
    return f"REGRESSED {row.metric}: {moved}{threshold}"


def summary_line(diff: RunDiff) -> str:
    """One line saying whether the new run held the line against the base."""
    against = f"{diff.new_run} against {diff.base_run}"
    if diff.max_regression is None:
        return f"{against}: no threshold, nothing gated"
    threshold = f"{diff.max_regression * 100:g}%"
    if not diff.regressions:
        return f"{against}: no gated metric regressed beyond {threshold}"
    n = len(diff.regressions)
    return f"{against}: {n} gated metric{'s' if n > 1 else ''} regressed beyond {threshold}"


@dataclass(frozen=True)
class DiffTable:
    """Each metric of two runs: base, new, the change and which way it went; then the summary."""

    diff: RunDiff

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False, padding=(0, 1))
        table.add_column("metric", overflow="fold")
        table.add_column(self.diff.base_run, justify="right", overflow="fold")
        table.add_column(self.diff.new_run, justify="right", overflow="fold")
        table.add_column("change", justify="right", overflow="fold")
        table.add_column("", no_wrap=True)
        for row in self.diff.rows:
            metric = Text(row.label)
            metric.append(f"\n{row.metric}", style="dim")
            verdict = Text(row.change, style=CHANGE_STYLE[row.change])
            if row.regressed:
                verdict = Text("REGRESSED", style="bold red")
            table.add_row(
                metric,
                format_value(row.unit, row.base),
                format_value(row.unit, row.new),
                format_delta(row),
                verdict,
            )
        yield table
        style = "bold red" if self.diff.regressions else "bold green"
        yield Text(summary_line(self.diff), style=style)
