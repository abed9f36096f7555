"""A short rich summary of a loaded scenario, as `simspace validate` prints it."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.markup import escape
from rich.table import Table

from simspace.scenario.loader import LoadedScenario
from simspace.scenario.model import Scenario
from simspace.scenario.platform import MAIN_ROOM, CapListeners, OpenRoom, Room
from simspace.units import format_count, format_offset_s, format_ratio


@dataclass(frozen=True)
class ScenarioSummary:
    """Renders itself: event, window, audience, speakers, platform, timeline, listener caps,
    overflow rooms, restreams, facts, variants, gates."""

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
        add("caps", caps_line(s))
        add("rooms", rooms_line(s))
        add("restreams", restreams_line(s))
        on_refused = s.audience.client.on_refused
        add("on_refused", f"{on_refused}: {_ON_REFUSED[on_refused]}")
        context = sum(1 for f in s.facts if f.about == "other_event")
        scored = sum(1 for f in s.facts if f.scored and f.about == "this_event")
        claims = len(s.facts) - scored - context
        about_others = f", {context} about other events" if context else ""
        add("facts", f"{scored} scored, {claims} claim(s){about_others}")
        add("variants", ", ".join(s.variants) or "none")
        add("gates", f"expect {s.gates.expect}, {len(s.gates.checks)} check(s)")
        # File names, titles and ids are the user's text, never rich markup: `[variant ddos]`.
        yield f"[green]ok[/green] {escape(self.loaded.path + variant)}"
        yield table


_ON_REFUSED = {
    "retry": "a listener refused by a full room joins again at every metadata poll",
    "wait": "a listener refused by a full room joins once the metadata shows room",
    "overflow": "a listener refused by a full room joins an open overflow room, else retries",
    "give_up": "a listener refused by a full room leaves",
}


def _cap(listeners: float | None) -> str:
    return f"capped at {format_count(listeners)}" if listeners is not None else "uncapped"


def caps_line(s: Scenario) -> str:
    """The main room's cap from the start, then each cap_listeners change: when, room, cap."""
    steps = [f"{MAIN_ROOM} {_cap(s.platform.listener_cap)} from the start"]
    steps += [
        f"{format_offset_s(action.at)} {action.room} {_cap(action.listeners)}"
        for action in s.operator_actions
        if isinstance(action, CapListeners)
    ]
    return "; ".join(steps)


def _opens(room: Room, s: Scenario) -> str:
    opened = [
        format_offset_s(action.at)
        for action in s.operator_actions
        if isinstance(action, OpenRoom) and action.room == room.id
    ]
    if room.opens == "by_action":
        return f"opened at {opened[0]} by open_room" if opened else "no open_room opens it"
    early = f", or at {opened[0]} by open_room" if opened else ""
    return f"opens when {MAIN_ROOM} is full{early}"


def rooms_line(s: Scenario) -> str:
    """The overflow rooms in the order tried: cap, and how each opens."""
    rooms = [
        f"{room.id} ({_cap(room.cap_listeners)}, {_opens(room, s)})" for room in s.platform.rooms
    ]
    return ", ".join(rooms) or "no overflow rooms"


def restreams_line(s: Scenario) -> str:
    """Each restream: from when, and the share of refused, ended or booted listeners it takes."""
    restreams = [
        f"{r.id} from {format_offset_s(r.opens_at)} ({format_ratio(r.share)} of the listeners "
        "refused, ended or booted)"
        for r in s.audience.restreams
    ]
    return ", ".join(restreams) or "none"
