"""Robustness labels where a run's verdicts are shown: the console's verdict table, report.html
(escaped, beside the verdict badge) and junit.xml (the fact's system-out); none when the run was
not checked."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from rich.console import Console

from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import Comparison
from simspace.report.console import VerdictTable
from simspace.report.html.page import render_report
from simspace.report.junit import junit_xml
from simspace.results.model import RunResult
from simspace.results.robustness import FactRobustness, Robustness, VariedParameter
from tests.report import builders as b

HOSTILE = "<script>alert(1)</script>"
SET_BY = "set by operator_actions[2] (set_capacity at +40m)"
SENSITIVE = f"sensitive to platform.tiers.api.capacity_rps (not reproduced at 150k) {HOSTILE}"
ROBUSTNESS = Robustness(
    parameters=[
        VariedParameter(
            path="operator_actions[2].at",
            owner="operator_actions[2]",
            unit="event_time",
            value=2400.0,
            low=2100.0,
            high=2700.0,
        ),
    ],
    population_scale=1 / 3000,
    seed=7,
    points=2,
    facts={
        "waiting_878k": FactRobustness(label="set_by", parameters=["x"], text=SET_BY),
        "peak": FactRobustness(label="sensitive", parameters=["y"], text=SENSITIVE),
        # a label for a fact this run did not reproduce is not shown
        "start_delay": FactRobustness(label="robust", text="robust (reproduced at all 2)"),
    },
)
SUMMARY = "robustness: 2 perturbations of 1 fitted parameter, virtual time at scale 1/3000"


def checked(robustness: Robustness | None = ROBUSTNESS) -> tuple[RunResult, Comparison]:
    run = b.result(
        start_delay_s=12 * 60.0,
        waiting=lambda _t: 900_000.0,
        spaces=[b.space(1, running_at=12 * 60.0, peak=1.2e6)],
        peak_listeners=1_200_000.0,
    ).model_copy(update={"robustness": robustness})
    return run, compare(b.scenario(*b.SAMPLE_FACTS), run)


def test_the_verdicts_carry_the_labels_of_reproduced_facts() -> None:
    _, comparison = checked()
    labels = {v.fact_id: v.robustness for v in comparison.verdicts}
    assert labels["waiting_878k"] == SET_BY
    assert labels["peak"] == SENSITIVE
    assert labels["start_delay"] is None  # not reproduced
    assert comparison.robustness == SUMMARY
    _, unchecked = checked(None)
    assert unchecked.robustness is None
    assert all(v.robustness is None for v in unchecked.verdicts)


def test_the_console_table_shows_each_label_under_the_observed_value() -> None:
    console = Console(width=200, record=True, color_system=None, file=io.StringIO())
    console.print(VerdictTable(checked()[1]))
    lines = [line.strip() for line in console.export_text().splitlines()]
    waiting = next(i for i, line in enumerate(lines) if line.startswith("waiting_878k"))
    assert SET_BY in lines[waiting + 1]
    assert any(SENSITIVE in line for line in lines)
    assert lines[-1] == SUMMARY


def test_the_report_shows_each_label_beside_its_verdict_escaped() -> None:
    run, comparison = checked()
    html = render_report(b.scenario(*b.SAMPLE_FACTS), run, comparison, command="simspace run x")
    assert f'<small class="robustness">{SET_BY}</small>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert HOSTILE not in html
    assert SUMMARY in html


def test_junit_puts_the_label_in_the_facts_system_out() -> None:
    suite = ET.fromstring(junit_xml(checked()[1])).find("testsuite")
    assert suite is not None
    out = {c.get("name"): c.findtext("system-out") for c in suite.findall("testcase")}
    assert out["waiting_878k"] == f"robustness: {SET_BY}"
    assert out["peak"] == f"robustness: {SENSITIVE}"
    assert out["no_fetch_error"] is None
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["robustness"] == SUMMARY
