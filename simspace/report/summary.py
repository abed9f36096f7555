"""The rich summary a run ends with: what happened to the Spaces and the listeners (event scale)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.report.target_view import target_rows
from simspace.report.why import why_lines
from simspace.report.why_view import WhyView
from simspace.results.model import Percentiles, RunResult, SpaceRecord
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_duration_s, format_offset_s


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _duration(seconds: float) -> str:
    """Sub-second values in milliseconds (real targets answer in ms), others as 2m30s."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return format_duration_s(round(seconds, 1))


def _seconds(p: Percentiles) -> str:
    if p.count == 0 or p.p50 is None:
        return "n/a (nobody heard audio)"
    parts = [f"p50 {_duration(p.p50)}"]
    for label, value in (("p95", p.p95), ("p99", p.p99)):
        if value is not None:
            parts.append(f"{label} {_duration(value)}")
    return ", ".join(parts) + f" (n={p.count})"


def _space_text(space: SpaceRecord) -> str:
    """`live +7m33s, Ended at +1h2m, peak 18.6k listeners`."""
    live = "never live" if space.running_at is None else format_offset_s(round(space.running_at))
    ended = (
        ""
        if space.ended_at is None
        else (f", {space.end_state} at {format_offset_s(round(space.ended_at))}")
    )
    return f"live {live}{ended}, peak {format_approx_count(space.peak_listeners)} listeners"


def labels_text(labels: dict[str, str]) -> str:
    """`build=candidate, ticket=12`, or "" without labels."""
    return ", ".join(f"{key}={value}" for key, value in labels.items())


def utc_text(iso: str) -> str:
    """`2026-11-30T07:43:32Z` as people read it: `2026-11-30 07:43:32 UTC`."""
    return iso.replace("T", " ").removesuffix("Z") + " UTC"


def run_identity(result: RunResult) -> str:
    """Which run this is: `started 2026-11-30 07:43:32 UTC · revision 3f2a9c1-dirty · labels
    build=candidate`; the parts older results do not record are left out ("" if none)."""
    parts = []
    if result.started_at:
        parts.append(f"started {utc_text(result.started_at)}")
    if result.revision:
        parts.append(f"revision {result.revision}")
    if result.labels:
        parts.append(f"labels {labels_text(result.labels)}")
    return " · ".join(parts)


@dataclass(frozen=True)
class ResultSummary:
    """A finished run at event scale: status, what happened and why (given the scenario it
    played), target, Spaces, listeners, latency and errors."""

    result: RunResult
    scenario: Scenario | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        r, m = self.result, self.result.metrics
        status = {"completed": "green", "interrupted": "yellow"}.get(r.status, "red")
        yield f"[bold]{r.title}[/bold] [{status}]{r.status}[/{status}]" + (
            f": {r.failure}" if r.failure else ""
        )
        if identity := run_identity(r):
            yield Text(identity, style="dim")  # labels are the user's text, never markup
        if self.scenario is not None:
            yield WhyView(why_lines(self.scenario, r))
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        table.add_column("observed (event scale)")
        table.add_column("value")
        for label, text in target_rows(r):
            table.add_row(label, text)
        if r.stopped_early:
            table.add_row("stopped early", r.stopped_early)
        if r.observer.platform_observed:
            delay = (
                "never started"
                if m.start_delay_s is None
                else format_offset_s(round(m.start_delay_s))
            )
            table.add_row("start delay", delay)
        for space in r.spaces:
            where = space.room if space.room != "main" else space.host
            table.add_row(f"space {space.ordinal} ({where})", _space_text(space))
        peak_at = (
            "" if m.peak_listeners_at is None else f" at {format_offset_s(m.peak_listeners_at)}"
        )
        table.add_row("peak listeners", f"{format_approx_count(m.peak_listeners)}{peak_at}")
        table.add_row(
            "listeners",
            f"{format_approx_count(m.arrived)} arrived, "
            f"{format_approx_count(m.unique_listeners)} heard audio "
            f"({_ratio(m.join_success_ratio)}), {format_approx_count(m.gave_up)} gave up, "
            f"{format_approx_count(m.booted)} booted",
        )
        table.add_row("time to first audio", _seconds(m.ttfa_s))
        table.add_row("wait before audio", _seconds(m.wait_s))
        table.add_row("stalls per listener", _ratio(m.stall_ratio))
        by_tier = ", ".join(f"{t} {_ratio(v)}" for t, v in m.error_ratio_by_tier.items())
        table.add_row("error ratio", f"{_ratio(m.error_ratio)} ({by_tier or 'no requests'})")
        for message, weight in list(m.errors_seen.items())[:5]:
            table.add_row("  error seen", f"{message!r} x {format_approx_count(weight)}")
        yield table
        for warning in r.warnings:
            yield f"[yellow]warning:[/yellow] {warning}"
