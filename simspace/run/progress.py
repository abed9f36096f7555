"""The live console line of a run: event clock, Space state, listeners by state, load and errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_offset_s


def event_clock_text(scenario: Scenario, t: float) -> str:
    """`20:14:30 EDT (+14m30s)`: the event's own wall clock and the offset from its start."""
    event = scenario.event
    start = datetime.combine(event.date, event.scheduled_start, tzinfo=ZoneInfo(event.time_zone))
    at = start + timedelta(seconds=t)
    return f"{at:%H:%M:%S %Z} ({format_offset_s(round(t))})"


@dataclass
class ProgressView:
    """What the console shows while a run is going; updated once a second."""

    scenario: Scenario
    t: float = 0.0
    t_end: float = 0.0
    presence: dict[str, float] = field(default_factory=dict)
    counts: dict[str, float] = field(default_factory=dict)
    server: dict[str, Any] = field(default_factory=dict)
    requests_per_s: float = 0.0
    generator_cpu_percent: float = 0.0
    target: str = ""  # a real target's URL: no stub to ask about Spaces and tiers
    t_begin: float | None = None

    def _spaces(self) -> str:
        if self.target:
            return f"(real target {self.target})"
        spaces = self.server.get("spaces")
        if not isinstance(spaces, list) or not spaces:
            return "?"
        return ", ".join(
            f"{s.get('host', '?')}: {s.get('state', '?')}" for s in spaces if isinstance(s, dict)
        )

    def _tiers(self) -> str:
        if self.target:
            return "(real target: seen from the listeners only)"
        tiers = self.server.get("tiers")
        if not isinstance(tiers, dict):
            return "?"
        parts = []
        for name, tier in tiers.items():
            if isinstance(tier, dict):
                util = float(tier.get("utilisation", 0.0) or 0.0)
                reasons = tier.get("rejected")
                rejected = sum(reasons.values()) if isinstance(reasons, dict) else 0.0
                timeouts = float(tier.get("timeouts", 0.0) or 0.0)
                parts.append(
                    f"{name} {util:.0%} util, {format_approx_count(rejected)} rejected, "
                    f"{format_approx_count(timeouts)} timed out"
                )
        return "; ".join(parts) or "?"

    def line(self) -> str:
        """One plain line for logs and non-terminal consoles."""
        return (
            f"{event_clock_text(self.scenario, self.t)} | space {self._spaces()} | "
            f"waiting {format_approx_count(self.presence.get('waiting', 0.0))} "
            f"listening {format_approx_count(self.presence.get('listening', 0.0))} "
            f"gave up {format_approx_count(self.counts.get('gave_up', 0.0))} | "
            f"{self.requests_per_s:.0f} req/s | {self._tiers()}"
        )

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        done, begin = 0.0, self.scenario.window.start if self.t_begin is None else self.t_begin
        if self.t_end > begin:
            done = (self.t - begin) / (self.t_end - begin)
        table.add_row("event time", f"{event_clock_text(self.scenario, self.t)}  {done:.0%}")
        table.add_row("space", self._spaces())
        table.add_row(
            "listeners",
            f"waiting {format_approx_count(self.presence.get('waiting', 0.0))}, "
            f"listening {format_approx_count(self.presence.get('listening', 0.0))}, "
            f"gave up {format_approx_count(self.counts.get('gave_up', 0.0))}, "
            f"booted {format_approx_count(self.counts.get('booted', 0.0))}",
        )
        table.add_row(
            "load",
            f"{self.requests_per_s:.0f} real req/s, generator CPU "
            f"{self.generator_cpu_percent:.0f}%",
        )
        table.add_row("platform", self._tiers())
        yield table
