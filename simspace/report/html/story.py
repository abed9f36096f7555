"""The run's story on the event clock, as text for the HTML report: event times read both ways
(`+7m33s (20:07:33)`), the numbered moments every chart marks (reported markers, operator actions,
attacks, Space state changes, room caps and openings, facts at a time), sources, and the
platform's ledger."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from simspace.judge.verdicts import Comparison, EventCalendar
from simspace.report.html.canvas import (
    BLUE,
    DARK,
    DARK_GREEN,
    PURPLE,
    RED,
    VERMILION,
    offset_label,
)
from simspace.report.html.overlays import ChartMark
from simspace.report.rooms import has_rooms, room_changes, room_name, space_label
from simspace.results.model import RunResult
from simspace.scenario.model import Scenario
from simspace.scenario.platform import (
    MAIN_ROOM,
    CapListeners,
    OpenRoom,
    RateLimit,
    RestartSpace,
    SetCapacity,
)
from simspace.units import (
    format_approx_count,
    format_clock_time,
    format_count,
    format_duration_s,
    offset_to_clock_time,
)

LEDGER_COLUMNS = ("t", "first_t", "last_t", "kind", "reason", "tier", "count", "weight")


def duration_text(seconds: float) -> str:
    """A duration rounded for reading: `1.3s`, `42s`, `7m33s`."""
    if abs(seconds) < 10:
        return f"{seconds:.1f}s"
    return format_duration_s(round(seconds))


def number(value: object) -> float | None:
    """A JSON number as a float; None for anything else (booleans included)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(frozen=True)
class Moment:
    """Something that happened at an event time, numbered in the timeline list and on charts."""

    number: int
    t: float
    kind: str
    label: str
    colour: str
    sources: tuple[str, ...] = ()


class Story:
    """The event clock of one run, and everything placed on it (the report's Timeline section
    and the marks on every chart)."""

    def __init__(self, scenario: Scenario, result: RunResult, comparison: Comparison) -> None:
        self.scenario, self.result, self.comparison = scenario, result, comparison
        self.outlets = {s.id: s.outlet for s in scenario.event.sources}
        self.confidence = {s.id: s.confidence for s in scenario.event.sources}
        event = scenario.event
        self.calendar = comparison.calendar or EventCalendar(
            date=event.date, scheduled_start=event.scheduled_start, time_zone=event.time_zone
        )
        self.moments = self._moments()
        self.marks = [ChartMark(m.t, m.number, m.label, m.colour) for m in self.moments]

    def clock(self, t: float) -> str:
        """The event's local clock time at event time `t`: `20:07:33`."""
        event = self.scenario.event
        moment = offset_to_clock_time(t, event.date, event.scheduled_start, event.time_zone)
        return format_clock_time(moment)

    def when(self, t: float) -> str:
        """`+7m33s (20:07:33)`."""
        return f"{offset_label(round(t))} ({self.clock(t)})"

    def speaker_name(self, speaker_id: str) -> str:
        found = [s for s in self.scenario.speakers if s.id == speaker_id]
        return f"{found[0].name} (@{found[0].account})" if found else speaker_id

    def sources_html(self, ids: list[str] | tuple[str, ...]) -> str:
        """`AP, CNN (second-hand)`: each outlet, with its confidence unless primary."""
        return ", ".join(escape(self.outlets.get(i, i)) + self.confidence_text(i) for i in ids)

    def confidence_text(self, source_id: str) -> str:
        """` (second-hand)`, ` (unverified)`; "" for a primary source."""
        confidence = self.confidence.get(source_id, "primary")
        return "" if confidence == "primary" else f" ({confidence.replace('_', '-')})"

    def sources_list(self) -> str:
        """Every cited source; a URL is shown as text, never as a link (the report is offline)."""
        sources = self.scenario.event.sources
        if not sources:
            return ""
        items = "".join(
            f"<li><b>{escape(s.outlet)}</b>"
            + (f" — {escape(s.title)}" if s.title else "")
            + (f" <small><code>{escape(s.url)}</code></small>" if s.url else "")
            + f" <small>[{escape(s.id)}]{self.confidence_text(s.id)}</small></li>"
            for s in sources
        )
        return f"<h3>Sources</h3><ul>{items}</ul>"

    def _moments(self) -> list[Moment]:
        raw: list[tuple[float, str, str, str, tuple[str, ...]]] = []
        for marker in self.scenario.event.markers:
            raw.append((marker.at, "reported", marker.label, DARK, tuple(marker.sources)))
        for action in self.scenario.operator_actions:
            label = _action_text(action) + (f" — {action.note}" if action.note else "")
            raw.append((action.at, "operator", label, PURPLE, tuple(action.sources)))
        for attack in self.scenario.attacks:
            label = (
                f"attack {attack.id} on {attack.tier}: {format_count(attack.rate_rps)} req/s "
                f"until {offset_label(attack.end)}"
            )
            raw.append((attack.start, "attack", label, RED, ()))
        with_room = has_rooms(self.result)
        for space in self.result.spaces:
            name = space_label(space, with_room)
            if space.running_at is not None:
                raw.append((space.running_at, "observed", f"{name} live", DARK_GREEN, ()))
            if space.ended_at is not None:
                label = f"{name} {space.end_state or 'ended'}"
                raw.append((space.ended_at, "observed", label, RED, ()))
        for change in room_changes(self.result):
            colour = DARK_GREEN if change.opened else VERMILION
            raw.append((change.t, "room", change.text, colour, ()))
        for v in self.comparison.verdicts:
            if v.at is not None:
                raw.append((v.at, "fact", f"{v.fact_id}: {v.statement}", BLUE, tuple(v.sources)))
        raw.sort(key=lambda r: r[0])
        return [Moment(i, *fields) for i, fields in enumerate(raw, start=1)]

    def moments_html(self) -> str:
        """The numbered list the charts' vertical lines refer to."""
        if not self.moments:
            return '<p class="mute">Nothing reported or observed to mark.</p>'
        items = "".join(
            f'<li value="{m.number}"><b>{escape(self.when(m.t))}</b> '
            f'<span class="badge" style="background:{m.colour}">{escape(m.kind)}</span> '
            f"{escape(m.label)}"
            + (f" <small>({self.sources_html(m.sources)})</small>" if m.sources else "")
            + "</li>"
            for m in self.moments
        )
        return f'<ol class="moments">{items}</ol>'

    def ledger_rows(self) -> list[list[str]]:
        """The server's ledger of injected failures and state changes, one escaped row each."""
        rows = []
        for item in self.result.ledger:
            entry = item.model_dump()
            t, first, last = (number(entry.get(k)) for k in ("t", "first_t", "last_t"))
            if t is not None:
                when = self.when(t)
            elif first is not None and last is not None:
                when = f"{self.when(first)} .. {self.when(last)}"
            else:
                when = "—"
            what = str(entry.get("kind", ""))
            if entry.get("reason") not in (None, "", what):
                what += f": {entry['reason']}"
            count, weight = number(entry.get("count")), number(entry.get("weight"))
            details = ", ".join(
                f"{k} {_detail(k, v)}"
                for k, v in entry.items()
                if k not in LEDGER_COLUMNS and v != ""
            )
            rows.append(
                [
                    escape(when),
                    escape(what),
                    escape(str(entry.get("tier") or "")),
                    "" if count is None else escape(f"{count:g}"),
                    "" if weight is None else escape(format_approx_count(weight)),
                    f"<small>{escape(details)}</small>",
                ]
            )
        return rows


def _detail(key: str, value: object) -> str:
    n = number(value)
    if n is None:
        return str(value)
    return offset_label(round(n)) if key.endswith(("_at", "_t")) else format_approx_count(n)


def _action_text(action: object) -> str:
    if isinstance(action, CapListeners):
        where = "" if action.room == MAIN_ROOM else f" in {room_name(action.room)}"
        return f"operators cap listeners{where} at {format_count(action.listeners)}"
    if isinstance(action, OpenRoom):
        return f"operators open {room_name(action.room)}"
    if isinstance(action, SetCapacity):
        return f"operators set {action.tier} capacity to {format_count(action.capacity_rps)} req/s"
    if isinstance(action, RateLimit):
        return f"operators rate-limit {action.tier} to {format_count(action.rate_rps)} req/s"
    if isinstance(action, RestartSpace):
        return f"operators restart the Space on {action.host}"
    return "operators end the Space"
