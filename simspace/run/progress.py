"""The live console view of a run: event clock, Space state, listeners by state, load and
platform, refreshed from the backend once a second."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_offset_s
from simspace.wire.ground_truth import PlatformState

if TYPE_CHECKING:  # only for the annotation: backends import nothing from here
    from simspace.run.backends import Backend


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
    platform: PlatformState | None = None
    requests_per_s: float = 0.0
    generator_cpu_percent: float = 0.0
    platform_note: str = "?"
    """Shown for Spaces and tiers while the backend gives no live platform state."""
    t_begin: float | None = None
    _requests_total: float = 0.0
    _updated_s: float | None = None
    """Monotonic wall time of the previous update: the rate is per wall second even when
    updates come further apart (the virtual engine updates between slices)."""

    async def update(self, t: float, backend: Backend) -> None:
        observations = backend.observations()
        self.t = t
        self.presence = observations.presence_at(t)
        self.counts = dict(observations.counts)
        total = sum(v[0] + v[1] for v in observations.requests.values())
        now_s = time.monotonic()
        elapsed_s = now_s - self._updated_s if self._updated_s is not None else 1.0
        sent = total - self._requests_total
        self.requests_per_s = sent / elapsed_s if elapsed_s > 0 else 0.0
        self._requests_total, self._updated_s = total, now_s
        self.generator_cpu_percent = backend.sample_cpu()
        self.platform = await backend.live_state()

    def _spaces(self) -> str:
        if self.platform is None or not self.platform.spaces:
            return self.platform_note
        return ", ".join(f"{s.host}: {s.state}" for s in self.platform.spaces)

    def _tiers(self) -> str:
        if self.platform is None:
            return self.platform_note
        parts = [
            f"{name} {tier.utilisation:.0%} util, "
            f"{format_approx_count(sum(tier.rejected.values()))} rejected, "
            f"{format_approx_count(tier.timeouts)} timed out"
            for name, tier in self.platform.tiers.items()
        ]
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
