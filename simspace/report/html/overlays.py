"""What a chart lays over its data on the event clock: numbered vertical marks (the moments of
the report's timeline list) and shaded bands (a reported range, an attack)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from simspace.report.html.canvas import DARK, HALO, TOP, Frame, num

MARK_MERGE = 12.0
"""Marks closer than this (SVG units) share one number label."""
MARK_CHAR = 11.0
"""Width of one digit of a mark label, at the phone's larger font."""


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


def draw_marks(frame: Frame, marks: Sequence[ChartMark]) -> list[str]:
    """The marks inside the axis: dashed lines (hover: number and label), numbers on top."""
    inside = sorted((m for m in marks if frame.inside(m.t)), key=lambda m: m.t)
    xs = [(frame.x(m.t), m) for m in inside]
    bottom = num(TOP + frame.plot_h)
    out = [
        f"<g><title>{m.number}. {escape(m.label)}</title>"
        f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(TOP - 4)}" y2="{bottom}" '
        f'stroke="{m.colour}" stroke-dasharray="3 3"/></g>'
        for x, m in xs
    ]
    for x, row, text, colour in _mark_labels(xs):
        out.append(
            f'<text x="{num(x)}" y="{14 + row * 16}" text-anchor="middle" font-size=".85em" '
            f'font-weight="bold" fill="{colour}" {HALO}>{text}</text>'
        )
    return out


def draw_bands(frame: Frame, bands: Sequence[Band]) -> list[str]:
    """Each band cut to the axis, at least 1.5 units wide so that a short one still shows."""
    out = []
    for band in bands:
        xs = frame.xs(band.start, band.end)
        if xs is None:
            continue
        x0, x1 = xs
        out.append(
            f'<rect x="{num(x0)}" y="{num(TOP)}" width="{num(max(x1 - x0, 1.5))}" '
            f'height="{num(frame.plot_h)}" fill="{band.colour}" fill-opacity="{band.opacity}">'
            f"<title>{escape(band.label)}</title></rect>"
        )
    return out
