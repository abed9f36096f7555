"""Showing a judged run: the console verdict table, the JUnit file, the self-contained offline HTML
report and the report files of a run directory. The verdicts themselves come from
`simspace.judge`."""

from __future__ import annotations

from simspace.report.console import VerdictTable
from simspace.report.html.page import render_report
from simspace.report.junit import junit_xml
from simspace.report.outputs import RunReport, load_run, write_run_reports

__all__ = [
    "RunReport",
    "VerdictTable",
    "junit_xml",
    "load_run",
    "render_report",
    "write_run_reports",
]
