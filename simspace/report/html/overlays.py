"""What a chart lays over its data on the event clock: numbered vertical marks (the moments of
the report's timeline list) and shaded bands (a reported range, an attack)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from simspace.report.html.canvas import DARK, HALO, TOP, Frame, W, num

MARK_CHAR = 11.0
"""Width of one character of a mark label, at the phone's larger font."""
MARK_GAP = 5.0
"""Space kept between two neighbouring mark labels."""
LABEL_Y, LEADER_TOP = 14.0, 18.0
"""Baseline of the mark labels' row, and where the leader from a label to its line starts."""


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
class MarkLabel:
    """The number over one or more marks (`8`, or `8–10` when there was no room for each), at
    `x` (its centre) in the label row; `anchors`: the x of each mark it names."""

    x: float
    text: str
    colour: str
    anchors: tuple[float, ...]

    @property
    def width(self) -> float:
        return len(self.text) * MARK_CHAR


def _text(group: list[tuple[float, ChartMark]]) -> str:
    first, last = group[0][1].number, group[-1][1].number
    return str(first) if len(group) == 1 else f"{first}–{last}"


def _row_width(groups: list[list[tuple[float, ChartMark]]]) -> float:
    return sum(len(_text(g)) * MARK_CHAR + MARK_GAP for g in groups) - MARK_GAP


def _groups(
    xs: Sequence[tuple[float, ChartMark]], room: float
) -> list[list[tuple[float, ChartMark]]]:
    """One group per mark; while the labels do not fit in one row, the two closest neighbours
    merge into one range label."""
    groups = [[item] for item in sorted(xs, key=lambda item: item[0])]
    while len(groups) > 1 and _row_width(groups) > room:
        gaps = [b[0][0] - a[-1][0] for a, b in itertools.pairwise(groups)]
        i = gaps.index(min(gaps))
        groups[i : i + 2] = [groups[i] + groups[i + 1]]
    return groups


def _spread(wanted: list[float], widths: list[float], left: float, right: float) -> list[float]:
    """Centres as close to `wanted` (ascending) as labels of `widths` allow without overlapping
    (MARK_GAP apart) inside [left, right]: overlapping labels form a block centred on their
    wanted centres, blocks that then overlap merge, and a block stays inside the row."""
    blocks: list[tuple[int, int, float]] = []  # (first label, last label, block's left edge)

    def offsets(first: int, last: int) -> list[float]:
        out, edge = [], 0.0
        for k in range(first, last + 1):
            out.append(edge + widths[k] / 2)
            edge += widths[k] + MARK_GAP
        return out

    def placed(first: int, last: int) -> tuple[int, int, float]:
        offs = offsets(first, last)
        span = offs[-1] + widths[last] / 2
        edge = sum(wanted[k] - o for k, o in zip(range(first, last + 1), offs, strict=True))
        edge /= len(offs)
        return first, last, min(max(edge, left), right - span)

    for i in range(len(wanted)):
        block = placed(i, i)
        while blocks:
            first, last, edge = blocks[-1]
            end = edge + offsets(first, last)[-1] + widths[last] / 2
            if end + MARK_GAP <= block[2]:
                break
            blocks.pop()
            block = placed(first, block[1])
        blocks.append(block)
    return [edge + o for first, last, edge in blocks for o in offsets(first, last)]


def mark_labels(
    xs: Sequence[tuple[float, ChartMark]], left: float, right: float
) -> list[MarkLabel]:
    """Labels for marks at x (any order) in one row between `left` and `right`: each mark its
    own number where the row has room for them all, moved sideways as little as keeps them
    apart (a leader line joins a label to its mark); never overlapping."""
    groups = _groups(xs, right - left)
    texts = [_text(g) for g in groups]
    centres = _spread(
        [sum(x for x, _ in g) / len(g) for g in groups],
        [len(text) * MARK_CHAR for text in texts],
        left,
        right,
    )
    return [
        MarkLabel(
            x=x,
            text=text,
            colour=group[0][1].colour if len(group) == 1 else DARK,
            anchors=tuple(mark_x for mark_x, _ in group),
        )
        for x, text, group in zip(centres, texts, groups, strict=True)
    ]


def draw_marks(frame: Frame, marks: Sequence[ChartMark]) -> list[str]:
    """The marks inside the axis: dashed lines (hover: number and label), numbers on top, each
    joined to its line by a leader."""
    inside = sorted((m for m in marks if frame.inside(m.t)), key=lambda m: m.t)
    xs = [(frame.x(m.t), m) for m in inside]
    bottom = num(TOP + frame.plot_h)
    out = [
        f"<g><title>{m.number}. {escape(m.label)}</title>"
        f'<line x1="{num(x)}" x2="{num(x)}" y1="{num(TOP - 4)}" y2="{bottom}" '
        f'stroke="{m.colour}" stroke-dasharray="3 3"/></g>'
        for x, m in xs
    ]
    for label in mark_labels(xs, MARK_GAP, W - MARK_GAP):
        leaders = "".join(
            f'<line x1="{num(label.x)}" y1="{num(LEADER_TOP)}" x2="{num(anchor)}" '
            f'y2="{num(TOP - 4)}"/>'
            for anchor in label.anchors
        )
        out.append(
            f'<g stroke="{label.colour}" stroke-width="1">{leaders}</g>'
            f'<text x="{num(label.x)}" y="{num(LABEL_Y)}" text-anchor="middle" font-size=".85em" '
            f'font-weight="bold" fill="{label.colour}" {HALO}>{label.text}</text>'
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
