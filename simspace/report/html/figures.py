"""The report's figures: a run's series and the reported facts turned into inline SVG charts
(`simspace.report.html.charts`) with HTML legends, all on the event clock, marked with the
moments of the run's `Story`."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from html import escape

from simspace.judge.facts.compare import widen
from simspace.judge.verdicts import FactVerdict, format_observed, format_reported
from simspace.report.html.canvas import (
    BLUE,
    DARK,
    DARK_GREEN,
    GREEN,
    GREY,
    ORANGE,
    PINK,
    PURPLE,
    RED,
    SKY,
    VERMILION,
    TimeAxis,
)
from simspace.report.html.charts import (
    Line,
    RangeBar,
    Stack,
    StepLine,
    StripRow,
    strip_chart,
    time_chart,
)
from simspace.report.html.figure import figure, legend, line_items
from simspace.report.html.overlays import Band
from simspace.report.html.story import Story, duration_text, number
from simspace.report.rooms import cap_label, cap_steps, capped_rooms, has_rooms, space_label
from simspace.results.model import ErrorCount
from simspace.units import format_approx_count, format_count

VERDICT_COLOUR = {
    "reproduced": DARK_GREEN,
    "not_reproduced": RED,
    "not_observable": "#6e7781",
    "claim": PURPLE,
    "context": BLUE,
}
LAYER_COLOURS = (VERMILION, ORANGE, PINK, SKY, "#8c6d1f", "#6e7781")
CAP_COLOURS = (DARK, PURPLE, "#8c6d1f", GREY)
SPACE_COLOURS = (BLUE, GREEN, ORANGE, SKY, PINK, VERMILION)
MAX_ERROR_LAYERS = 5


class Figures:
    """Everything the report draws, built once from the scenario, the run and its verdicts."""

    def __init__(self, story: Story) -> None:
        self.story = story
        self.result, self.comparison = story.result, story.comparison
        self.axis = TimeAxis(self.result.plan.t_begin, self.result.plan.t_end, story.clock)
        self.marks = story.marks
        self.bands = [
            Band(a.start, a.end, RED, f"attack {a.id}: {format_count(a.rate_rps)} req/s", 0.1)
            for a in story.scenario.attacks
        ]

    # -- reported vs observed times ----------------------------------------------------------

    def strip_figure(self) -> str:
        rows = [
            StripRow(
                label=self._strip_label(v),
                low=number(v.reported_min),
                high=number(v.reported_max),
                tolerance_s=v.tolerance_abs,
                observed=number(v.observed),
                colour=VERDICT_COLOUR[v.verdict],
                at_least=v.observed_at_least,
            )
            for v in self.comparison.verdicts
            if v.unit in ("duration", "event_time") and v.verdict != "context"  # another event's
        ]
        if not rows:
            return ""
        svg = strip_chart(self.axis, "reported times against observed times", rows, self.marks)
        key = legend(
            [
                ("reported range", GREY, "box"),
                ("with tolerance", "#c4cad0", "box"),
                ("observed (colour = verdict)", DARK_GREEN, "box"),
            ]
        )
        return figure("Reported times against observed", svg, key)

    def _strip_label(self, v: FactVerdict) -> str:
        # The band shows the reported range and the facts table spells it out: keep it short.
        verdict = "claim" if not v.scored else v.verdict.replace("_", " ")
        seen = "not observed" if v.observed is None else f"observed {format_observed(v)}"
        return f"{v.fact_id}: {verdict}, {seen}"

    # -- listeners ---------------------------------------------------------------------------

    def _count_ranges(self) -> list[RangeBar]:
        bars = []
        for v in self.comparison.verdicts:
            if not v.scored or v.unit != "count":
                continue
            at = v.at if v.at is not None else v.observed_at
            if at is None and v.metric == "peak_listeners":
                at = self.result.metrics.peak_listeners_at
            if at is None or v.metric == "unique_listeners":
                continue
            low, high = number(v.reported_min), number(v.reported_max)
            wide_low, wide_high = widen(low, high, v.tolerance_abs, v.tolerance_rel)
            label = f"{v.fact_id}: reported {format_reported(v)}, observed {format_observed(v)}"
            bars.append(
                RangeBar(
                    at,
                    low,
                    high,
                    wide_low,
                    wide_high,
                    number(v.observed),
                    VERDICT_COLOUR[v.verdict],
                    label,
                )
            )
        return bars

    def _start_bands(self) -> list[Band]:
        bands = []
        for v in self.comparison.verdicts:
            low, high = number(v.reported_min), number(v.reported_max)
            if v.metric == "start_delay" and v.scored and low is not None:
                end = high if high is not None else self.axis.end
                label = f"{v.fact_id}: reported start {_range(low, high, duration_text)}"
                bands.append(Band(low, max(end, low), GREY, label, 0.12))
        return bands

    def listeners_section(self) -> str:
        return (
            '<section id="listeners"><h2>Listeners</h2><div class="grid">'
            + self._states_figure()
            + self._lost_figure()
            + self._spaces_figure()
            + "</div></section>"
        )

    def _cap_lines(self) -> list[StepLine]:
        """Each room's listener cap over the run, as steps (none if no room was ever capped)."""
        lines = []
        for i, room in enumerate(capped_rooms(self.result)):
            steps = [(s.t, s.listeners) for s in cap_steps(self.result, room)]
            if any(v is not None for _, v in steps):
                colour = CAP_COLOURS[i % len(CAP_COLOURS)]
                lines.append(StepLine(cap_label(self.result, room), steps, colour))
        return lines

    def _spaces_figure(self) -> str:
        """Each Space's concurrent listeners (server), named with its room when there were
        several, against the rooms' caps; nothing when no Space's series was recorded."""
        grid = self.result.listeners.t
        with_room = has_rooms(self.result)
        lines = [
            Line(
                space_label(s, with_room), grid, s.listeners, SPACE_COLOURS[i % len(SPACE_COLOURS)]
            )
            for i, s in enumerate(s for s in self.result.spaces if len(s.listeners) == len(grid))
        ]
        if not lines:
            return ""
        caps = self._cap_lines()
        svg = time_chart(
            self.axis, "listeners per Space", lines=lines, steps=caps, marks=self.marks
        )
        items = line_items(lines) + [(c.name, c.colour, "dash") for c in caps]
        return figure("Listeners per Space (server)", svg, legend(items))

    def _states_figure(self) -> str:
        s = self.result.listeners
        lines = [
            Line("waiting (load side)", s.t, s.waiting, ORANGE),
            Line("listening (load side)", s.t, s.listening, GREEN),
            Line("concurrent (server)", s.t, s.concurrent, BLUE, dashed=True),
        ]
        ranges, caps = self._count_ranges(), self._cap_lines()
        svg = time_chart(
            self.axis,
            "listeners by state",
            lines=lines,
            marks=self.marks,
            bands=self.bands + self._start_bands(),
            ranges=ranges,
            steps=caps,
        )
        items = line_items(lines) + [(c.name, c.colour, "dash") for c in caps]
        if ranges:
            items.append(("reported count (bar), observed (dot, colour = verdict)", DARK, "line"))
        if self._start_bands():
            items.append(("reported start", GREY, "box"))
        return figure("Listeners by state (event scale)", svg, legend(items))

    def _lost_figure(self) -> str:
        s = self.result.listeners
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
            f"{format_approx_count(m.gave_up)} gave up, {format_approx_count(m.booted)} booted; "
            f"stalls per listener who heard audio: {stall}"
        )
        return figure(
            "Gave up and booted (cumulative)",
            lost,
            legend([("gave up", VERMILION, "line"), ("booted", PINK, "dash")]),
            note,
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
        stack = error_stack(errors)
        svg = time_chart(
            self.axis, "error messages over time", stack=stack, marks=self.marks, bands=self.bands
        )
        key = legend([(f"“{msg}”", colour, "box") for msg, colour, _ in stack.layers])
        rows = "".join(
            f"<tr><td>{escape(msg)}</td><td>{escape(format_approx_count(n))}</td></tr>"
            for msg, n in sorted(m.errors_seen.items(), key=lambda kv: -kv[1])
        )
        table = (
            '<div class="scroll"><table><thead><tr><th>Message seen</th>'
            f"<th>Event-scale failures</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )
        per = duration_text(stack.width_s)
        caption = f"Error messages seen by listeners (failed requests per {per})"
        return (
            f'<section id="errors"><h2>Errors</h2>{summary}<div class="grid">'
            f"{figure(caption, svg, key)}<div>{table}</div></div></section>"
        )


def error_stack(errors: Sequence[ErrorCount]) -> Stack:
    """Failed requests by message, stacked per bucket: the most frequent messages each get a
    layer, the rest share "other"; a bucket is as wide as the closest two buckets are apart."""
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
    return Stack(
        starts,
        width,
        [
            (msg, LAYER_COLOURS[i % len(LAYER_COLOURS)], values)
            for i, (msg, values) in enumerate(layers.items())
            if any(values)
        ],
    )


def _range(
    low: float | None, high: float | None, show: Callable[[float], str] = format_approx_count
) -> str:
    if low is not None and high is not None:
        return show(low) if low == high else f"{show(low)} – {show(high)}"
    return f"≥ {show(low)}" if low is not None else f"≤ {show(high or 0.0)}"
