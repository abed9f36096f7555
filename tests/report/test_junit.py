"""junit.xml: parsed back, it has the shape CI systems read, one case per fact, the right counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from simspace.judge.facts.compare import compare
from simspace.report.junit import JUnitCase, junit_xml
from tests.report import builders as b

SUITE_ATTRIBUTES = ("name", "tests", "failures", "errors", "skipped", "time")


def parse(xml: str) -> ET.Element:
    assert xml.startswith("<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(xml)


def only_suite(root: ET.Element) -> ET.Element:
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    return suites[0]


def outcome(case: ET.Element) -> str:
    children = [child.tag for child in case if child.tag != "system-out"]
    assert len(children) <= 1, children
    return children[0] if children else "passed"


def test_common_junit_shape() -> None:
    root = parse(junit_xml(b.sample_comparison(), time_s=12.5))
    suite = only_suite(root)
    for element in (root, suite):
        assert all(key in element.attrib for key in SUITE_ATTRIBUTES)
        assert element.get("time") == "12.500"
    assert root.get("name") == "simspace"
    assert suite.get("name") == "simspace.report_test.organic"
    cases = suite.findall("testcase")
    assert all(set(c.attrib) == {"classname", "name", "time"} for c in cases)
    assert [child.tag for child in suite] == ["properties"] + ["testcase"] * len(cases)


def test_one_case_per_fact_with_its_outcome() -> None:
    suite = only_suite(parse(junit_xml(b.sample_comparison())))
    outcomes = {c.get("name"): outcome(c) for c in suite.findall("testcase")}
    assert outcomes == {
        "start_delay": "failure",
        "waiting_878k": "passed",
        "peak": "passed",
        "first_space_ended": "failure",
        "no_fetch_error": "passed",
        "api_errors": "skipped",
        "tested_8m_claim": "skipped",
    }
    assert {c.get("classname") for c in suite.findall("testcase")} == {"facts"}
    counts = {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "7", "failures": "2", "errors": "0", "skipped": "2"}


def test_failure_says_observed_expected_and_tolerance() -> None:
    suite = only_suite(parse(junit_xml(b.sample_comparison())))
    failure = suite.find("testcase[@name='start_delay']/failure")
    assert failure is not None
    assert failure.get("type") == "not_reproduced"
    assert failure.get("message") == (
        "NOT REPRODUCED start_delay: observed 12m, reported 41m..42m (tolerance 5m)"
    )
    assert failure.text is not None
    assert "reported: statement of start_delay (sources: src)" in failure.text
    assert failure.text.endswith("outside the reported range by 29m")
    bound = suite.find("testcase[@name='first_space_ended']/failure")
    assert bound is not None
    assert bound.text is not None
    assert bound.text.endswith("outside the reported range by at least 2h39m")


def test_skipped_cases_carry_the_reason_and_the_claims_view() -> None:
    suite = only_suite(parse(junit_xml(b.sample_comparison())))
    unobservable = suite.find("testcase[@name='api_errors']/skipped")
    claim = suite.find("testcase[@name='tested_8m_claim']/skipped")
    assert unobservable is not None
    assert claim is not None
    assert "no requests were sent on the api tier" in (unobservable.get("message") or "")
    assert claim.get("message") == (
        "CLAIM tested_8m_claim: reported 8M listeners; the modelled platform served at most "
        "1.2M concurrent listeners in this run: below the claimed 8M"
    )


def test_properties_hold_the_fit_score() -> None:
    suite = only_suite(parse(junit_xml(b.sample_comparison(variant=None))))
    assert suite.get("name") == "simspace.report_test"
    properties = {p.get("name"): p.get("value") for p in suite.iterfind("properties/property")}
    assert properties["fit_score"] == "0.5455"
    assert properties["scenario"] == "report_test"
    assert "variant" not in properties


def test_text_is_escaped() -> None:
    message = 'Could not <fetch> "Space" & co'
    fact = {"id": "e", "metric": "error_message_seen", "message": message, "reported": False}
    comparison = compare(b.scenario(fact), b.result(errors_seen={message: 3.0}))
    xml = junit_xml(comparison)
    assert "&lt;fetch&gt;" in xml
    failure = only_suite(parse(xml)).find("testcase/failure")
    assert failure is not None
    assert message in (failure.get("message") or "")


@pytest.mark.parametrize("time_s", [0.0, 3.25])
def test_gate_cases_extend_the_suite(time_s: float) -> None:
    gates = [
        JUnitCase("gates", "ttfa_p95", failure="FAILED ttfa_p95: observed 9s, expected <= 5s"),
        JUnitCase("gates", "join_success", time_s=time_s),
        JUnitCase("gates", "stall_ratio", error="no data", text="the run has no stalls"),
    ]
    root = parse(junit_xml(b.sample_comparison(), gates=gates))
    suite = only_suite(root)
    counts = {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "10", "failures": "3", "errors": "1", "skipped": "2"}
    assert {key: root.get(key) for key in counts} == counts
    gate_cases = suite.findall("testcase[@classname='gates']")
    assert [outcome(c) for c in gate_cases] == ["failure", "passed", "error"]
    assert gate_cases[1].get("time") == f"{time_s:.3f}"
    error = gate_cases[2].find("error")
    assert error is not None
    assert (error.get("message"), error.text) == ("no data", "the run has no stalls")


def test_a_marginal_verdict_says_so_in_the_case_that_passed() -> None:
    delay_s = 46 * 60 + 30.0
    run = b.result(start_delay_s=delay_s, spaces=[b.space(1, running_at=delay_s)])
    run = run.model_copy(
        update={"observer": run.observer.model_copy(update={"timing_resolution_s": 43.0})}
    )
    fact = {"id": "delay", "metric": "start_delay", "reported": ["41m", "42m"], "tolerance": "5m"}
    comparison = compare(b.scenario(fact), run)
    (case,) = only_suite(parse(junit_xml(comparison))).iter("testcase")
    assert outcome(case) == "passed"
    out = case.find("system-out")
    assert out is not None
    assert "MARGINAL: 30s from the tolerance edge" in (out.text or "")
