"""The plan as the console shows it: the expected served peak, when, and what sets it."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from simspace.plan import make_plan
from simspace.report.plan_view import PlanView
from simspace.scenario.loader import load_scenario
from tests.report import builders as b

CAPPED = Path(__file__).parents[1] / "data" / "capped_room.yaml"


def _render(view: PlanView) -> str:
    out = io.StringIO()
    Console(file=out, width=100, color_system=None).print(view)
    return "\n".join(line.rstrip() for line in out.getvalue().splitlines())


def test_the_expected_peak_says_when_and_what_sets_it() -> None:
    plan = make_plan(load_scenario(str(CAPPED)).scenario)
    text = _render(PlanView(plan))
    assert (
        "expected peak    ~44.9k listeners served at +20m30s, ~500 real req/s at the busiest "
        "(budget 500)\n"
        "peak basis       capped at 45k by the main room's cap; uncapped and live from the start, "
        "the"
    ) in text
    words = " ".join(text.split())
    assert "the audience would peak at 62.6k at +21m30s metadata poll" in words
    # the reason for the scale counts the refused crowd's polls
    assert (
        "500 req/s budget at the busiest moment expected, +19m30s: ~24.9k listening (~1.20 "
        "req/s per simulated listener) and ~40.7k refused by a full room, polling"
    ) in words


def test_a_plan_from_before_the_served_peak_shows_no_basis() -> None:
    old = b.plan().model_copy(update={"expected_peak_present": 1234.0, "expected_peak_rps": 99.0})
    text = _render(PlanView(old))
    assert "expected peak    ~1.23k listeners served, ~99 real req/s at the busiest" in text
    assert "peak basis" not in text
