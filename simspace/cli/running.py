"""What the commands that run scenarios share: the console, one run shown from its plan to its
verdicts, and the expectation it must meet."""

from __future__ import annotations

import asyncio

from rich.markup import escape

from simspace.errors import ExpectationFailed, RunError, RunInterrupted, os_error_text
from simspace.judge.gates import Outcome
from simspace.report.console import VerdictTable
from simspace.report.gates_view import GateTable
from simspace.report.outputs import RunReport, load_run
from simspace.report.plan_view import PlanView
from simspace.report.summary import ResultSummary
from simspace.run.options import RunOptions
from simspace.run.session import execute_run
from simspace.scenario.loader import LoadedScenario
from simspace.terminal import make_console

console = make_console()
err_console = make_console(stderr=True)


def execute(loaded: LoadedScenario, options: RunOptions) -> tuple[RunReport, Outcome]:
    """One run with its plan shown first and its outcome after; Ctrl-C keeps what it saw. A
    write that fails once the run directory exists (no space left) fails the run (exit 3)."""
    try:
        outcome = asyncio.run(
            execute_run(loaded, options, console, on_plan=lambda p: console.print(PlanView(p)))
        )
    except OSError as exc:
        raise RunError(f"{os_error_text(exc)} (what was written so far is kept)") from None
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
