"""Inline SVG charts for the offline HTML report: series on the event clock, stacked bars,
percentile bars and a reported-vs-observed strip. Pure string building, no I/O; every label that
reaches the SVG is escaped here, and numbers are rounded to 0.1 px to keep the file small."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from simspace.units import format_approx_count, format_offset_s

W = 640.0
LEFT, RIGHT, TOP, BOTTOM = 58.0, 30.0, 36.0, 52.0
FONT = 'font-family="system-ui,sans-serif" font-size="13"'
TICK_STEPS_S = (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
MAX_X_TICKS = 7
MARK_MERGE = 12.0
"""Marks closer than this (SVG units) share one number label."""
MARK_CHAR = 11.0
"""Width of one digit of a mark label, at the phone's larger font."""
HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'

# Okabe-Ito colours for series (readable with colour blindness), GitHub-like ones for states.
BLUE, ORANGE, GREEN = "#0072b2", "#e69f00", "#009e73"
VERMILION, PINK, SKY = "#d55e00", "#cc79a7", "#56b4e9"
DARK, GREY, PURPLE, RED, DARK_GREEN = "#24292f", "#57606a", "#8250df", "#cf222e", "#1a7f37"


def offset_label(t: float) -> str:
    """Event time as an axis label: `-30m`, `0`, `+1h`."""
    return "0" if t == 0 else format_offset_s(t)


def _n(v: float) -> str:
    text = f"{v:.1f}".removesuffix(".0")
    return "0" if text == "-0" else text


@dataclass(frozen=True)
class TimeAxis:
    """The x axis: an event-time span and a way to read an event time on the local clock."""

    start: float
    end: float
    clock: Callable[[float], str]

    def ticks(self) -> list[float]:
        span = max(self.end - self.start, 1.0)
        step = next((s for s in TICK_STEPS_S if span / s <= MAX_X_TICKS), TICK_STEPS_S[-1])
        first = -(-self.start // step) * step
        return [first + i * step for i in range(int((self.end - first) // step) + 1)]


@dataclass(frozen=True)
class Line:
    """One series: values at event times."""

    name: str
    t: Sequence[float]
    y: Sequence[float]
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class ChartMark:
    """A vertical line at an event time, numbered at the top (the number is explained in a list)."""

    t: float
    number: int
    label: str
    colour: str = "#57606a"


@dataclass(frozen=True)
class Band:
    """A shaded stretch of event time (a reported range, an attack)."""

    start: float
    end: float
    colour: str
    label: str
    opacity: float = 0.15


@dataclass(frozen=True)
class RangeBar:
    """A reported count range at a moment (None: open on that side), and what was observed."""

    t: float
    low: float | None
    high: float | None
    observed: float | None
    colour: str
    label: str
    tolerance_abs: float = 0.0
    tolerance_rel: float = 0.0

    def widened(self) -> tuple[float | None, float | None]:
        """The range with its tolerance, as the comparison reads it (an open side stays open)."""

        def widen(v: float | None, sign: float) -> float | None:
            return (
                None if v is None else v + sign * (self.tolerance_abs + self.tolerance_rel * abs(v))
            )

        return widen(self.low, -1.0), widen(self.high, 1.0)


@dataclass(frozen=True)
class Stack:
    """Stacked bars: one layer per name, one bar per bucket start."""

    starts: Sequence[float]
    width_s: float
    layers: list[tuple[str, str, list[float]]] = field(default_factory=list)


@dataclass(frozen=True)
class StripRow:
    """One row of the reported-vs-observed strip: a reported time range and the observed time."""

    label: str
    low: float | None
    high: float | None
    tolerance_s: float
    observed: float | None
    colour: str
    at_least: bool = False
    """the observation is a lower bound (it had not happened yet when the run ended)"""


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and round values up to at least `top` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = int(-(-top // step))
    return [i * step for i in range(n + 1)]


class _Frame:
    """Maps event time and value to SVG coordinates inside the plot area."""

    def __init__(self, axis: TimeAxis, y_top: float, height: float) -> None:
        self.axis, self.y_top, self.height = axis, y_top, height
        self.plot_w = W - LEFT - RIGHT
        self.plot_h = height - TOP - BOTTOM

    def x(self, t: float) -> float:
        span = max(self.axis.end - self.axis.start, 1e-9)
        return LEFT + (t - self.axis.start) / span * self.plot_w

    def y(self, v: float) -> float:
        return TOP + self.plot_h - max(0.0, min(v, self.y_top)) / self.y_top * self.plot_h

    def inside(self, t: float) -> bool:
        return self.axis.start <= t <= self.axis.end


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop points that change nothing at 0.1 px: duplicates and the middle of flat runs."""
    rounded = [(round(x, 1), round(y, 1)) for x, y in points]
    out: list[tuple[float, float]] = []
    for p in rounded:
        if out and out[-1] == p:
            continue
        if len(out) >= 2 and out[-1][1] == p[1] == out[-2][1]:
            out[-1] = p
            continue
        out.append(p)
    return out


def _polyline(points: list[tuple[float, float]], attrs: str) -> str:
    coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in _thin(points))
    return f'<polyline points="{coords}" fill="none" {attrs}/>'


def _svg(height: float, label: str, body: list[str]) -> str:
    return (
        f'<svg viewBox="0 0 {_n(W)} {_n(height)}" width="100%" role="img" '
        f'aria-label="{escape(label)}" {FONT} preserveAspectRatio="xMidYMid meet">'
        + "".join(body)
        + "</svg>"
    )


def _x_axis(frame: _Frame) -> list[str]:
    out = []
    bottom = TOP + frame.plot_h
    for t in frame.axis.ticks():
        x = _n(frame.x(t))
        stroke = "#8c959f" if t == 0 else "#d8dee4"
        out.append(f'<line x1="{x}" x2="{x}" y1="{_n(TOP)}" y2="{_n(bottom)}" stroke="{stroke}"/>')
        out.append(
            f'<text x="{x}" y="{_n(bottom)}" dy="1.15em" text-anchor="middle">'
            f"{escape(offset_label(t))}</text>"
            f'<text x="{x}" y="{_n(bottom)}" dy="2.35em" text-anchor="middle" fill="#57606a">'
            f"{escape(frame.axis.clock(t))}</text>"
        )
    return out


def _y_axis(frame: _Frame, ticks: list[float], fmt: Callable[[float], str]) -> list[str]:
    out = []
    for v in ticks:
        y = _n(frame.y(v))
        out.append(
            f'<line x1="{_n(LEFT)}" x2="{_n(W - RIGHT)}" y1="{y}" y2="{y}" stroke="#eaeef2"/>'
            f'<text x="{_n(LEFT - 5)}" y="{y}" dy="4" text-anchor="end">{escape(fmt(v))}</text>'
        )
    return out


def _mark_labels(xs: list[tuple[float, ChartMark]]) -> list[tuple[float, int, str, str]]:
    """Numbers for the marks (x, row, text, colour): marks closer than a label merge into one
    label (`8–10`), and neighbouring labels alternate between two rows."""
    groups: list[list[tuple[float, ChartMark]]] = []
    for x, mark in xs:
        if groups and x - groups[-1][-1][0] < MARK_MERGE:
            groups[-1].append((x, mark))
        else:
            groups.append([(x, mark)])
    labels = []
    row_end = [-1e9, -1e9]
    for group in groups:
        first, last = group[0][1], group[-1][1]
        text = str(first.number) if len(group) == 1 else f"{first.number}–{last.number}"
        x = sum(x for x, _ in group) / len(group)
        half = len(text) * MARK_CHAR / 2
        row = 0 if x - half >= row_end[0] else 1
        row_end[row] = x + half + MARK_CHAR
        labels.append((x, row, text, first.colour if len(group) == 1 else DARK))
    return labels


def _marks(frame: _Frame, marks: Sequence[ChartMark]) -> list[str]:
    inside = sorted((m for m in marks if frame.inside(m.t)), key=lambda m: m.t)
    xs = [(frame.x(m.t), m) for m in inside]
    bottom = _n(TOP + frame.plot_h)
    out = [
        f"<g><title>{m.number}. {escape(m.label)}</title>"
        f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(TOP - 4)}" y2="{bottom}" '
        f'stroke="{m.colour}" stroke-dasharray="3 3"/></g>'
        for x, m in xs
    ]
    for x, row, text, colour in _mark_labels(xs):
        out.append(
            f'<text x="{_n(x)}" y="{14 + row * 16}" text-anchor="middle" font-size=".85em" '
            f'font-weight="bold" fill="{colour}" {HALO}>{text}</text>'
        )
    return out


def _bands(frame: _Frame, bands: Sequence[Band]) -> list[str]:
    out = []
    for band in bands:
        start = max(band.start, frame.axis.start)
        end = min(band.end, frame.axis.end)
        if end < start:
            continue
        x0, x1 = frame.x(start), frame.x(end)
        out.append(
            f'<rect x="{_n(x0)}" y="{_n(TOP)}" width="{_n(max(x1 - x0, 1.5))}" '
            f'height="{_n(frame.plot_h)}" fill="{band.colour}" fill-opacity="{band.opacity}">'
            f"<title>{escape(band.label)}</title></rect>"
        )
    return out


def _range_bars(frame: _Frame, bars: Sequence[RangeBar]) -> list[str]:
    """Reported range thick, tolerance thin, bounds capped; the observed value as a dot."""
    out = []
    for bar in bars:
        if not frame.inside(bar.t):
            continue
        x = frame.x(bar.t)
        wide_low, wide_high = bar.widened()
        parts = []
        for low, high, width in ((wide_low, wide_high, 1.5), (bar.low, bar.high, 4.0)):
            y0 = frame.y(0.0 if low is None else low)
            y1 = frame.y(frame.y_top if high is None else high)
            parts.append(
                f'<line x1="{_n(x)}" x2="{_n(x)}" y1="{_n(y0)}" y2="{_n(y1)}" '
                f'stroke-width="{width}"/>'
            )
        for value in (bar.low, bar.high):
            if value is not None:
                y = _n(frame.y(value))
                parts.append(f'<line x1="{_n(x - 6)}" x2="{_n(x + 6)}" y1="{y}" y2="{y}"/>')
        if bar.observed is not None:
            parts.append(
                f'<circle cx="{_n(x)}" cy="{_n(frame.y(bar.observed))}" r="5" '
                f'fill="{bar.colour}" stroke="#fff" stroke-width="1.5"/>'
            )
        out.append(
            f'<g stroke="{DARK}" stroke-width="2"><title>{escape(bar.label)}</title>'
            + "".join(parts)
            + "</g>"
        )
    return out


def _stack(frame: _Frame, stack: Stack) -> list[str]:
    out = []
    totals = [0.0] * len(stack.starts)
    for name, colour, values in stack.layers:
        rects = []
        for i, (t, v) in enumerate(zip(stack.starts, values, strict=True)):
            if v <= 0 or not frame.inside(t):
                continue
            x0 = frame.x(t)
            x1 = frame.x(min(t + stack.width_s, frame.axis.end))
            y0, y1 = frame.y(totals[i]), frame.y(totals[i] + v)
            totals[i] += v
            rects.append(
                f'<rect x="{_n(x0 + 0.5)}" y="{_n(y1)}" width="{_n(max(x1 - x0 - 1, 1))}" '
                f'height="{_n(max(y0 - y1, 0.5))}"><title>{escape(offset_label(t))}: '
                f"{escape(name)} {format_approx_count(v)}</title></rect>"
            )
        out.append(f'<g fill="{colour}">{"".join(rects)}</g>')
    return out


def time_chart(
    axis: TimeAxis,
    label: str,
    *,
    lines: Sequence[Line] = (),
    stack: Stack | None = None,
    marks: Sequence[ChartMark] = (),
    bands: Sequence[Band] = (),
    ranges: Sequence[RangeBar] = (),
    y_format: Callable[[float], str] = format_approx_count,
    height: float = 260.0,
) -> str:
    """A chart on the event clock: lines and/or stacked bars, with marks, bands and ranges."""
    top = max((max(line.y, default=0.0) for line in lines), default=0.0)
    if stack is not None:
        sums = [sum(vals) for vals in zip(*(v for _, _, v in stack.layers), strict=True)]
        top = max(top, max(sums, default=0.0))
    for bar in ranges:
        top = max(top, *(v for v in (*bar.widened(), bar.observed) if v is not None))
    ticks = nice_ticks(top)
    frame = _Frame(axis, ticks[-1], height)
    body = _bands(frame, bands) + _y_axis(frame, ticks, y_format) + _x_axis(frame)
    if stack is not None:
        body += _stack(frame, stack)
    for line in lines:
        points = [
            (frame.x(t), frame.y(v)) for t, v in zip(line.t, line.y, strict=True) if frame.inside(t)
        ]
        peak = max(line.y, default=0.0)
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        body.append(
            f"<g><title>{escape(line.name)}: peak {format_approx_count(peak)}</title>"
            + _polyline(points, f'stroke="{line.colour}" stroke-width="2"{dash}')
            + "</g>"
        )
    body += _range_bars(frame, ranges) + _marks(frame, marks)
    return _svg(height, label, body)


def strip_chart(
    axis: TimeAxis, label: str, rows: Sequence[StripRow], marks: Sequence[ChartMark] = ()
) -> str:
    """Reported time ranges (band, lighter with tolerance) against observed times (diamonds)."""
    row_h = 42.0
    height = TOP + BOTTOM + row_h * max(len(rows), 1)
    frame = _Frame(axis, 1.0, height)
    body = _x_axis(frame)
    for i, row in enumerate(rows):
        y = TOP + i * row_h
        body.append(
            f'<text x="{_n(LEFT + 4)}" y="{_n(y + 17)}" fill="{DARK}" {HALO}>'
            f"{escape(row.label)}</text>"
        )
        low = axis.start if row.low is None else row.low
        high = axis.end if row.high is None else row.high
        for lo_t, hi_t, opacity in (
            (low - row.tolerance_s, high + row.tolerance_s, 0.18),
            (low, high, 0.45),
        ):
            lo, hi = max(lo_t, axis.start), min(hi_t, axis.end)
            if hi < lo:
                continue
            x0, x1 = frame.x(lo), frame.x(hi)
            body.append(
                f'<rect x="{_n(x0)}" y="{_n(y + 24)}" width="{_n(max(x1 - x0, 2))}" height="10" '
                f'fill="#57606a" fill-opacity="{opacity}"/>'
            )
        if row.observed is not None and frame.inside(row.observed):
            x, cy = frame.x(row.observed), y + 29
            fill, stroke = ("#fff", row.colour) if row.at_least else (row.colour, "#fff")
            body.append(
                f'<path d="M{_n(x)} {_n(cy - 7)}l7 7-7 7-7-7z" fill="{fill}" stroke="{stroke}" '
                'stroke-width="2"/>'
            )
    body += _marks(frame, marks)
    return _svg(height, label, body)


def percentile_chart(
    label: str, rows: Sequence[tuple[str, float | None]], fmt: Callable[[float], str]
) -> str:
    """Horizontal bars for p50/p95/p99/max of one distribution."""
    row_h = 26.0
    height = 16 + row_h * len(rows)
    values = [v for _, v in rows if v is not None]
    top = nice_ticks(max(values, default=1.0))[-1]
    width = W - LEFT - RIGHT - 70
    body = []
    for i, (name, value) in enumerate(rows):
        y = 8 + i * row_h
        body.append(
            f'<text x="{_n(LEFT - 6)}" y="{_n(y + 14)}" text-anchor="end">{escape(name)}</text>'
        )
        if value is None:
            body.append(f'<text x="{_n(LEFT)}" y="{_n(y + 14)}" fill="#57606a">n/a</text>')
            continue
        bar_w = max(value / top * width, 1.0)
        body.append(
            f'<rect x="{_n(LEFT)}" y="{_n(y + 2)}" width="{_n(bar_w)}" height="16" fill="#0072b2"/>'
            f'<text x="{_n(LEFT + bar_w + 5)}" y="{_n(y + 14)}">{escape(fmt(value))}</text>'
        )
    return _svg(height, label, body)
