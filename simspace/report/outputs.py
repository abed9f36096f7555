"""Report files of a run directory — `comparison.json`, `report.html`, `junit.xml` — written
after every run and rebuilt at will from the directory alone (`simspace report RUN_DIR`)."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from simspace import units
from simspace.errors import OutputPathError, os_reason
from simspace.fileio import write_atomic, write_json
from simspace.judge.facts.compare import compare
from simspace.judge.gates import Outcome, judge_outcome
from simspace.judge.verdicts import Comparison
from simspace.report.gates_view import gate_case
from simspace.report.html.page import render_report
from simspace.report.junit import junit_xml
from simspace.results.model import RunResult
from simspace.results.run_files import read_run_file
from simspace.scenario.model import Scenario

REPORT_FILES = ("comparison.json", "gates.json", "report.html", "junit.xml")


@dataclass(frozen=True)
class RunReport:
    """A run directory's scenario (as resolved for the run), result and comparison."""

    directory: Path
    scenario: Scenario
    result: RunResult
    comparison: Comparison

    def outcome(self) -> Outcome:
        """The scenario's gates on this run, and whether it met its expectation."""
        s = self.scenario
        texts = s.platform.errors.texts().values()
        return judge_outcome(
            s.gates, self.result, self.comparison, bounds=s.window, shown_texts=texts
        )


def reproduce_command(result: RunResult, scenario_file: str | None = None) -> str:
    """The command line that repeats a run with the same plan."""
    plan = result.plan
    args = ["simspace", "run", scenario_file or f"scenarios/{result.scenario}.yaml"]
    if result.variant:
        args += ["--variant", result.variant]
    args += ["--speedup", f"{plan.speedup:.6g}", "--scale", f"1/{1 / plan.population_scale:.6g}"]
    args += ["--seed", str(plan.seed)]
    if result.target is not None:
        target = result.target
        args += ["--target", target.url]
        args += ["--allow-remote"] if target.allow_remote else []
        args += ["--allow-attack"] if target.allow_attack else []
        args += ["--start-at", units.format_offset_s(plan.t_begin)]
        args += ["--duration", f"{plan.wall_duration_s:.6g}s"]
    elif plan.t_end < plan.t_begin + plan.wall_duration_s * plan.speedup - 1e-6:
        args += ["--duration", f"{plan.wall_duration_s:.6g}s"]
    return shlex.join(args)


def load_run(directory: Path) -> RunReport:
    """Read a finished run directory and compare it afresh; UnreadableFileError names the file
    that is missing, not a small regular file, not UTF-8, not strict JSON or not a valid model.
    Reads only: a caller that writes reports does so after every run it was given was read."""
    scenario = read_run_file(directory / "scenario.json", Scenario)
    result = read_run_file(directory / "result.json", RunResult)
    return RunReport(directory, scenario, result, compare(scenario, result))


def write_run_reports(report: RunReport, scenario_file: str | None = None) -> Outcome:
    """Write the comparison, the gates' outcome, the HTML report and the JUnit file into the run
    directory; return the outcome."""
    directory = report.directory
    command = reproduce_command(report.result, scenario_file)
    outcome = report.outcome()
    html = render_report(
        report.scenario, report.result, report.comparison, command=command, outcome=outcome
    )
    cases = [gate_case(v) for v in outcome.gates]
    junit = junit_xml(report.comparison, gates=cases, time_s=report.result.wall_s)
    try:  # everything is rendered before the first file is replaced
        write_json(directory / "comparison.json", report.comparison)
        write_json(directory / "gates.json", outcome)
        write_atomic(directory / "report.html", html)
        write_atomic(directory / "junit.xml", junit)
    except OSError as exc:
        raise OutputPathError(directory, f"cannot write the reports: {os_reason(exc)}") from None
    return outcome
