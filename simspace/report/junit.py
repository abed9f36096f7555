"""`junit.xml`: each reported fact and each gate of a run as a JUnit test case, so CI systems
show what a run reproduced. Not reproduced: a failure; not observable, claims and context (facts
about another event, never judged): skipped.

Shape (the common Ant/Jenkins/GitLab one):

    <testsuites name="simspace" tests= failures= errors= skipped= time=>
      <testsuite name="simspace.<scenario>[.<variant>]" tests= failures= errors= skipped= time=>
        <properties><property name="fit_score" value="0.33"/>...</properties>
        <testcase classname="facts" name="<fact id>" time="0">
          <failure message="..." type="not_reproduced">...</failure> | <skipped message="..."/>
        </testcase>
        ... extra cases (gates) ...
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from simspace.judge.gates.outcome import gate_count_text
from simspace.judge.verdicts import Comparison, FactVerdict, format_deviation
from simspace.judge.wording import headline, verdict_line


@dataclass(frozen=True)
class JUnitCase:
    """One test case. At most one of `failure`, `skipped`, `error` (their message) is set.

    This is the extension point for gates: build one per gate (`classname="gates"`) and pass
    them to `junit_xml(..., gates=[...])`.
    """

    classname: str
    name: str
    failure: str | None = None
    failure_type: str = "failure"
    skipped: str | None = None
    error: str | None = None
    text: str = ""  # body of the failure or error element: the full explanation
    time_s: float = 0.0
    system_out: str = ""  # notes on a case that passed: a marginal verdict, its robustness


def fact_case(verdict: FactVerdict, comparison: Comparison | None = None) -> JUnitCase:
    """The test case of one fact: passed, failed (not reproduced) or skipped."""
    line = verdict_line(verdict, comparison.calendar if comparison else None)
    if verdict.verdict == "not_reproduced":
        text = f"{line}\nreported: {verdict.statement} (sources: {', '.join(verdict.sources)})"
        if verdict.deviation is not None and verdict.unit != "seen":
            by = "by at least" if verdict.observed_at_least else "by"
            text += f"\noutside the reported range {by} {format_deviation(verdict)}"
        return JUnitCase(
            "facts", verdict.fact_id, failure=line, failure_type="not_reproduced", text=text
        )
    if verdict.verdict in ("not_observable", "claim", "context"):
        return JUnitCase("facts", verdict.fact_id, skipped=line)
    notes = [line] if verdict.marginal else []
    notes += [f"robustness: {verdict.robustness}"] if verdict.robustness else []
    return JUnitCase("facts", verdict.fact_id, system_out="\n".join(notes))


def suite_name(comparison: Comparison) -> str:
    """`simspace.<scenario>` or `simspace.<scenario>.<variant>`."""
    variant = f".{comparison.variant}" if comparison.variant else ""
    return f"simspace.{comparison.scenario}{variant}"


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _counts(cases: Sequence[JUnitCase], time_s: float) -> dict[str, str]:
    return {
        "tests": str(len(cases)),
        "failures": str(sum(c.failure is not None for c in cases)),
        "errors": str(sum(c.error is not None for c in cases)),
        "skipped": str(sum(c.skipped is not None for c in cases)),
        "time": _seconds(time_s),
    }


def _case_element(parent: ET.Element, case: JUnitCase) -> None:
    element = ET.SubElement(
        parent,
        "testcase",
        {"classname": case.classname, "name": case.name, "time": _seconds(case.time_s)},
    )
    if case.failure is not None:
        failure = ET.SubElement(
            element, "failure", {"message": case.failure, "type": case.failure_type}
        )
        failure.text = case.text or case.failure
    elif case.error is not None:
        error = ET.SubElement(element, "error", {"message": case.error, "type": "error"})
        error.text = case.text or case.error
    elif case.skipped is not None:
        ET.SubElement(element, "skipped", {"message": case.skipped})
    if case.system_out:
        ET.SubElement(element, "system-out").text = case.system_out


def _gates_text(cases: Sequence[JUnitCase]) -> str | None:
    """`4 of 4 gates passed` from the gate cases, for a summary that leads with the gates when
    there is no scored fact; None without gates."""
    gates = [c for c in cases if c.classname == "gates"]
    if not gates:
        return None
    passed = sum(c.failure is None and c.error is None for c in gates)
    unobservable = sum(c.failure_type == "not_observable" for c in gates if c.failure)
    return gate_count_text(passed, len(gates), unobservable)


def junit_xml(
    comparison: Comparison,
    *,
    gates: Sequence[JUnitCase] | None = None,
    time_s: float = 0.0,
) -> str:
    """The JUnit XML of a run: one suite, a case per fact (claims and context included, as
    skipped), then the `gates` cases if given. `time_s` is the run's wall time."""
    cases = [fact_case(v, comparison) for v in comparison.verdicts]
    cases += list(gates or [])
    root = ET.Element("testsuites", {"name": "simspace", **_counts(cases, time_s)})
    suite = ET.SubElement(
        root, "testsuite", {"name": suite_name(comparison), **_counts(cases, time_s)}
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("scenario", comparison.scenario),
        ("variant", comparison.variant),
        ("fit_score", f"{comparison.fit_score:.4f}"),
        ("summary", "".join(headline(comparison, _gates_text(gates or [])))),
        ("robustness", comparison.robustness),
    ):
        if value is not None:
            ET.SubElement(properties, "property", {"name": name, "value": value})
    for case in cases:
        _case_element(suite, case)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
