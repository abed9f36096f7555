"""A short rich summary of a loaded scenario, as `simspace validate` prints it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.table import Table

from simspace.scenario.loader import LoadedScenario
from simspace.units import format_count, format_offset_s


@dataclass(frozen=True)
class ScenarioSummary:
    """Renders itself: event, window, audience, speakers, facts, variants, gates."""

    loaded: LoadedScenario

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        s = self.loaded.scenario
        variant = f" [variant {self.loaded.variant}]" if self.loaded.variant else ""
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()

        def add(label: str, value: str) -> None:
            table.add_row(label, escape(value))

        start = f"{s.event.date} {s.event.scheduled_start:%H:%M} {s.event.time_zone}"
        add("event", f"{s.event.title} ({s.event.name}), scheduled {start}")
        add("window", f"{format_offset_s(s.window.start)} .. {format_offset_s(s.window.end)}")
        points = s.audience.arrivals.points
        peak = max(points, key=lambda p: p.count)
        add(
            "audience",
            f"{s.audience.arrivals.kind} curve, {len(points)} points, up to "
            f"{format_count(peak.count)} at {format_offset_s(peak.at)}",
        )
        add(
            "speakers",
            ", ".join(
                f"{sp.name} ({sp.role}{', priority' if sp.priority else ''})" for sp in s.speakers
            ),
        )
        tiers = ", ".join(
            f"{name} {format_count(t.capacity_rps)} req/s" for name, t in s.platform.tiers.items()
        )
        add("platform", f"{tiers}; {len(s.platform.failure_rules)} failure rule(s)")
        add(
            "timeline",
            f"{len(s.operator_actions)} operator action(s), {len(s.attacks)} attack(s)",
        )
        scored = sum(1 for f in s.facts if f.scored)
        add("facts", f"{scored} scored, {len(s.facts) - scored} claim(s)")
        add("variants", ", ".join(s.variants) or "none")
        add("gates", f"expect {s.gates.expect}, {len(s.gates.checks)} check(s)")
        # File names, titles and ids are the user's text, never rich markup: `[variant ddos]`.
        yield f"[green]ok[/green] {escape(self.loaded.path + variant)}"
        yield table
