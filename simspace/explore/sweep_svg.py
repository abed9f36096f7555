"""The inline SVG figures of `sweep.html`: a fit heatmap over two parameters (cells coloured by
fit, a marker where every scored fact is reproduced) and one small verdict heatmap per fact; for
one parameter, fit as a line and a verdict strip per fact; for a sample, each parameter's
marginal (the share of points reproducing every scored fact, per bin). Axis labels are in the
field's format (`+40m` and its clock time, `200k`); every text is escaped here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from simspace import units
from simspace.explore.points import PointOutcome
from simspace.explore.sweep import Axis, format_axis_value
from simspace.explore.sweep_result import reproduces_all
from simspace.judge.verdicts import EventCalendar
from simspace.judge.wording import fit_percent
from simspace.report.html.canvas import BLUE, DARK, DARK_GREEN, GREY, HALO, PURPLE, RED, num

FONT = 'font-family="system-ui,sans-serif"'
VIRIDIS = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))
"""Fit 0 .. 1: dark purple to yellow, readable with colour blindness and in grey."""
UNPLAYED = "#eaeef2"
VERDICT_FILL = {"reproduced": DARK_GREEN, "not_reproduced": RED, "not_observable": "#8c959f"}
MAX_LABELS = 9
MAX_STRIP_CELL = 36.0


def fit_colour(fit: float | None) -> str:
    """A fit (0..1) on the viridis ramp; a point that could not play is pale grey."""
    if fit is None:
        return UNPLAYED
    position = max(0.0, min(fit, 1.0)) * (len(VIRIDIS) - 1)
    low = min(int(position), len(VIRIDIS) - 2)
    share = position - low
    rgb = (round(a + (b - a) * share) for a, b in zip(VIRIDIS[low], VIRIDIS[low + 1], strict=True))
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def fit_gradient() -> str:
    """The fit ramp as a CSS gradient, for the legend."""
    stops = ", ".join(fit_colour(i / 4) for i in range(5))
    return f"linear-gradient(90deg, {stops})"


def tick_lines(axis: Axis, value: float, calendar: EventCalendar) -> list[str]:
    """A value as axis labels: `+40m` over its clock time `20:40`, or `200k`."""
    text = format_axis_value(axis, value)
    if axis.kind != "event_time":
        return [text]
    clock = units.offset_to_clock_time(
        round(value), calendar.date, calendar.scheduled_start, calendar.time_zone
    )
    return [text, units.format_clock_time(clock)]


def _every(count: int) -> int:
    return max(1, -(-count // MAX_LABELS))


def _svg(width: float, height: float, label: str, body: Sequence[str], size: int = 13) -> str:
    return (
        f'<svg viewBox="0 0 {num(width)} {num(height)}" width="100%" role="img" '
        f'aria-label="{escape(label)}" {FONT} font-size="{size}" '
        f'preserveAspectRatio="xMidYMid meet">{"".join(body)}</svg>'
    )


def _text(x: float, y: float, text: str, attrs: str = "") -> str:
    return f'<text x="{num(x)}" y="{num(y)}" {attrs}>{escape(text)}</text>'


def _nearest(values: Sequence[float], value: float) -> int:
    return min(range(len(values)), key=lambda i: abs(values[i] - value))


def _fraction(axis: Axis, value: float) -> float:
    """Where a value sits along the axis, 0..1 (on a log axis, in ratios)."""
    if axis.log:
        return math.log(value / axis.low) / math.log(axis.high / axis.low)
    return (value - axis.low) / (axis.high - axis.low)


@dataclass(frozen=True)
class Cells:
    """A two-parameter grid: its values along x and y and the outcome in each cell."""

    x: Axis
    y: Axis
    xs: list[float]
    ys: list[float]
    at: dict[tuple[int, int], PointOutcome]

    @classmethod
    def of(cls, x: Axis, y: Axis, outcomes: Sequence[PointOutcome]) -> Cells:
        xs, ys = x.grid(), y.grid()
        at = {
            (_nearest(xs, o.settings[x.path]), _nearest(ys, o.settings[y.path])): o
            for o in outcomes
        }
        return cls(x, y, xs, ys, at)


@dataclass(frozen=True)
class _Box:
    """Where a heatmap's cells go: left/top corner and cell size."""

    left: float
    top: float
    cell_w: float
    cell_h: float
    rows: int

    def x(self, i: int) -> float:
        return self.left + i * self.cell_w

    def y(self, j: int) -> float:  # the lowest value at the bottom
        return self.top + (self.rows - 1 - j) * self.cell_h


def _x_labels(cells: Cells, box: _Box, calendar: EventCalendar, size: float) -> list[str]:
    out = []
    bottom = box.top + box.rows * box.cell_h
    step = _every(len(cells.xs))
    for i, value in enumerate(cells.xs):
        if i % step and i != len(cells.xs) - 1:
            continue
        for n, line in enumerate(tick_lines(cells.x, value, calendar)):
            fill = f' fill="{GREY}"' if n else ""
            out.append(_text(box.x(i) + box.cell_w / 2, bottom + size * (1.3 + 1.2 * n), line,
                             f'text-anchor="middle"{fill}'))  # fmt: skip
    return out


def _y_labels(cells: Cells, box: _Box, calendar: EventCalendar) -> list[str]:
    out = []
    step = _every(len(cells.ys))
    for j, value in enumerate(cells.ys):
        if j % step and j != len(cells.ys) - 1:
            continue
        lines = tick_lines(cells.y, value, calendar)
        text = f"{lines[0]} ({lines[1]})" if len(lines) > 1 else lines[0]
        out.append(_text(box.left - 6, box.y(j) + box.cell_h / 2 + 4, text, 'text-anchor="end"'))
    return out


def _own_value_marks(cells: Cells, box: _Box) -> list[str]:
    """A purple triangle on each axis at the scenario's own value, when inside the range."""
    out = []
    bottom = box.top + box.rows * box.cell_h
    width = len(cells.xs) * box.cell_w
    height = box.rows * box.cell_h
    if cells.x.low <= cells.x.value <= cells.x.high:
        x = box.left + _fraction(cells.x, cells.x.value) * (width - box.cell_w) + box.cell_w / 2
        out.append(f'<polygon points="{num(x)},{num(bottom)} {num(x - 5)},{num(bottom + 8)} '
                   f'{num(x + 5)},{num(bottom + 8)}" fill="{PURPLE}"/>')  # fmt: skip
    if cells.y.low <= cells.y.value <= cells.y.high:
        share = _fraction(cells.y, cells.y.value)
        y = box.top + height - box.cell_h / 2 - share * (height - box.cell_h)
        out.append(f'<polygon points="{num(box.left)},{num(y)} {num(box.left - 8)},{num(y - 5)} '
                   f'{num(box.left - 8)},{num(y + 5)}" fill="{PURPLE}"/>')  # fmt: skip
    return out


def fit_heatmap(cells: Cells, calendar: EventCalendar) -> str:
    """Cells coloured by fit with the fit written in; a ring on each cell that reproduces
    every scored fact; the scenario's own values marked on the axes."""
    width, left, right = 640.0, 170.0, 12.0
    cell_w = (width - left - right) / len(cells.xs)
    cell_h = max(22.0, min(cell_w * 0.6, 44.0))
    box = _Box(left, 26.0, cell_w, cell_h, len(cells.ys))
    bottom = box.top + box.rows * cell_h
    body = []
    for (i, j), outcome in sorted(cells.at.items()):
        fill = fit_colour(outcome.fit_score)
        x, y = box.x(i), box.y(j)
        body.append(f'<rect x="{num(x)}" y="{num(y)}" width="{num(cell_w)}" '
                    f'height="{num(cell_h)}" fill="{fill}" stroke="#fff"/>')  # fmt: skip
        fit = outcome.fit_score
        shown = "×" if fit is None else fit_percent(fit)
        ink = "#fff" if fit is not None and fit < 0.6 else DARK
        if cell_w >= 34:
            body.append(_text(x + cell_w / 2, y + cell_h / 2 + 4, shown,
                              f'text-anchor="middle" fill="{ink}" font-size="11"'))  # fmt: skip
        if reproduces_all(outcome):
            body.append(f'<circle cx="{num(x + cell_w - 7)}" cy="{num(y + 7)}" r="4" '
                        f'fill="#fff" stroke="{DARK}" stroke-width="1.5"/>')  # fmt: skip
    body += _x_labels(cells, box, calendar, 13)
    body += _y_labels(cells, box, calendar)
    body += _own_value_marks(cells, box)
    x_title = bottom + (44 if cells.x.kind == "event_time" else 30)
    body.append(_text(left + (width - left - right) / 2, x_title, cells.x.path,
                      f'text-anchor="middle" font-weight="600" {HALO}'))  # fmt: skip
    body.append(_text(4, 16, f"↑ {cells.y.path}", 'font-weight="600"'))
    label = f"fit across {cells.x.path} and {cells.y.path}"
    return _svg(width, x_title + 10, label, body)


def fact_heatmap(cells: Cells, fact_id: str, calendar: EventCalendar) -> str:
    """One fact's verdict in each cell: reproduced, not reproduced, not observable."""
    width, left, right = 320.0, 92.0, 8.0
    cell_w = (width - left - right) / len(cells.xs)
    cell_h = max(8.0, min(cell_w * 0.7, 22.0))
    box = _Box(left, 22.0, cell_w, cell_h, len(cells.ys))
    body = [_text(0, 14, fact_id, 'font-weight="600"')]
    for (i, j), outcome in sorted(cells.at.items()):
        fill = VERDICT_FILL.get(outcome.verdicts.get(fact_id) or "", UNPLAYED)
        body.append(f'<rect x="{num(box.x(i))}" y="{num(box.y(j))}" width="{num(cell_w)}" '
                    f'height="{num(cell_h)}" fill="{fill}" stroke="#fff"/>')  # fmt: skip
    bottom = box.top + box.rows * cell_h
    for j in (0, len(cells.ys) - 1):
        text = tick_lines(cells.y, cells.ys[j], calendar)[0]
        body.append(_text(left - 4, box.y(j) + cell_h / 2 + 4, text, 'text-anchor="end"'))
    for i, anchor in ((0, "start"), (len(cells.xs) - 1, "end")):
        text = tick_lines(cells.x, cells.xs[i], calendar)[0]
        edge = box.x(i) if anchor == "start" else box.x(i) + cell_w
        body.append(_text(edge, bottom + 14, text, f'text-anchor="{anchor}"'))
    return _svg(width, bottom + 20, f"{fact_id} across the grid", body, size=11)


@dataclass(frozen=True)
class _Track:
    """A horizontal axis for one parameter, shared by its fit line and its verdict strips."""

    axis: Axis
    left: float = 200.0
    right: float = 20.0
    width: float = 640.0

    def x(self, value: float) -> float:
        return self.left + _fraction(self.axis, value) * (self.width - self.left - self.right)

    def labels(self, values: Sequence[float], y: float, calendar: EventCalendar) -> list[str]:
        out = []
        step = _every(len(values))
        for n, value in enumerate(values):
            if n % step and n != len(values) - 1:
                continue
            for k, line in enumerate(tick_lines(self.axis, value, calendar)):
                fill = f' fill="{GREY}"' if k else ""
                out.append(_text(self.x(value), y + 15 * (k + 1), line,
                                 f'text-anchor="middle"{fill}'))  # fmt: skip
        return out


def _by_value(axis: Axis, outcomes: Sequence[PointOutcome]) -> list[PointOutcome]:
    return sorted(outcomes, key=lambda o: o.settings[axis.path])


def fit_line(axis: Axis, outcomes: Sequence[PointOutcome], calendar: EventCalendar) -> str:
    """Fit against one parameter; a filled dot where every scored fact is reproduced."""
    track = _Track(axis)
    top, plot_h = 12.0, 180.0
    played = [o for o in _by_value(axis, outcomes) if o.fit_score is not None]
    body = []
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = top + plot_h * (1 - tick)
        body.append(f'<line x1="{num(track.left)}" x2="{num(track.width - track.right)}" '
                    f'y1="{num(y)}" y2="{num(y)}" stroke="#eaeef2"/>')  # fmt: skip
        body.append(_text(track.left - 6, y + 4, f"{tick:g}", 'text-anchor="end"'))
    points = [(track.x(o.settings[axis.path]), top + plot_h * (1 - (o.fit_score or 0)))
              for o in played]  # fmt: skip
    if points:
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        body.append(f'<polyline points="{coords}" fill="none" stroke="{BLUE}" stroke-width="2"/>')
    for (x, y), outcome in zip(points, played, strict=True):
        fill = DARK_GREEN if reproduces_all(outcome) else "#fff"
        body.append(f'<circle cx="{num(x)}" cy="{num(y)}" r="4.5" fill="{fill}" '
                    f'stroke="{BLUE}" stroke-width="1.5"/>')  # fmt: skip
    body.append(_text(4, top + 4, "fit", 'dy="0.8em" font-weight="600"'))
    bottom = top + plot_h
    body += track.labels(axis.grid(), bottom, calendar)
    height = bottom + (48 if axis.kind == "event_time" else 34)
    body.append(_text(track.left + (track.width - track.left - track.right) / 2, height - 4,
                      axis.path, 'text-anchor="middle" font-weight="600"'))  # fmt: skip
    return _svg(track.width, height, f"fit across {axis.path}", body)


def verdict_strips(axis: Axis, outcomes: Sequence[PointOutcome], fact_ids: Sequence[str]) -> str:
    """One row per fact: each point's verdict, under the fit line's x positions."""
    track = _Track(axis)
    ordered = _by_value(axis, outcomes)
    span = track.width - track.left - track.right
    cell = min(span / max(len(ordered) - 1, 1), MAX_STRIP_CELL)
    row_h = 18.0
    body = []
    for row, fact_id in enumerate(fact_ids):
        y = 4 + row * row_h
        body.append(_text(track.left - cell / 2 - 6, y + 13, fact_id, 'text-anchor="end"'))
        for outcome in ordered:
            x0 = track.x(outcome.settings[axis.path]) - cell / 2
            fill = VERDICT_FILL.get(outcome.verdicts.get(fact_id) or "", UNPLAYED)
            body.append(f'<rect x="{num(x0)}" y="{num(y)}" width="{num(cell)}" '
                        f'height="{num(row_h - 3)}" fill="{fill}" stroke="#fff"/>')  # fmt: skip
    height = 8 + len(fact_ids) * row_h
    return _svg(track.width, height, f"each fact's verdict across {axis.path}", body, size=12)


def marginal(axis: Axis, outcomes: Sequence[PointOutcome], calendar: EventCalendar) -> str:
    """Per bin of one parameter, the share of points in it that reproduce every scored fact."""
    bins = max(axis.points, 2)
    counts, hits = [0] * bins, [0] * bins
    for outcome in outcomes:
        b = axis.bin_of(outcome.settings[axis.path])
        counts[b] += 1
        hits[b] += reproduces_all(outcome)
    width, left, right, top, plot_h = 320.0, 34.0, 10.0, 24.0, 90.0
    bar_w = (width - left - right) / bins
    body = [_text(0, 14, axis.path, 'font-weight="600"')]
    for tick in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - tick)
        body.append(f'<line x1="{num(left)}" x2="{num(width - right)}" y1="{num(y)}" '
                    f'y2="{num(y)}" stroke="#eaeef2"/>')  # fmt: skip
        body.append(_text(left - 4, y + 4, f"{tick:g}", 'text-anchor="end"'))
    for b in range(bins):
        share = hits[b] / counts[b] if counts[b] else 0.0
        x = left + b * bar_w
        y = top + plot_h * (1 - share)
        body.append(f'<rect x="{num(x + 1)}" y="{num(y)}" width="{num(bar_w - 2)}" '
                    f'height="{num(top + plot_h - y)}" fill="{DARK_GREEN}"/>')  # fmt: skip
        if bar_w >= 26:
            body.append(_text(x + bar_w / 2, top + plot_h - 3, f"{hits[b]}/{counts[b]}",
                              f'text-anchor="middle" fill="{DARK}" {HALO}'))  # fmt: skip
    bottom = top + plot_h
    for value, anchor, x in ((axis.low, "start", left), (axis.high, "end", width - right)):
        text = " ".join(tick_lines(axis, value, calendar))
        body.append(_text(x, bottom + 14, text, f'text-anchor="{anchor}"'))
    label = f"share reproducing every scored fact across {axis.path}"
    return _svg(width, bottom + 22, label, body, size=11)
