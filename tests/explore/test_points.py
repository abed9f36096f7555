"""Points played in virtual time and judged: the same outcome in one process or two, in any
order; a setting that breaks the scenario is an outcome with its problem, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.explore.points import Evaluation, Point, evaluate_points
from simspace.scenario.parameters import parse_path

SMALL = str(Path(__file__).resolve().parent.parent / "data" / "small_space.yaml")
CAPACITY = parse_path("platform.tiers.api.capacity_rps")

pytestmark = pytest.mark.slow


def test_points_are_the_same_in_one_or_two_processes_and_in_order() -> None:
    evaluation = Evaluation(SMALL, population_scale=1 / 400, seed=3)
    points = [Point(None, ((CAPACITY, c),)) for c in (500.0, 50_000.0, -1.0)]
    seen: list[int] = []
    one = evaluate_points(evaluation, points, workers=1)
    two = evaluate_points(evaluation, points, workers=2, on_done=lambda i, _: seen.append(i))
    assert one == two
    assert sorted(seen) == [0, 1, 2]
    assert [o.settings["platform.tiers.api.capacity_rps"] for o in one] == [500.0, 50e3, -1.0]
    assert one[0].fit_score is not None
    assert one[0].verdicts
    assert one[0].problem is None
    # capacity changes what the run observes: the two points differ
    assert one[0].observed != one[1].observed
    assert one[2].fit_score is None
    assert "platform.tiers.api.capacity_rps" in (one[2].problem or "")
