"""Mark labels on the report's charts: every mark numbered in one row, moved sideways just enough
that no two labels overlap (a leader joins each to its line), ranges only when the row is full."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from simspace.report.html.canvas import LEFT, RIGHT, Frame, TimeAxis, W
from simspace.report.html.overlays import (
    MARK_CHAR,
    MARK_GAP,
    ChartMark,
    MarkLabel,
    draw_marks,
    mark_labels,
)

AXIS = TimeAxis(-1800.0, 11100.0, lambda t: "20:00")  # -30m .. +3h05m, as trump_space
FRAME = Frame(AXIS, 1.0, 260.0)
ROW = (MARK_GAP, W - MARK_GAP)


def _xs(times: list[float]) -> list[tuple[float, ChartMark]]:
    return [(FRAME.x(t), ChartMark(t, i, f"moment {i}")) for i, t in enumerate(times, start=1)]


def _assert_laid_out(labels: list[MarkLabel], marks: int) -> None:
    """In order, apart by at least the gap, inside the row, each mark named exactly once."""
    for a, b in itertools.pairwise(labels):
        assert a.x + a.width / 2 + MARK_GAP <= b.x - b.width / 2 + 1e-6, (a, b)
    assert labels[0].x - labels[0].width / 2 >= ROW[0] - 1e-6
    assert labels[-1].x + labels[-1].width / 2 <= ROW[1] + 1e-6
    named: list[int] = []
    for label in labels:
        first, _, last = label.text.partition("–")
        named += range(int(first), int(last or first) + 1)
        assert len(label.anchors) == int(last or first) - int(first) + 1
    assert named == list(range(1, marks + 1))


def test_marks_bunched_within_minutes_each_keep_their_own_number() -> None:
    # trump_space: moments 4-13 between +30m and +45m, three of them at the same second
    times = [-900.0, 0.0, 600.0, 1800, 1800, 1800, 1805, 2400, 2410, 2420, 2450, 2500, 2700]
    xs = _xs(times)
    labels = mark_labels(xs, *ROW)
    _assert_laid_out(labels, len(times))
    assert [label.text for label in labels] == [str(i) for i in range(1, len(times) + 1)]
    assert [label.anchors for label in labels] == [(x,) for x, _ in xs]
    # a mark with room around it keeps its label right above its line
    assert labels[0].x == pytest.approx(xs[0][0])


@pytest.mark.parametrize("seed", range(40))
def test_random_bunches_of_marks_never_overlap(seed: int) -> None:
    rng = random.Random(seed)
    centres = [rng.uniform(AXIS.start, AXIS.end) for _ in range(rng.randint(1, 4))]
    times = sorted(
        min(AXIS.end, max(AXIS.start, rng.choice(centres) + rng.gauss(0, 300)))
        for _ in range(rng.randint(1, 60))
    )
    labels = mark_labels(_xs(times), *ROW)
    _assert_laid_out(labels, len(times))
    one_row = sum(len(str(i)) * MARK_CHAR + MARK_GAP for i in range(1, len(times) + 1))
    if one_row - MARK_GAP <= ROW[1] - ROW[0]:
        assert len(labels) == len(times)  # room for each: no range


def test_a_full_row_merges_the_closest_marks_into_ranges() -> None:
    times = [float(t) for t in range(0, 60 * 60, 60)]  # 60 marks a minute apart
    labels = mark_labels(_xs(times), *ROW)
    _assert_laid_out(labels, 60)
    assert len(labels) < 60
    assert any("–" in label.text for label in labels)


def test_each_label_is_drawn_with_a_leader_to_each_of_its_marks() -> None:
    marks = [ChartMark(t, i, f"m{i}") for i, t in enumerate([1800.0, 1800.0, 1805.0], start=1)]
    svg = "".join(draw_marks(FRAME, marks))
    assert re.findall(r'font-weight="bold"[^>]*>([^<]*)</text>', svg) == ["1", "2", "3"]
    leaders = re.findall(r'<line x1="[^"]*" y1="18" x2="([^"]*)" y2="32"/>', svg)
    assert len(leaders) == 3
    assert svg.count('stroke-dasharray="3 3"') == 3
    assert LEFT < float(leaders[0]) < W - RIGHT
