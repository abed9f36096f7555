"""The reporter: reported facts vs what a run observed (verdicts and a fit score), shown as a
console table, a JUnit file and a self-contained offline HTML report."""

from __future__ import annotations

from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import Comparison, FactVerdict
from simspace.report.console import VerdictTable
from simspace.report.html.page import render_report
from simspace.report.junit import junit_xml
from simspace.report.outputs import RunReport, load_run, write_run_reports

__all__ = [
    "Comparison",
    "FactVerdict",
    "RunReport",
    "VerdictTable",
    "compare",
    "junit_xml",
    "load_run",
    "render_report",
    "write_run_reports",
]
