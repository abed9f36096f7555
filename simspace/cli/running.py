"""What the commands that run scenarios share: the console, one run shown from its plan to its
verdicts, and the expectation it must meet."""

from __future__ import annotations

import asyncio

from rich.console import Console
from rich.markup import escape

from simspace.errors import ExpectationFailed, RunInterrupted
from simspace.judge.gates import Outcome
from simspace.report.console import VerdictTable
from simspace.report.gates_view import GateTable
from simspace.report.outputs import RunReport, load_run
from simspace.report.plan_view import PlanView
from simspace.report.summary import ResultSummary
from simspace.run.options import RunOptions
from simspace.run.session import execute_run
from simspace.scenario.loader import LoadedScenario

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def execute(loaded: LoadedScenario, options: RunOptions) -> tuple[RunReport, Outcome]:
    """One run with its plan shown first and its outcome after; Ctrl-C keeps what it saw."""
    outcome = asyncio.run(
        execute_run(loaded, options, console, on_plan=lambda p: console.print(PlanView(p)))
    )
    shown = show_run(load_run(outcome.directory))
    if outcome.result.status == "interrupted":
        raise RunInterrupted(str(outcome.directory))
    return shown


def require(outcome: Outcome) -> None:
    if not outcome.passed:
        raise ExpectationFailed(outcome.summary, outcome.failures)


def show_run(report: RunReport) -> tuple[RunReport, Outcome]:
    """Summary, verdict table, gates and where the files are, for a finished run."""
    directory = report.directory
    outcome = report.outcome()
    console.print(ResultSummary(report.result, report.scenario))
    console.print(VerdictTable(report.comparison))
    console.print(GateTable(outcome))
    console.print(f"run directory: {escape(str(directory))}", soft_wrap=True)
    if (directory / "report.html").exists():
        console.print(f"report: {escape(str(directory / 'report.html'))}", soft_wrap=True)
    return report, outcome
