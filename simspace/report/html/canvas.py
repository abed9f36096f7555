"""The canvas every inline SVG chart of the HTML report draws on: size, margins and palette, the
plot frame mapping event time and value to SVG coordinates, the axes and their ticks, and the
`<svg>` element. Numbers are rounded to 0.1 px to keep the file small; labels are escaped here."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from simspace.units import format_offset_s

W = 640.0
LEFT, RIGHT, TOP, BOTTOM = 58.0, 30.0, 36.0, 52.0
FONT = 'font-family="system-ui,sans-serif" font-size="13"'
TICK_STEPS_S = (10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200)
MAX_X_TICKS = 7
HALO = 'paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"'

# Okabe-Ito colours for series (readable with colour blindness), GitHub-like ones for states.
BLUE, ORANGE, GREEN = "#0072b2", "#e69f00", "#009e73"
VERMILION, PINK, SKY = "#d55e00", "#cc79a7", "#56b4e9"
DARK, GREY, PURPLE, RED, DARK_GREEN = "#24292f", "#57606a", "#8250df", "#cf222e", "#1a7f37"


def offset_label(t: float) -> str:
    """Event time as an axis label: `-30m`, `0`, `+1h`."""
    return "0" if t == 0 else format_offset_s(t)


def num(v: float) -> str:
    """A coordinate rounded to 0.1 px, without a trailing `.0` or a `-0`."""
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


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """0 and round values up to at least `top` (1, 2, 2.5 or 5 times a power of ten)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = int(-(-top // step))
    return [i * step for i in range(n + 1)]


DURATION_STEPS_S = (15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200)


def duration_ticks(top: float, count: int = 4) -> list[float]:
    """Like `nice_ticks`, but above a minute in steps a clock reads: 15 s, 30 s, whole minutes,
    5, 10, 15, 30 minutes, hours (`0, 2m, 4m, 6m`, not `0, 1m40s, 3m20s`)."""
    if top <= 60:
        return nice_ticks(top, count)
    step = next((s for s in DURATION_STEPS_S if s * count >= top), None)
    if step is None:
        return [3600 * v for v in nice_ticks(top / 3600, count)]
    return [i * float(step) for i in range(int(-(-top // step)) + 1)]


class Frame:
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

    def xs(self, start: float, end: float) -> tuple[float, float] | None:
        """The x coordinates of a stretch of event time cut to the axis; None if it is outside."""
        start, end = max(start, self.axis.start), min(end, self.axis.end)
        return None if end < start else (self.x(start), self.x(end))


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


def polyline(points: list[tuple[float, float]], attrs: str) -> str:
    coords = " ".join(f"{num(x)},{num(y)}" for x, y in _thin(points))
    return f'<polyline points="{coords}" fill="none" {attrs}/>'


def svg_element(height: float, label: str, body: list[str]) -> str:
    """The `<svg>`: full width, scaling with the page, labelled for screen readers."""
    return (
        f'<svg viewBox="0 0 {num(W)} {num(height)}" width="100%" role="img" '
        f'aria-label="{escape(label)}" {FONT} preserveAspectRatio="xMidYMid meet">'
        + "".join(body)
        + "</svg>"
    )


def x_axis(frame: Frame) -> list[str]:
    """Time ticks with two labels each: the offset from the scheduled start and the clock."""
    out = []
    bottom = TOP + frame.plot_h
    for t in frame.axis.ticks():
        x = num(frame.x(t))
        stroke = "#8c959f" if t == 0 else "#d8dee4"
        out.append(
            f'<line x1="{x}" x2="{x}" y1="{num(TOP)}" y2="{num(bottom)}" stroke="{stroke}"/>'
        )
        out.append(
            f'<text x="{x}" y="{num(bottom)}" dy="1.15em" text-anchor="middle">'
            f"{escape(offset_label(t))}</text>"
            f'<text x="{x}" y="{num(bottom)}" dy="2.35em" text-anchor="middle" fill="#57606a">'
            f"{escape(frame.axis.clock(t))}</text>"
        )
    return out


def y_axis(frame: Frame, ticks: list[float], fmt: Callable[[float], str]) -> list[str]:
    out = []
    for v in ticks:
        y = num(frame.y(v))
        out.append(
            f'<line x1="{num(LEFT)}" x2="{num(W - RIGHT)}" y1="{y}" y2="{y}" stroke="#eaeef2"/>'
            f'<text x="{num(LEFT - 5)}" y="{y}" dy="4" text-anchor="end">{escape(fmt(v))}</text>'
        )
    return out
