"""The expectation judged: survive (gates hold) or reproduce (facts reproduced and gates hold);
and how the reporter shows it: console table, JUnit cases, HTML section."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from rich.console import Console

from simspace.judge.facts.compare import compare
from simspace.judge.gates import GateContext, Outcome, judge_outcome, judge_runs, parse_gates
from simspace.report.gates_view import GateTable, gate_case, gates_section
from simspace.report.junit import junit_xml
from simspace.results.model import Percentiles, RunResult
from simspace.scenario.facts import Gates
from simspace.scenario.model import Scenario
from tests.report import builders as b

DELAY = {"id": "delay", "metric": "start_delay", "reported": {"min": "3m"}}
SCENARIO: Scenario = b.scenario(DELAY)
LATE = b.result(
    start_delay_s=600.0,
    spaces=[b.space(1, running_at=600.0)],
    ttfa_s=Percentiles(count=10, p50=1.0, p95=7.2, p99=9.0, max=9.0),
)
ON_TIME = b.result(
    start_delay_s=0.0,
    spaces=[b.space(1, running_at=0.0)],
    ttfa_s=Percentiles(count=10, p50=1.0, p95=2.0, p99=2.0, max=2.0),
)


def outcome(
    expect: str, expressions: list[str], result: RunResult = LATE, *, expect_override: str = ""
) -> Outcome:
    checks = parse_gates(expressions, GateContext.of(SCENARIO))
    gates = Gates.model_validate({"expect": expect, "checks": checks})
    return judge_outcome(
        gates,
        result,
        compare(SCENARIO, result),
        SCENARIO.window,
        expect="reproduce" if expect_override == "reproduce" else None,
    )


def test_survive_with_no_gates_holds() -> None:
    o = outcome("survive", [], ON_TIME)
    assert (o.passed, o.failures) == (True, [])
    assert o.summary == "expectation met: the run survives (no gates set)"


def test_survive_fails_with_the_failing_lines_only() -> None:
    o = outcome("survive", ["ttfa_p95 <= 5s after +5m", "ttfa_p50 <= 5s", "stall_ratio <= 1%"])
    assert not o.passed
    assert o.failures == [
        "NOT OBSERVABLE ttfa_p95: the result has no time-to-first-audio samples (older format); "
        "threshold <= 5s (after +5m)",
        "NOT OBSERVABLE stall_ratio: no listener heard audio; threshold <= 1%",
    ]
    assert o.summary == (
        "expectation not met: the run must survive (1 of 3 gates passed, 2 not observable "
        "counted as failed)"
    )


def test_survive_ignores_the_facts() -> None:
    assert outcome("survive", ["ttfa_p50 <= 5s"], ON_TIME).passed  # `delay` not reproduced


def test_reproduce_needs_every_scored_fact_and_every_gate() -> None:
    assert outcome("reproduce", ["ttfa_p50 <= 5s"]).passed
    missed = outcome("reproduce", ["ttfa_p50 <= 5s"], ON_TIME)
    assert not missed.passed
    assert missed.failures == ["NOT REPRODUCED delay: observed 0s, reported >= 3m"]
    assert missed.summary == (
        "expectation not met: the run must reproduce the incident (0 of 1 scored facts "
        "reproduced; 1 of 1 gate passed)"
    )
    gate_failed = outcome("reproduce", ["ttfa_p95 <= 5s"])
    assert gate_failed.failures == ["FAILED ttfa_p95: observed 7.2s, threshold <= 5s"]


def test_the_expectation_can_be_overridden() -> None:
    assert outcome("survive", [], ON_TIME).passed
    assert not outcome("survive", [], ON_TIME, expect_override="reproduce").passed


def test_several_runs_survive_all_or_reproduce_one() -> None:
    good, bad = outcome("survive", []), outcome("survive", ["ttfa_p95 <= 5s"])
    assert judge_runs([("a", good), ("b", good)])[0]
    passed, summary, lines = judge_runs([("a", good), ("b", bad)])
    assert (passed, summary) == (False, "expectations not met: 1 of 2 runs survived")
    assert lines == ["b: FAILED ttfa_p95: observed 7.2s, threshold <= 5s"]
    hit, miss = outcome("reproduce", []), outcome("reproduce", [], ON_TIME)
    assert judge_runs([("organic", hit), ("ddos", miss)])[:2] == (
        True,
        "expectations met: 1 of 2 runs reproduced the incident (organic)",
    )
    passed, _, lines = judge_runs([("ddos", miss)])
    assert not passed
    assert lines == ["ddos: NOT REPRODUCED delay: observed 0s, reported >= 3m"]


def test_the_console_table_shows_every_gate_and_the_expectation() -> None:
    console = Console(width=100, record=True, color_system=None)
    console.print(GateTable(outcome("survive", ["ttfa_p95 <= 5s after +5m", "ttfa_p50 <= 5s"])))
    text = console.export_text()
    assert "cli-1: ttfa_p95" in text
    assert "after +5m" in text
    assert "not observable" in text
    assert "<= 5s" in text
    assert "passed" in text
    assert "expectation not met: the run must survive" in text


def test_each_gate_is_a_junit_case() -> None:
    o = outcome("survive", ["ttfa_p95 <= 5s", "ttfa_p50 <= 5s", "stall_ratio <= 1%"])
    xml = junit_xml(compare(SCENARIO, LATE), gates=[gate_case(v) for v in o.gates])
    suite = ET.fromstring(xml.split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    assert suite.get("tests") == "4"
    assert suite.get("failures") == "2"
    cases = suite.findall("testcase[@classname='gates']")
    assert [c.get("name") for c in cases] == ["cli-1", "cli-2", "cli-3"]
    failure = cases[0].find("failure")
    assert failure is not None
    assert failure.get("message") == "FAILED ttfa_p95: observed 7.2s, threshold <= 5s"
    assert failure.get("type") == "failed"
    assert cases[1].find("failure") is None
    unobservable = cases[2].find("failure")
    assert unobservable is not None
    assert unobservable.get("type") == "not_observable"
    assert "not observable counts as failed" in (unobservable.text or "")


def test_the_html_section_is_escaped() -> None:
    o = outcome("survive", ["error_ratio < 2% message='<script>x</script>'"])
    html = gates_section(o)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert '<section id="gates">' in html
    assert gates_section(None) == ""
    assert "No gates" in gates_section(outcome("survive", [], ON_TIME))


def test_listener_visible_gates_read_the_scenarios_texts() -> None:
    from simspace.report.outputs import RunReport  # noqa: PLC0415
    from simspace.results.model import ErrorCount  # noqa: PLC0415

    failing = LATE.model_copy(
        update={
            "requests": b.requests("api", (0.0, 85.0, 15.0)),
            "errors": [  # a text the scenario's platform shows, and one it does not
                ErrorCount(
                    t=0.0, tier="api", message=SCENARIO.platform.errors.overload, weight=10.0
                ),
                ErrorCount(t=0.0, tier="api", message="HTTP 502", weight=5.0),
            ],
        }
    )
    checks = parse_gates(["error_ratio < 5% listener_visible=true"], GateContext.of(SCENARIO))
    gated = SCENARIO.model_copy(update={"gates": Gates(checks=checks)})
    report = RunReport(Path("runs/x"), gated, failing, compare(gated, failing))
    [verdict] = report.outcome().gates
    assert (verdict.verdict, verdict.observed) == ("failed", 0.1)
    without = judge_outcome(gated.gates, failing, compare(gated, failing), SCENARIO.window)
    assert without.gates[0].verdict == "not_observable"


def test_facts_about_another_event_never_fail_reproduce() -> None:
    other = {"id": "record", "metric": "peak_listeners", "reported": "57k", "about": "other_event"}
    scenario = b.scenario(DELAY, other)
    gates = Gates.model_validate({"expect": "reproduce", "checks": []})
    o = judge_outcome(gates, LATE, compare(scenario, LATE), scenario.window)
    assert (o.passed, o.failures) == (True, [])
    assert o.summary == (
        "expectation met: the run reproduces the incident (1 of 1 scored facts reproduced; "
        "no gates set)"
    )
