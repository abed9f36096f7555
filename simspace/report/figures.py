"""The report's figures: a run's series, the scenario's moments and the reported facts turned into
inline SVG charts (`simspace.report.charts`) with HTML legends, all on the event clock."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from simspace.report.charts import (
    Band,
    Line,
    Mark,
    RangeBar,
    Stack,
    StripRow,
    TimeAxis,
    approx_count,
    offset_label,
    percentile_chart,
    strip_chart,
    time_chart,
)
from simspace.report.verdicts import Comparison
from simspace.results.model import Percentiles, RunResult
from simspace.scenario.model import Scenario
from simspace.scenario.platform import CapListeners, RateLimit, RestartSpace, SetCapacity
from simspace.units import format_clock_time, format_count, format_duration_s, offset_to_clock_time

BLUE, ORANGE, GREEN, VERMILION, PINK, SKY = (
    "#0072b2",
    "#e69f00",
    "#009e73",
    "#d55e00",
    "#cc79a7",
    "#56b4e9",
)
DARK, GREY, PURPLE, RED, DARK_GREEN = "#24292f", "#57606a", "#8250df", "#cf222e", "#1a7f37"
VERDICT_COLOUR = {
    "reproduced": DARK_GREEN,
    "not_reproduced": RED,
    "not_observable": "#6e7781",
    "claim": PURPLE,
}
LAYER_COLOURS = (VERMILION, ORANGE, PINK, SKY, "#8c6d1f", "#6e7781")
MAX_ERROR_LAYERS = 5
COUNT_AT_METRICS = {"waiting_listeners_at": ORANGE, "concurrent_listeners_at": BLUE}


def duration_text(seconds: float) -> str:
    """A duration rounded for reading: `1.3s`, `42s`, `7m33s`."""
    if abs(seconds) < 10:
        return f"{seconds:.1f}s"
    return format_duration_s(round(seconds))


@dataclass(frozen=True)
class Moment:
    """Something that happened at an event time, numbered in the timeline list and on charts."""

    number: int
    t: float
    kind: str
    label: str
    colour: str
    sources: tuple[str, ...] = ()


def _legend(items: list[tuple[str, str, str]]) -> str:
    """(name, colour, style) with style line, dash or box."""
    lis = "".join(
        f'<li><i class="{style}" style="border-color:{colour};background:'
        f'{colour if style == "box" else "transparent"}"></i>{escape(name)}</li>'
        for name, colour, style in items
    )
    return f'<ul class="legend">{lis}</ul>'


def _figure(caption: str, svg: str, legend: str = "", note: str = "") -> str:
    note_html = f'<p class="mute">{escape(note)}</p>' if note else ""
    return f"<figure><figcaption>{escape(caption)}</figcaption>{svg}{legend}{note_html}</figure>"


class Figures:
    """Everything the report draws, built once from the scenario, the run and its verdicts."""

    def __init__(self, scenario: Scenario, result: RunResult, comparison: Comparison) -> None:
        self.scenario, self.result, self.comparison = scenario, result, comparison
        self.axis = TimeAxis(result.plan.t_begin, result.plan.t_end, self.clock)
        self.outlets = {s.id: s.outlet for s in scenario.event.sources}
        self.moments = self._moments()
        self.marks = [Mark(m.t, m.number, m.label, m.colour) for m in self.moments]
        self.bands = [
            Band(a.start, a.end, RED, f"attack {a.id}: {format_count(a.rate_rps)} req/s", 0.1)
            for a in scenario.attacks
        ]

    # -- text ------------------------------------------------------------------------------

    def clock(self, t: float) -> str:
        event = self.scenario.event
        moment = offset_to_clock_time(t, event.date, event.scheduled_start, event.time_zone)
        return format_clock_time(moment)

    def when(self, t: float) -> str:
        """`+7m33s (20:07:33)`."""
        return f"{offset_label(round(t))} ({self.clock(t)})"

    def speaker_name(self, speaker_id: str) -> str:
        found = [s for s in self.scenario.speakers if s.id == speaker_id]
        return f"{found[0].name} (@{found[0].account})" if found else speaker_id

    def sources_html(self, ids: list[str]) -> str:
        return ", ".join(escape(self.outlets.get(i, i)) for i in ids)

    def sources_list(self) -> str:
        sources = self.scenario.event.sources
        if not sources:
            return ""
        items = "".join(
            f"<li><b>{escape(s.outlet)}</b>"
            + (f" — {escape(s.title)}" if s.title else "")
            + (f" <small><code>{escape(s.url)}</code></small>" if s.url else "")
            + f" <small>[{escape(s.id)}]</small></li>"
            for s in sources
        )
        return f"<h3>Sources</h3><ul>{items}</ul>"

    # -- moments ---------------------------------------------------------------------------

    def _moments(self) -> list[Moment]:
        raw: list[tuple[float, str, str, str, tuple[str, ...]]] = []
        for marker in self.scenario.event.markers:
            raw.append((marker.at, "reported", marker.label, DARK, tuple(marker.sources)))
        for action in self.scenario.operator_actions:
            label = _action_text(action)
            if action.note:
                label += f" — {action.note}"
            raw.append((action.at, "operator", label, PURPLE, tuple(action.sources)))
        for attack in self.scenario.attacks:
            label = (
                f"attack {attack.id} on {attack.tier}: {format_count(attack.rate_rps)} req/s "
                f"until {offset_label(attack.end)}"
            )
            raw.append((attack.start, "attack", label, RED, ()))
        for space in self.result.spaces:
            if space.running_at is not None:
                raw.append(
                    (space.running_at, "observed", f"Space {space.ordinal} live", DARK_GREEN, ())
                )
            if space.ended_at is not None:
                state = space.end_state or "ended"
                raw.append((space.ended_at, "observed", f"Space {space.ordinal} {state}", RED, ()))
        for v in self.comparison.verdicts:
            if v.at is not None:
                raw.append((v.at, "fact", f"{v.fact_id}: {v.statement}", BLUE, tuple(v.sources)))
        raw.sort(key=lambda r: r[0])
        return [
            Moment(i, t, kind, label, colour, tuple(self.outlets.get(s, s) for s in sources))
            for i, (t, kind, label, colour, sources) in enumerate(raw, start=1)
        ]

    # -- reported vs observed times ----------------------------------------------------------

    def strip_figure(self) -> str:
        rows = [
            StripRow(
                label=f"{v.fact_id} ({'claim' if not v.scored else v.verdict.replace('_', ' ')})",
                low=_num(v.reported_min),
                high=_num(v.reported_max),
                tolerance_s=v.tolerance_abs,
                observed=_num(v.observed),
                colour=VERDICT_COLOUR[v.verdict],
            )
            for v in self.comparison.verdicts
            if v.unit in ("duration", "event_time")
        ]
        if not rows:
            return ""
        svg = strip_chart(self.axis, "reported times against observed times", rows, self.marks)
        legend = _legend(
            [
                ("reported range", GREY, "box"),
                ("with tolerance", "#c4cad0", "box"),
                ("observed (colour = verdict)", DARK_GREEN, "box"),
            ]
        )
        return _figure("Reported times against observed", svg, legend)

    # -- listeners ---------------------------------------------------------------------------

    def _count_ranges(self) -> list[RangeBar]:
        bars = []
        for v in self.comparison.verdicts:
            if not v.scored or v.unit != "count":
                continue
            at = v.at
            if at is None and v.metric == "peak_listeners":
                at = self.result.metrics.peak_listeners_at
            if at is None or v.metric == "unique_listeners":
                continue
            low, high = _num(v.reported_min), _num(v.reported_max)
            label = f"{v.fact_id}: reported {_range(low, high)}, observed " + (
                "n/a" if _num(v.observed) is None else approx_count(_num(v.observed) or 0.0)
            )
            bars.append(RangeBar(at, low, high, _num(v.observed), VERDICT_COLOUR[v.verdict], label))
        return bars

    def _start_bands(self) -> list[Band]:
        bands = []
        for v in self.comparison.verdicts:
            low, high = _num(v.reported_min), _num(v.reported_max)
            if v.metric == "start_delay" and v.scored and low is not None:
                end = high if high is not None else self.axis.end
                label = f"{v.fact_id}: reported start {_range(low, high, duration_text)}"
                bands.append(Band(low, max(end, low), GREY, label, 0.12))
        return bands

    def listeners_section(self) -> str:
        s = self.result.listeners
        lines = [
            Line("waiting (load side)", s.t, s.waiting, ORANGE),
            Line("listening (load side)", s.t, s.listening, GREEN),
            Line("concurrent (server)", s.t, s.concurrent, BLUE, dashed=True),
        ]
        ranges = self._count_ranges()
        svg = time_chart(
            self.axis,
            "listeners by state",
            lines=lines,
            marks=self.marks,
            bands=self.bands + self._start_bands(),
            ranges=ranges,
        )
        items = [(line.name, line.colour, "dash" if line.dashed else "line") for line in lines]
        if ranges:
            items.append(("reported count (bar), observed (dot, colour = verdict)", DARK, "line"))
        if self._start_bands():
            items.append(("reported start", GREY, "box"))
        lost = time_chart(
            self.axis,
            "listeners lost, cumulative",
            lines=[
                Line("gave up", s.t, s.gave_up, VERMILION),
                Line("booted", s.t, s.booted, PINK, dashed=True),
            ],
            marks=self.marks,
            bands=self.bands,
            height=220,
        )
        m = self.result.metrics
        stall = "n/a" if m.stall_ratio is None else f"{m.stall_ratio * 100:.1f}%"
        note = (
            f"{approx_count(m.gave_up)} gave up, {approx_count(m.booted)} booted; "
            f"stalls per listener who heard audio: {stall}"
        )
        return (
            '<section id="listeners"><h2>Listeners</h2><div class="grid">'
            + _figure("Listeners by state (event scale)", svg, _legend(items))
            + _figure(
                "Gave up and booted (cumulative)",
                lost,
                _legend([("gave up", VERMILION, "line"), ("booted", PINK, "dash")]),
                note,
            )
            + "</div></section>"
        )

    # -- load --------------------------------------------------------------------------------

    def load_section(self) -> str:
        figures = []
        for name, tier in self.result.tiers.items():
            lines = [
                Line("offered", tier.t, tier.offered_rps, BLUE),
                Line("capacity", tier.t, tier.capacity_rps, DARK, dashed=True),
            ]
            for i, (reason, values) in enumerate(sorted(tier.rejected_rps.items())):
                if any(values):
                    colour = LAYER_COLOURS[i % len(LAYER_COLOURS)]
                    lines.append(Line(f"rejected: {reason}", tier.t, values, colour))
            if any(tier.timed_out_rps):
                lines.append(Line("timed out", tier.t, tier.timed_out_rps, RED, dashed=True))
            if any(tier.attack_rps):
                lines.append(Line("attack", tier.t, tier.attack_rps, PURPLE))
            svg = time_chart(
                self.axis, f"{name} load", lines=lines, marks=self.marks, bands=self.bands
            )
            items = [(ln.name, ln.colour, "dash" if ln.dashed else "line") for ln in lines]
            note = (
                f"peak utilisation {max(tier.utilisation, default=0.0) * 100:.0f}%, "
                f"peak backlog {approx_count(max(tier.backlog, default=0.0))} requests"
            )
            caption = f"{name}: offered load vs capacity (event requests/s)"
            figures.append(_figure(caption, svg, _legend(items), note))
        return (
            '<section id="load"><h2>Load against capacity</h2><div class="grid">'
            + "".join(figures)
            + "</div></section>"
        )

    # -- errors ------------------------------------------------------------------------------

    def errors_section(self) -> str:
        errors = self.result.errors
        m = self.result.metrics
        by_tier = ", ".join(
            f"{escape(t)} {r * 100:.1f}%" for t, r in sorted(m.error_ratio_by_tier.items())
        )
        ratio = "n/a" if m.error_ratio is None else f"{m.error_ratio * 100:.1f}%"
        summary = f"<p>error ratio {ratio}" + (f" ({by_tier})" if by_tier else "") + "</p>"
        if not errors:
            return (
                f'<section id="errors"><h2>Errors</h2>{summary}'
                '<p class="mute">No listener saw an error.</p></section>'
            )
        totals: dict[str, float] = defaultdict(float)
        for e in errors:
            totals[e.message] += e.weight
        ranked = sorted(totals, key=lambda msg: -totals[msg])
        shown = ranked[:MAX_ERROR_LAYERS]
        starts = sorted({e.t for e in errors})
        gaps = [b - a for a, b in itertools.pairwise(starts) if b > a]
        width = min(gaps, default=60.0)
        index = {t: i for i, t in enumerate(starts)}
        layers: dict[str, list[float]] = {msg: [0.0] * len(starts) for msg in [*shown, "other"]}
        for e in errors:
            key = e.message if e.message in shown else "other"
            layers[key][index[e.t]] += e.weight
        stack = Stack(
            starts,
            width,
            [
                (msg, LAYER_COLOURS[i % len(LAYER_COLOURS)], values)
                for i, (msg, values) in enumerate(layers.items())
                if any(values)
            ],
        )
        svg = time_chart(
            self.axis, "error messages over time", stack=stack, marks=self.marks, bands=self.bands
        )
        legend = _legend([(f"“{msg}”", colour, "box") for msg, colour, _ in stack.layers])
        rows = "".join(
            f"<tr><td>{escape(msg)}</td><td>{escape(approx_count(n))}</td></tr>"
            for msg, n in sorted(m.errors_seen.items(), key=lambda kv: -kv[1])
        )
        table = (
            '<div class="scroll"><table><thead><tr><th>Message seen</th>'
            f"<th>Event-scale failures</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
        caption = f"Error messages seen by listeners (failed requests per {duration_text(width)})"
        return (
            f'<section id="errors"><h2>Errors</h2>{summary}<div class="grid">'
            f"{_figure(caption, svg, legend)}<div>{table}</div></div></section>"
        )

    # -- time to first audio -----------------------------------------------------------------

    def ttfa_section(self) -> str:
        m = self.result.metrics

        def chart(label: str, p: Percentiles) -> str:
            rows = [("p50", p.p50), ("p95", p.p95), ("p99", p.p99), ("max", p.max)]
            svg = percentile_chart(label, rows, duration_text)
            return _figure(f"{label} (n = {p.count} simulated listeners)", svg)

        return (
            '<section id="ttfa"><h2>Time to first audio</h2><div class="grid">'
            + chart("Join to first audio", m.ttfa_s)
            + chart("Arrival to first audio (waiting included)", m.wait_s)
            + "</div></section>"
        )

    # -- ledger ------------------------------------------------------------------------------

    def ledger_rows(self) -> list[list[str]]:
        rows = []
        known = {"t", "first_t", "last_t", "kind", "reason", "tier", "count", "weight"}
        for entry in self.result.ledger:
            t, first, last = (_num(entry.get(k)) for k in ("t", "first_t", "last_t"))
            if t is not None:
                when = self.when(t)
            elif first is not None and last is not None:
                when = f"{self.when(first)} .. {self.when(last)}"
            else:
                when = "—"
            what = str(entry.get("kind", ""))
            if entry.get("reason") not in (None, "", what):
                what += f": {entry['reason']}"
            count, weight = _num(entry.get("count")), _num(entry.get("weight"))
            details = ", ".join(f"{k} {v}" for k, v in entry.items() if k not in known)
            rows.append(
                [
                    escape(when),
                    escape(what),
                    escape(str(entry.get("tier") or "")),
                    "" if count is None else escape(f"{count:g}"),
                    "" if weight is None else escape(approx_count(weight)),
                    f"<small>{escape(details)}</small>",
                ]
            )
        return rows


def _num(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _range(
    low: float | None, high: float | None, show: Callable[[float], str] = approx_count
) -> str:
    if low is not None and high is not None:
        return show(low) if low == high else f"{show(low)} – {show(high)}"
    return f"≥ {show(low)}" if low is not None else f"≤ {show(high or 0.0)}"


def _action_text(action: object) -> str:
    if isinstance(action, CapListeners):
        return f"operators cap listeners at {format_count(action.listeners)}"
    if isinstance(action, SetCapacity):
        return f"operators set {action.tier} capacity to {format_count(action.capacity_rps)} req/s"
    if isinstance(action, RateLimit):
        return f"operators rate-limit {action.tier} to {format_count(action.rate_rps)} req/s"
    if isinstance(action, RestartSpace):
        return f"operators restart the Space on {action.host}"
    return "operators end the Space"
