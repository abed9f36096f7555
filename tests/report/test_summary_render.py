"""What the console prints after a run, rendered from real virtual-engine results at 80 and 120
columns: no line wider than the console, no word broken, every figure with its unit, the fit as
a percentage, and a gates-only run (the CI smoke scenario) led by its gates, not by a fit of
nothing — on the console, in report.html's header line and in junit.xml's summary."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from rich.console import Group

from simspace.engine.play import virtual_result
from simspace.judge.facts.compare import compare
from simspace.judge.gates import Outcome, judge_outcome
from simspace.judge.verdicts import Comparison
from simspace.plan import make_plan
from simspace.report.console import VerdictTable
from simspace.report.gates_view import GateTable, gate_case
from simspace.report.html.page import render_report
from simspace.report.junit import junit_xml
from simspace.report.summary import ResultSummary
from simspace.results.model import RunResult
from simspace.scenario import load_scenario
from simspace.scenario.model import Scenario
from tests.report.test_console import render

ROOT = Path(__file__).parents[2]
WITH_FACTS = ROOT / "tests" / "data" / "small_space.yaml"  # overloaded: errors, give-ups, a fact
GATES_ONLY = ROOT / "scenarios" / "ci_smoke.yaml"  # 4 gates, no fact
WIDE = 1000
"""Wide enough that nothing wraps: the words as written."""
BARE_NUMBER = re.compile(r"(?<![\w.+-])[+-]?\d[\d.,]*[kMB]?(?=[,;)]|$)")
"""A figure right before a comma, semicolon, closing parenthesis or the end: one without unit."""


@dataclass(frozen=True)
class Played:
    scenario: Scenario
    result: RunResult
    comparison: Comparison
    outcome: Outcome

    def tail(self) -> Group:
        """What `simspace run` prints after a run, in its order (cli.running.show_run)."""
        return Group(
            ResultSummary(self.result, self.scenario),
            VerdictTable(self.comparison),
            GateTable(self.outcome),
        )


def _play(path: Path) -> Played:
    loaded = load_scenario(str(path))
    scenario = loaded.scenario
    result = virtual_result(scenario, loaded.variant, make_plan(scenario, loaded.variant))
    comparison = compare(scenario, result)
    outcome = judge_outcome(scenario.gates, result, comparison, bounds=scenario.window)
    return Played(scenario, result, comparison, outcome)


@pytest.fixture(scope="module")
def with_facts() -> Played:
    return _play(WITH_FACTS)


@pytest.fixture(scope="module")
def gates_only() -> Played:
    return _play(GATES_ONLY)


def _rows(played: Played) -> dict[str, list[str]]:
    """The summary table's rows as written (label -> values), from an unwrapped rendering."""
    lines = render(ResultSummary(played.result, played.scenario), WIDE).splitlines()
    start = next(i for i, line in enumerate(lines) if line.split()[:1] == ["observed"])
    rows: dict[str, list[str]] = {}
    for line in lines[start + 1 :]:
        label, _, value = line.strip().partition("  ")
        rows.setdefault(label, []).append(value.strip())
    return rows


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("name", ["with_facts", "gates_only"])
def test_no_line_is_wider_than_the_console_and_no_word_is_broken(
    name: str, width: int, request: pytest.FixtureRequest
) -> None:
    played: Played = request.getfixturevalue(name)
    text = render(played.tail(), width)
    assert max(len(line) for line in text.splitlines()) <= width
    # the verdict table stacks below 100 columns: its `·` and rules are layout, not words
    words = set(render(played.tail(), WIDE).split()) | {"·"}
    broken = [word for word in text.split() if word not in words and word.strip("─")]
    assert broken == []


def test_every_figure_of_the_summary_carries_its_unit(with_facts: Played) -> None:
    rows = _rows(with_facts)
    assert re.fullmatch(r"[\d.]+[kM]? listeners at \+\S+", rows["peak listeners"][0])
    assert re.fullmatch(r"\S+ after the scheduled start", rows["start delay"][0])
    assert rows["listeners"][0].startswith(f"{rows['listeners'][0].split()[0]} listeners arrived:")
    for label in ("time to first audio", "wait before audio"):
        assert re.fullmatch(
            r"p50 [\dmhs.]+, p95 [\dmhs.]+, p99 [\dmhs.]+ \(\d+ simulated listeners\)",
            rows[label][0],
        )
    assert re.fullmatch(
        r"[\d.]+% of the listeners' requests failed \(of each tier's own: api [\d.]+%, "
        r"cdn [\d.]+%\)",
        rows["error ratio"][0],
    )
    seen = rows["listeners saw"]
    assert len(seen) == 2  # small_space: overload and timeouts
    assert all(re.fullmatch(r"'[^']+' on [\d.]+[kM]? failed requests", row) for row in seen)
    every_value = [value for values in rows.values() for value in values]
    assert [v for v in every_value if BARE_NUMBER.search(v)] == []


def test_the_listeners_saw_rows_add_up_to_the_failed_requests_the_clients_bullet_gives(
    with_facts: Played,
) -> None:
    """The same measurement (listeners' failed requests) in two places reads the same."""
    text = render(ResultSummary(with_facts.result, with_facts.scenario), WIDE)
    total = sum(with_facts.result.metrics.errors_seen.values())
    failed = sum(r.failed for r in with_facts.result.requests)
    assert abs(total / failed - 1) < 1e-9
    assert "4.52M of their requests failed" in text
    assert "'Details not available' on 3.06M failed requests" in text


@pytest.mark.parametrize("width", [80, 120])
def test_the_fit_is_a_percentage(with_facts: Played, width: int) -> None:
    lines = render(with_facts.tail(), width).splitlines()
    fit = [line for line in lines if line.startswith("fit ")]
    assert fit == ["fit 100%: 1 of 1 scored facts reproduced"]
    assert lines[-1] == "expectation met: the run survives (no gates set)"


@pytest.mark.parametrize("width", [80, 120])
def test_a_gates_only_run_leads_with_its_gates(gates_only: Played, width: int) -> None:
    lines = render(gates_only.tail(), width).splitlines()
    header = next(i for i, line in enumerate(lines) if line.split()[:1] == ["gate"])
    assert lines[header].split() == ["gate", "threshold", "observed", "verdict"]
    before = " ".join(lines[:header])
    assert before.rstrip().endswith("cdn 0.0%)")  # the summary's last row, then the gates
    assert not re.search(r"\bfit \d|robustness|scored facts|reported facts", before)
    expectation = next(i for i, line in enumerate(lines) if line.startswith("expectation"))
    assert expectation > header
    assert " ".join(" ".join(lines[expectation:]).split()) == (
        "expectation met: the run survives (4 of 4 gates passed; no reported facts to compare)"
    )


def test_the_html_header_and_junit_lead_with_the_gates_too(gates_only: Played) -> None:
    p = gates_only
    html = render_report(
        p.scenario, p.result, p.comparison, command="simspace run", outcome=p.outcome
    )
    assert "<b>4 of 4 gates passed</b>; no reported facts to compare" in html
    assert "fit 0%" not in html
    xml = junit_xml(p.comparison, gates=[gate_case(v) for v in p.outcome.gates])
    suite = ET.fromstring(xml.split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    summary = suite.find("properties/property[@name='summary']")
    assert summary is not None
    assert summary.get("value") == "4 of 4 gates passed; no reported facts to compare"


def test_the_html_header_with_facts_prints_the_fit_as_the_console_does(
    with_facts: Played,
) -> None:
    p = with_facts
    html = render_report(
        p.scenario, p.result, p.comparison, command="simspace run", outcome=p.outcome
    )
    assert "<b>fit 100%</b>: 1 of 1 scored facts reproduced" in html
