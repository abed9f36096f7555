"""The rich summary a run ends with: what happened to the Spaces and the listeners (event scale),
every figure with its unit and counts as `format_approx_count` prints them (`2.09M`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.report.target_view import target_rows
from simspace.report.why import why_lines
from simspace.report.why_view import WhyView
from simspace.results.model import Metrics, Percentiles, RunResult, SpaceRecord
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_duration_s, format_offset_s

ERRORS_SHOWN = 5
"""Error texts listed in the summary, most failed requests first; report.html lists them all."""


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _duration(seconds: float) -> str:
    """Sub-second values in milliseconds (real targets answer in ms), others as 2m30s."""
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    return format_duration_s(round(seconds, 1))


def _seconds(p: Percentiles) -> str:
    """`p50 244ms, p95 8.1s, p99 9.4s (5736 simulated listeners)`: the count is of the listeners
    simulated, not of the event's (each stands for many)."""
    if p.count == 0 or p.p50 is None:
        return "n/a (nobody heard audio)"
    parts = [f"p50 {_duration(p.p50)}"]
    for label, value in (("p95", p.p95), ("p99", p.p99)):
        if value is not None:
            parts.append(f"{label} {_duration(value)}")
    return ", ".join(parts) + f" ({p.count} simulated listener{'s' if p.count != 1 else ''})"


def _space_text(space: SpaceRecord) -> str:
    """`live at +7m33s, ended at +1h2m, peak 18.6k listeners`."""
    if space.running_at is None:
        live = "never live"
    else:
        live = f"live at {format_offset_s(round(space.running_at))}"
    ended = ""
    if space.ended_at is not None:
        state = "" if space.end_state in (None, "Ended") else f" ({space.end_state})"
        ended = f", ended{state} at {format_offset_s(round(space.ended_at))}"
    return f"{live}{ended}, peak {format_approx_count(space.peak_listeners)} listeners"


def _start_delay(delay_s: float | None) -> str:
    """`40m17s after the scheduled start`, `1m before the scheduled start`, `never went live`."""
    if delay_s is None:
        return "never went live"
    rounded_s = round(delay_s)
    if rounded_s == 0:
        return "on time (at the scheduled start)"
    side = "after" if rounded_s > 0 else "before"
    return f"{format_duration_s(abs(rounded_s))} {side} the scheduled start"


def _listeners(m: Metrics) -> str:
    """`2.2M listeners arrived: 2.09M heard audio (95.2%), 53.7k gave up (2.4%), 365 booted`."""
    gave_up = f"{format_approx_count(m.gave_up)} gave up"
    if m.gave_up_ratio is not None:
        gave_up += f" ({_ratio(m.gave_up_ratio)})"
    return (
        f"{format_approx_count(m.arrived)} listeners arrived: "
        f"{format_approx_count(m.unique_listeners)} heard audio ({_ratio(m.join_success_ratio)}), "
        f"{gave_up}, {format_approx_count(m.booted)} booted"
    )


def _error_ratio(m: Metrics) -> str:
    """`8.4% of the listeners' requests failed (of each tier's own: api 54.7%, cdn 0.0%)`: the
    whole is weighted by each tier's share of the requests, so it says what it is."""
    if m.error_ratio is None:
        return "n/a (no requests)"
    by_tier = ", ".join(f"{t} {_ratio(v)}" for t, v in m.error_ratio_by_tier.items())
    text = f"{_ratio(m.error_ratio)} of the listeners' requests failed"
    return text + (f" (of each tier's own: {by_tier})" if by_tier else "")


def _observed_rows(r: RunResult) -> list[tuple[str, str]]:
    """(label, text) rows of what the run observed, every figure with its unit."""
    m = r.metrics
    rows = list(target_rows(r))
    if r.stopped_early:
        rows.append(("stopped early", r.stopped_early))
    if r.observer.platform_observed:
        rows.append(("start delay", _start_delay(m.start_delay_s)))
    for space in r.spaces:
        where = space.room if space.room != "main" else space.host
        rows.append((f"space {space.ordinal} ({where})", _space_text(space)))
    at = "" if m.peak_listeners_at is None else f" at {format_offset_s(m.peak_listeners_at)}"
    rows.append(("peak listeners", f"{format_approx_count(m.peak_listeners)} listeners{at}"))
    rows.append(("listeners", _listeners(m)))
    rows.append(("time to first audio", _seconds(m.ttfa_s)))
    rows.append(("wait before audio", _seconds(m.wait_s)))
    rows.append(("stalls per listener", _ratio(m.stall_ratio)))
    rows.append(("error ratio", _error_ratio(m)))
    for message, weight in list(m.errors_seen.items())[:ERRORS_SHOWN]:
        rows.append(
            ("  listeners saw", f"{message!r} on {format_approx_count(weight)} failed requests")
        )
    if len(m.errors_seen) > ERRORS_SHOWN:
        rows.append(("  and", f"{len(m.errors_seen) - ERRORS_SHOWN} more messages (report.html)"))
    return rows


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
        r = self.result
        status = {"completed": "green", "interrupted": "yellow"}.get(r.status, "red")
        # titles, failures, labels, error texts and warnings are text, never markup
        yield Text.assemble(
            (r.title, "bold"), " ", (r.status, status), f": {r.failure}" if r.failure else ""
        )
        if identity := run_identity(r):
            yield Text(identity, style="dim")
        if self.scenario is not None:
            yield WhyView(why_lines(self.scenario, r))
        table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
        table.add_column("observed (event scale)")
        table.add_column("value")
        for label, text in _observed_rows(r):
            table.add_row(label, Text(text))
        yield table
        for warning in r.warnings:
            yield Text.assemble(("warning:", "yellow"), f" {warning}")
