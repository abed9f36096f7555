"""Inline SVG charts for the offline HTML report: series and stacked bars on the event clock
with reported ranges, the reported-vs-observed strip, and percentile bars. Pure string building,
no I/O, on the shared canvas (`canvas`) with marks and bands (`overlays`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

from simspace.report.html.canvas import (
    BLUE,
    BOTTOM,
    DARK,
    HALO,
    LEFT,
    RIGHT,
    TOP,
    Frame,
    TimeAxis,
    W,
    nice_ticks,
    num,
    offset_label,
    polyline,
    svg_element,
    x_axis,
    y_axis,
)
from simspace.report.html.overlays import Band, ChartMark, draw_bands, draw_marks
from simspace.units import format_approx_count


@dataclass(frozen=True)
class Line:
    """One series: values at event times; None: no value there, a gap in the line (a value
    alone between gaps is a dot)."""

    name: str
    t: Sequence[float]
    y: Sequence[float | None]
    colour: str
    dashed: bool = False

    def top(self) -> float:
        return max((v for v in self.y if v is not None), default=0.0)


@dataclass(frozen=True)
class Area:
    """A shaded spread between two series at the same event times (a mean and the busiest
    rate around it)."""

    name: str
    t: Sequence[float]
    low: Sequence[float]
    high: Sequence[float]
    colour: str
    opacity: float = 0.3


@dataclass(frozen=True)
class StepLine:
    """A value held from each step's time until the next step (a room's listener cap), drawn
    dash-dotted; None: no value from then on (no line)."""

    name: str
    steps: Sequence[tuple[float, float | None]]
    colour: str


@dataclass(frozen=True)
class RangeBar:
    """A reported count range at a moment (None: open on that side), the same range widened by
    its tolerance (as the verdict read it), and what was observed."""

    t: float
    low: float | None
    high: float | None
    wide_low: float | None
    wide_high: float | None
    observed: float | None
    colour: str
    label: str


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


def _series(frame: Frame, line: Line, y_format: Callable[[float], str]) -> str:
    runs: list[list[tuple[float, float]]] = [[]]
    for t, v in zip(line.t, line.y, strict=True):
        if v is None:
            runs.append([])
        elif frame.inside(t):
            runs[-1].append((frame.x(t), frame.y(v)))
    dash = ' stroke-dasharray="6 4"' if line.dashed else ""
    attrs = f'stroke="{line.colour}" stroke-width="2"{dash}'
    body = "".join(
        polyline(points, attrs)
        if len(points) > 1
        else f'<circle cx="{num(points[0][0])}" cy="{num(points[0][1])}" r="2.5"/>'
        for points in runs
        if points
    )
    return (
        f'<g fill="{line.colour}"><title>{escape(line.name)}: peak {y_format(line.top())}</title>'
        f"{body}</g>"
    )


def _area(frame: Frame, area: Area) -> str:
    inside = [i for i, t in enumerate(area.t) if frame.inside(t)]
    if not inside:
        return ""
    upper = [(frame.x(area.t[i]), frame.y(area.high[i])) for i in inside]
    lower = [(frame.x(area.t[i]), frame.y(area.low[i])) for i in reversed(inside)]
    coords = " ".join(f"{num(x)},{num(y)}" for x, y in upper + lower)
    return (
        f'<polygon points="{coords}" fill="{area.colour}" fill-opacity="{area.opacity}">'
        f"<title>{escape(area.name)}</title></polygon>"
    )


def _steps(frame: Frame, line: StepLine) -> str:
    """One polyline per stretch with a value: along it, then up or down to the next value."""
    pieces: list[list[tuple[float, float]]] = []
    ends = [t for t, _ in line.steps[1:]] + [frame.axis.end]
    for (t, value), end in zip(line.steps, ends, strict=True):
        xs = frame.xs(t, end)
        if value is None or xs is None:
            pieces.append([])
            continue
        y = frame.y(value)
        points = [(xs[0], y), (xs[1], y)]
        if pieces and pieces[-1]:
            pieces[-1].extend(points)
        else:
            pieces.append(points)
    attrs = f'stroke="{line.colour}" stroke-width="2" stroke-dasharray="8 3 2 3"'
    return (
        f"<g><title>{escape(line.name)}</title>"
        + "".join(polyline(points, attrs) for points in pieces if points)
        + "</g>"
    )


def _range_bars(frame: Frame, bars: Sequence[RangeBar]) -> list[str]:
    """Reported range thick, tolerance thin, bounds capped; the observed value as a dot."""
    out = []
    for bar in bars:
        if not frame.inside(bar.t):
            continue
        x = frame.x(bar.t)
        parts = []
        for low, high, width in ((bar.wide_low, bar.wide_high, 1.5), (bar.low, bar.high, 4.0)):
            y0 = frame.y(0.0 if low is None else low)
            y1 = frame.y(frame.y_top if high is None else high)
            parts.append(
                f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(y0)}" y2="{num(y1)}" '
                f'stroke-width="{width}"/>'
            )
        for value in (bar.low, bar.high):
            if value is not None:
                y = num(frame.y(value))
                parts.append(f'<line x1="{num(x - 6)}" x2="{num(x + 6)}" y1="{y}" y2="{y}"/>')
        if bar.observed is not None:
            parts.append(
                f'<circle cx="{num(x)}" cy="{num(frame.y(bar.observed))}" r="5" '
                f'fill="{bar.colour}" stroke="#fff" stroke-width="1.5"/>'
            )
        out.append(
            f'<g stroke="{DARK}" stroke-width="2"><title>{escape(bar.label)}</title>'
            + "".join(parts)
            + "</g>"
        )
    return out


def _stack(frame: Frame, stack: Stack) -> list[str]:
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
                f'<rect x="{num(x0 + 0.5)}" y="{num(y1)}" width="{num(max(x1 - x0 - 1, 1))}" '
                f'height="{num(max(y0 - y1, 0.5))}"><title>{escape(offset_label(t))}: '
                f"{escape(name)} {format_approx_count(v)}</title></rect>"
            )
        out.append(f'<g fill="{colour}">{"".join(rects)}</g>')
    return out


def time_chart(
    axis: TimeAxis,
    label: str,
    *,
    lines: Sequence[Line] = (),
    areas: Sequence[Area] = (),
    steps: Sequence[StepLine] = (),
    stack: Stack | None = None,
    marks: Sequence[ChartMark] = (),
    bands: Sequence[Band] = (),
    ranges: Sequence[RangeBar] = (),
    y_format: Callable[[float], str] = format_approx_count,
    y_ticks: Callable[[float], list[float]] = nice_ticks,
    height: float = 260.0,
) -> str:
    """A chart on the event clock: shaded areas, lines, step lines and/or stacked bars, with
    marks, bands and ranges; `y_ticks` gives round values from 0 up to at least the top."""
    top = max((line.top() for line in lines), default=0.0)
    top = max([top, *(v for area in areas for v in area.high)])
    top = max([top, *(v for step in steps for _, v in step.steps if v is not None)])
    if stack is not None:
        sums = [sum(vals) for vals in zip(*(v for _, _, v in stack.layers), strict=True)]
        top = max(top, max(sums, default=0.0))
    for bar in ranges:
        top = max(top, *(v for v in (bar.wide_low, bar.wide_high, bar.observed) if v is not None))
    ticks = y_ticks(top)
    frame = Frame(axis, ticks[-1], height)
    body = draw_bands(frame, bands) + y_axis(frame, ticks, y_format) + x_axis(frame)
    if stack is not None:
        body += _stack(frame, stack)
    body += [_area(frame, area) for area in areas]
    body += [_series(frame, line, y_format) for line in lines]
    body += [_steps(frame, step) for step in steps]
    body += _range_bars(frame, ranges) + draw_marks(frame, marks)
    return svg_element(height, label, body)


def strip_chart(
    axis: TimeAxis, label: str, rows: Sequence[StripRow], marks: Sequence[ChartMark] = ()
) -> str:
    """Reported time ranges (band, lighter with tolerance) against observed times (diamonds)."""
    row_h = 42.0
    height = TOP + BOTTOM + row_h * max(len(rows), 1)
    frame = Frame(axis, 1.0, height)
    body = x_axis(frame)
    for i, row in enumerate(rows):
        y = TOP + i * row_h
        body.append(
            f'<text x="{num(LEFT + 4)}" y="{num(y + 17)}" fill="{DARK}" {HALO}>'
            f"{escape(row.label)}</text>"
        )
        low = axis.start if row.low is None else row.low
        high = axis.end if row.high is None else row.high
        for lo_t, hi_t, opacity in (
            (low - row.tolerance_s, high + row.tolerance_s, 0.18),
            (low, high, 0.45),
        ):
            xs = frame.xs(lo_t, hi_t)
            if xs is None:
                continue
            x0, x1 = xs
            body.append(
                f'<rect x="{num(x0)}" y="{num(y + 24)}" width="{num(max(x1 - x0, 2))}" height="10" '
                f'fill="#57606a" fill-opacity="{opacity}"/>'
            )
        if row.observed is not None and frame.inside(row.observed):
            x, cy = frame.x(row.observed), y + 29
            fill, stroke = ("#fff", row.colour) if row.at_least else (row.colour, "#fff")
            body.append(
                f'<path d="M{num(x)} {num(cy - 7)}l7 7-7 7-7-7z" fill="{fill}" stroke="{stroke}" '
                'stroke-width="2"/>'
            )
    body += draw_marks(frame, marks)
    return svg_element(height, label, body)


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
            f'<text x="{num(LEFT - 6)}" y="{num(y + 14)}" text-anchor="end">{escape(name)}</text>'
        )
        if value is None:
            body.append(f'<text x="{num(LEFT)}" y="{num(y + 14)}" fill="#57606a">n/a</text>')
            continue
        bar_w = max(value / top * width, 1.0)
        body.append(
            f'<rect x="{num(LEFT)}" y="{num(y + 2)}" width="{num(bar_w)}" height="16" '
            f'fill="{BLUE}"/>'
            f'<text x="{num(LEFT + bar_w + 5)}" y="{num(y + 14)}">{escape(fmt(value))}</text>'
        )
    return svg_element(height, label, body)
