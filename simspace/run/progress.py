"""The live console view of a run: a progress bar on the event clock with the wall time left, the
Space state, listeners by state, the load sent and the platform, refreshed once a second; and
the plain line printed instead where there is no terminal (CI logs). Every figure names its
scale: listeners and the platform's requests are event scale, the load sent is real requests."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from rich.console import Console, ConsoleOptions, RenderResult
from rich.progress import BarColumn, Progress, TaskID, TaskProgressColumn, TextColumn
from rich.table import Table
from rich.text import Text

from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_duration_s, format_offset_s
from simspace.wire.ground_truth import PlatformState, TierState

if TYPE_CHECKING:  # only for the annotation: backends import nothing from here
    from simspace.run.backends import Backend

TIMES_CAPACITY_ABOVE = 2.0
"""Utilisation above this is shown as a multiple (`17x capacity`), below as a percentage."""
LISTENERS_LABEL = "listeners (event scale)"
LOAD_LABEL = "load (real requests)"
PLAYED_LABEL = "load (played in process)"
PLATFORM_LABEL = "platform (event scale)"
STARTING = "starting"
"""What the Space and platform read until the platform has answered."""
NO_ANSWER = "no answer this second"
"""Shown for Spaces and tiers when a platform that answered before did not this time."""


def event_clock_text(scenario: Scenario, t: float) -> str:
    """`20:14:30 EDT (+14m30s)`: the event's own wall clock and the offset from its start."""
    event = scenario.event
    start = datetime.combine(event.date, event.scheduled_start, tzinfo=ZoneInfo(event.time_zone))
    at = start + timedelta(seconds=t)
    return f"{at:%H:%M:%S %Z} ({format_offset_s(round(t))})"


def load_text(utilisation: float) -> str:
    """A tier's offered load against its capacity: `load 67% of capacity` up to 200%, then a
    multiple, `load 2.4x capacity`, `load 17x capacity` (a percentage in the thousands reads
    badly)."""
    if utilisation <= TIMES_CAPACITY_ABOVE:
        return f"load {utilisation:.0%} of capacity"
    times = f"{utilisation:.1f}" if utilisation < 10 else f"{utilisation:.0f}"
    return f"load {times}x capacity"


def tier_text(name: str, tier: TierState) -> str:
    """`api load 16x capacity, 276M requests rejected, 24.4M timed out` (event-scale requests,
    totals so far); a tier that has neither rejected nor timed out any shows its load only."""
    parts = [f"{name} {load_text(tier.utilisation)}"]
    rejected = sum(tier.rejected.values())
    if rejected or tier.timeouts:
        parts.append(f"{format_approx_count(rejected)} requests rejected")
        parts.append(f"{format_approx_count(tier.timeouts)} timed out")
    return ", ".join(parts)


def wall_left_text(wall_left_s: float | None) -> str:
    """`2m37s left`, or `starting` while the time left is not known yet."""
    if wall_left_s is None:
        return "starting"
    return f"{format_duration_s(round(max(0.0, wall_left_s)))} left"


def links_view(links: list[tuple[str, str]]) -> Table:
    """What can be read over HTTP while the run goes, one `what  URL` row each."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")  # a URL is one word: folded only if wider than the console
    for what, url in links:
        table.add_row(what, url)
    return table


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
    platform_note: str = STARTING
    """Shown for Spaces and tiers while the backend gives no live platform state."""
    t_begin: float | None = None
    speedup: float | None = None
    """Event seconds per wall second where the event clock follows the wall clock; None: the
    wall time left is estimated from the progress made so far (the virtual engine)."""
    real_requests: bool = True
    """The load is HTTP requests a load generator sends (False: the virtual engine plays them
    in process, and has no generator CPU to show)."""
    wall_s: Callable[[], float] = time.monotonic
    _requests_total: float = 0.0
    _updated_s: float | None = None
    """Monotonic wall time of the previous update: the rate is per wall second even when
    updates come further apart (the virtual engine updates between slices)."""
    _first: tuple[float, float] | None = None
    """(wall, event time) of the first update: the pace for the wall time left."""
    _answered: bool = False

    async def update(self, t: float, backend: Backend) -> None:
        observations = backend.observations()
        self.t = t
        self.presence = observations.presence_at(t)
        self.counts = dict(observations.counts)
        total = sum(v[0] + v[1] for v in observations.requests.values())
        now_s = self.wall_s()
        elapsed_s = now_s - self._updated_s if self._updated_s is not None else 1.0
        sent = total - self._requests_total
        self.requests_per_s = sent / elapsed_s if elapsed_s > 0 else 0.0
        self._requests_total, self._updated_s = total, now_s
        if self._first is None:
            self._first = (now_s, t)
        self.generator_cpu_percent = backend.sample_cpu()
        self.platform = await backend.live_state()
        self._answered = self._answered or self.platform is not None

    @property
    def begin(self) -> float:
        return self.scenario.window.start if self.t_begin is None else self.t_begin

    def fraction(self) -> float:
        """How far the event clock is through the plan's window, 0..1."""
        span = self.t_end - self.begin
        if span <= 0:
            return 1.0
        return min(1.0, max(0.0, (self.t - self.begin) / span))

    def wall_left_s(self) -> float | None:
        """Wall seconds until the event clock reaches the window's end: exact where it follows
        the wall clock, else at the pace so far (None until there is one)."""
        left_t = max(0.0, self.t_end - self.t)
        if self.speedup:
            return left_t / self.speedup
        if self._first is None or self._updated_s is None:
            return None
        wall0, t0 = self._first
        elapsed_s, done_t = self._updated_s - wall0, self.t - t0
        if elapsed_s <= 0 or done_t <= 0:
            return None
        return left_t / (done_t / elapsed_s)

    def _note(self) -> str:
        return NO_ANSWER if self._answered else self.platform_note

    def _spaces(self) -> str:
        if self.platform is None:
            return self._note()
        if not self.platform.spaces:
            return "none yet"
        return ", ".join(f"{s.host}: {s.state}" for s in self.platform.spaces)

    def _tiers(self) -> list[str]:
        if self.platform is None:
            return [self._note()]
        return [tier_text(name, tier) for name, tier in self.platform.tiers.items()]

    def _listeners(self, *, booted: bool) -> str:
        parts = [
            f"{format_approx_count(self.presence.get('waiting', 0.0))} waiting",
            f"{format_approx_count(self.presence.get('listening', 0.0))} listening",
            f"{format_approx_count(self.counts.get('gave_up', 0.0))} gave up",
        ]
        if booted:
            parts.append(f"{format_approx_count(self.counts.get('booted', 0.0))} booted")
        return ", ".join(parts)

    def _load(self) -> tuple[str, str]:
        """(label, text) of the load row: what was sent (or played) in the last wall second."""
        rate = format_approx_count(round(self.requests_per_s))
        if not self.real_requests:
            return PLAYED_LABEL, f"{rate} requests a wall second"
        return LOAD_LABEL, f"{rate} req/s sent"

    def _progress_text(self) -> str:
        return f"{self.fraction():.0%}, {wall_left_text(self.wall_left_s())}"

    def line(self) -> Text:
        """The plain status for logs and non-terminal consoles: one line where the console is
        wide enough, else wrapped between words. The Spaces and the platform are left out
        until the platform has answered."""
        parts = [
            f"{event_clock_text(self.scenario, self.t)} {self._progress_text()}",
            f"{LISTENERS_LABEL}: {self._listeners(booted=False)}",
            ": ".join(self._load()),
        ]
        if self.platform is not None:
            parts.insert(1, f"space {self._spaces()}")
            parts.append(f"{PLATFORM_LABEL}: {'; '.join(self._tiers())}")
        elif self.platform_note != STARTING:  # a backend with no platform state says why
            parts.append(f"platform: {self.platform_note}")
        return Text(" | ".join(parts))

    def bar(self) -> Table:
        """The rich progress bar on the event clock, its percentage and the wall time left."""
        progress = Progress(
            BarColumn(bar_width=None),
            TaskProgressColumn(),
            TextColumn("{task.fields[left]}"),
            expand=True,
            auto_refresh=False,
            get_time=self.wall_s,
        )
        task: TaskID = progress.add_task(
            "event time", total=1.0, left=wall_left_text(self.wall_left_s())
        )
        progress.update(task, completed=self.fraction())
        return progress.make_tasks_table(progress.tasks)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        table.add_row("event time", event_clock_text(self.scenario, self.t))
        table.add_row("", self.bar())
        table.add_row("space", self._spaces())
        table.add_row(LISTENERS_LABEL, self._listeners(booted=True))
        label, load = self._load()
        if self.real_requests:
            load += f", generator CPU {self.generator_cpu_percent:.0f}% of a core"
        table.add_row(label, load)
        table.add_row(PLATFORM_LABEL, "\n".join(self._tiers()))
        yield table
