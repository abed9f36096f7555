"""The plan as the console shows it: the expected served peak, when, and what sets it; what the
scenario's cadence becomes; every count in one form; at 80 and 120 columns, nothing cut."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simspace.plan import Cadence, make_plan
from simspace.report.plan_view import GLOSSARY, GLOSSARY_LABEL, PlanView, cadence_text, plan_rows
from simspace.scenario.loader import load_scenario
from simspace.units import format_approx_count, parse_count
from tests.docs_figures import default_plan, rendered
from tests.report import builders as b

CAPPED = Path(__file__).parents[1] / "data" / "capped_room.yaml"
REFERENCE_SCENARIOS = ("trump_space", "desantis_launch", "ci_smoke")
PREDICTED_RPS = (5255.4, 2104.9)  # what `--predict` adds: a row of its own

# A number followed by what it counts (a rate per listener, `~1.20 req/s each`, is no count).
COUNTED = re.compile(
    r"(?<![\w./])(?P<number>\d[\d.,_]*[kMB]?) (?:real |event |simulated )?"
    r"(?:listeners?|arrivals|arriving|requests|listening|waiting|refused|req/s(?! per| each))"
)


def _render(view: PlanView, width: int = 100) -> str:
    return rendered(view, width)


def test_the_expected_peak_says_when_and_what_sets_it() -> None:
    plan = make_plan(load_scenario(str(CAPPED)).scenario)
    words = " ".join(_render(PlanView(plan)).split())
    assert (
        "expected peak ~44.9k event listeners served at +20m30s, ~500 real req/s at the busiest "
        "(budget 500 req/s) peak basis capped at 45k by the main room's cap; uncapped and live "
        "from the start, the audience would peak at 62.6k at +21m30s metadata poll"
    ) in words
    # the reason for the scale counts the refused crowd's polls
    assert (
        "500 req/s budget at the busiest moment expected, +19m30s: ~24.9k listening (~1.20 "
        "req/s per simulated listener) and ~40.7k refused by a full room, polling"
    ) in words


def test_a_plan_from_before_the_served_peak_shows_no_basis() -> None:
    old = b.plan().model_copy(update={"expected_peak_present": 1234.0, "expected_peak_rps": 99.0})
    text = _render(PlanView(old))
    assert "~1.23k event listeners served, ~99 real req/s at the busiest (budget 1k" in text
    assert "peak basis" not in text


def test_a_cadence_says_the_scenarios_interval_and_what_one_request_stands_for() -> None:
    # DeSantis: a 10 s poll at speedup 16.7, one simulated listener for 987 event listeners
    coalesced = Cadence(event_interval_s=10.0, wall_interval_s=2.0, weight=3291.4)
    assert cadence_text(coalesced, speedup=16.67) == (
        "scenario: every 10s; one request every 2s wall (33.3s of event time) stands for 3.29k "
        "event requests"
    )
    # a real target: its own cadence, one request for each event listener it stands for
    real_time = Cadence(event_interval_s=10.0, wall_interval_s=10.0, weight=50.0)
    assert cadence_text(real_time, speedup=1.0) == (
        "scenario: every 10s; one request every 10s wall stands for 50 event requests"
    )


def _row_texts(text: str) -> list[tuple[str, str]]:
    """The rendered rows, label and text with its lines joined: the value column starts where
    the first row's value does."""
    lines = text.splitlines()
    indent = len(lines[0]) - len(lines[0].split("  ")[-1].lstrip())
    rows: list[tuple[str, str]] = []
    for line in lines:
        label, value = line[:indent].strip(), line[indent:]
        if label:
            rows.append((label, value))
        else:
            rows[-1] = (rows[-1][0], f"{rows[-1][1]}\n{value}")
    return rows


@pytest.mark.slow
@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", REFERENCE_SCENARIOS)
def test_a_reference_plan_reads_whole_at_the_width_of_a_terminal(name: str, width: int) -> None:
    plan = default_plan(name)
    text = rendered(PlanView(plan, PREDICTED_RPS), width)
    assert max(len(line) for line in text.splitlines()) <= width
    # every row's words as written: none broken mid-word, none lost
    expected = plan_rows(plan, PREDICTED_RPS)
    shown = _row_texts(text)
    assert [label for label, _ in shown] == [label for label, _ in expected]
    for (_, value), (label, written) in zip(shown, expected, strict=True):
        assert value.split() == written.split(), label
    glossary_label, glossary = shown[-1]
    assert (glossary_label, " ".join(glossary.split())) == (GLOSSARY_LABEL, GLOSSARY)
    assert re.search(r"\de[+-]?\d", text) is None  # no exponent
    assert re.search(r"\d[,_]\d", text) is None  # no thousands separator
    counted = COUNTED.findall(text)
    assert len(counted) >= 10
    for number in counted:
        assert number == format_approx_count(parse_count(number)), number
    assert f"{format_approx_count(plan.listener_weight)} event listeners" in text
