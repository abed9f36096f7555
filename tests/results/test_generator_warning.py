"""The load generator's CPU warning: one wording, written once into result.json, saying which
results it puts in doubt; the console summary and report.html show that wording and no other."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from simspace.judge.facts.compare import compare
from simspace.report.html.page import render_report
from simspace.report.summary import ResultSummary
from simspace.results.build import RunRecord, build_result
from simspace.results.model import STUB_OBSERVER, TARGET_OBSERVER, Observer, RunResult, RunStatus
from simspace.results.observations import Observations
from tests.report import builders as b

BUSY_CPU = [5.0, 95.4, 40.0]


def _result(
    cpu: list[float], status: RunStatus = "completed", observer: Observer = STUB_OBSERVER
) -> RunResult:
    record = RunRecord(
        scenario=b.scenario(window=(0.0, 600.0)),
        variant=None,
        plan=b.plan(0.0, 600.0),
        observations=Observations(),
        ground_truth=None,
        observer=observer,
        status=status,
        failure=None,
        wall_s=30.0,
        generator_cpu=cpu,
    )
    return build_result(record)


def _cpu_warnings(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "CPU" in w]


def test_a_busy_generator_gets_one_warning_that_says_which_results_it_puts_in_doubt() -> None:
    result = _result(BUSY_CPU)
    (warning,) = _cpu_warnings(result.warnings)
    assert result.generator.overloaded
    assert warning.startswith("the load generator's CPU peaked at 95% of a core")
    assert "time to first audio" in warning
    assert "cross-checked against the virtual" in warning
    assert "--budget-rps" in warning


@pytest.mark.parametrize(
    ("status", "observer"),
    [("interrupted", STUB_OBSERVER), ("completed", TARGET_OBSERVER)],
)
def test_the_cross_check_is_named_only_where_a_run_gets_one(
    status: RunStatus, observer: Observer
) -> None:
    (warning,) = _cpu_warnings(_result(BUSY_CPU, status, observer).warnings)
    assert "cross-checked" not in warning


def test_a_generator_below_the_threshold_gets_no_warning() -> None:
    result = _result([5.0, 74.0])
    assert not result.generator.overloaded
    assert not _cpu_warnings(result.warnings)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_console_and_the_report_show_the_one_wording_once() -> None:
    result = _result(BUSY_CPU)
    (warning,) = _cpu_warnings(result.warnings)
    scenario = b.scenario(window=(0.0, 600.0))
    console = Console(width=120, file=io.StringIO(), record=True)
    console.print(ResultSummary(result))
    assert _flat(console.export_text()).count(_flat(warning)) == 1
    html = render_report(scenario, result, compare(scenario, result), command="simspace run x")
    section = re.search(r'<section id="warnings">(.*?)</section>', html, re.S)
    assert section is not None
    items = re.findall(r"<li>(.*?)</li>", section[1], re.S)
    cpu_items = [i for i in items if "CPU" in i or "busy" in i]
    assert len(cpu_items) == 1
    assert cpu_items[0].startswith("the load generator&#x27;s CPU")
