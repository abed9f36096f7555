"""The command line: the only place that turns simspace errors into messages and exit codes.

Exit codes: 0 passed; 1 a gate or expectation failed; 2 bad input or usage (a scenario, an option,
a path that cannot be read or written, a port in use); 3 the run failed (a child died, a write
failed midway); 130 interrupted by Ctrl-C (partial results kept). docs/running.md has the table.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import click
from rich.markup import escape

from simspace import __version__
from simspace.cli import analysis
from simspace.cli.authoring import init, locustfile
from simspace.cli.compare import compare
from simspace.cli.distributed import (
    master_settings,
    remote_for_target,
    with_master_options,
    worker,
)
from simspace.cli.options import (
    engine_option,
    event_time,
    expectation,
    gated,
    run_options,
    target_of,
    with_gate_options,
    with_plan_options,
    with_run_options,
    with_target_options,
)
from simspace.cli.running import console, err_console, execute, require, show_run
from simspace.cli.streams import keep_running_without_reader
from simspace.cli.sweep import sweep
from simspace.cli.unfinished import refuse_unfinished
from simspace.errors import (
    ExpectationFailed,
    OutputPathError,
    RunError,
    RunInterrupted,
    ScenarioError,
    SimspaceError,
    UsageError,
    os_error_text,
    os_reason,
)
from simspace.judge.gates import Outcome, with_cli_gates
from simspace.report.outputs import load_run, write_run_reports
from simspace.report.plan_view import PlanView
from simspace.run.backends import plan_for, predict_for
from simspace.scenario.loader import load_scenario
from simspace.scenario.schema import schema_json
from simspace.scenario.summary import ScenarioSummary
from simspace.server.command import serve
from simspace.viewer.command import view

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_RUN_FAILED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C: the run directory holds what was observed until then


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="simspace")
def cli() -> None:
    """simspace: rehearse and explain live-audio mega-events."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--variant", help="Also apply this variant (hypothesis) and validate the result.")
def validate(files: tuple[str, ...], variant: str | None) -> None:
    """Check scenario files; print a summary of each, or every problem found."""
    failures: list[ScenarioError] = []
    for file in files:
        try:
            console.print(ScenarioSummary(load_scenario(file, variant)))
        except ScenarioError as exc:
            failures.append(exc)
    if failures:
        raise ScenarioError([p for exc in failures for p in exc.problems])


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    text = schema_json()
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OutputPathError(output, f"cannot write: {os_reason(exc)}") from None
        err_console.print(f"wrote {escape(output)}", soft_wrap=True)
    else:
        sys.stdout.write(text)


@cli.command()
@with_plan_options
@with_run_options
@with_gate_options
@with_target_options
@with_master_options
@click.option(
    "--abort-on-fail",
    is_flag=True,
    help="Stop the run as soon as any gate has failed beyond recovery (data kept).",
)
@click.option(
    "--robustness",
    is_flag=True,
    help="After a Locust run, label each reproduced fact robust, sensitive to a fitted "
    "parameter or set by a fitted action, by playing the fitted ranges' ends in virtual time "
    "(a virtual run always does).",
)
def run(
    scenario: str,
    variant: str | None,
    budget_rps: str | None,
    speedup: float | None,
    scale: str | None,
    duration: str | None,
    seed: int | None,
    workers: int,
    output: str,
    engine: str,
    labels: tuple[str, ...],
    gates: tuple[str, ...],
    expect: str | None,
    abort_on_fail: bool,
    robustness: bool,
    target_url: str | None,
    allow_remote: bool,
    allow_attack: bool,
    start_at: str | None,
) -> None:
    """Run a scenario against the embedded stub platform (or a real --target) and write a run
    directory.

    Exits 1 when the run does not meet its expectation (a gate failed, or with `reproduce` a
    scored fact was not reproduced)."""
    if engine == "virtual" and target_url is not None:
        raise UsageError("--target is loaded by the locust engine; --engine virtual plays the stub")
    if robustness and target_url is not None:
        raise UsageError("--robustness perturbs the modelled platform, not a real --target")
    loaded = gated(load_scenario(scenario, variant), gates, expect)
    options = run_options(
        budget_rps, speedup, scale, duration, seed, workers, output, engine, labels
    )
    master = master_settings(click.get_current_context(), engine=engine, workers=workers,
                             allow_remote=allow_remote)  # fmt: skip
    remote = remote_for_target(allow_remote, master, target_url)
    options = dataclasses.replace(
        options,
        target=target_of(loaded, target_url, remote, allow_attack),
        start_at=event_time(start_at, loaded, "--start-at"),
        abort_on_fail=abort_on_fail,
        robustness=robustness,
        master=master,
    )
    require(execute(loaded, options)[1])


@cli.command()
@with_plan_options
@with_target_options
@engine_option
@click.option(
    "--predict",
    is_flag=True,
    help="Play the plan in virtual time first (seconds) and show the real request rate it "
    "will send, overload and retries included.",
)
def plan(
    scenario: str,
    variant: str | None,
    budget_rps: str | None,
    speedup: float | None,
    scale: str | None,
    duration: str | None,
    seed: int | None,
    target_url: str | None,
    allow_remote: bool,
    allow_attack: bool,
    start_at: str | None,
    engine: str,
    predict: bool,
) -> None:
    """Show how a run would fit this machine (or a real --target): scale, speedup, weights,
    schedule. Sends nothing."""
    loaded = load_scenario(scenario, variant)
    options = dataclasses.replace(
        run_options(budget_rps, speedup, scale, duration, seed, engine=engine),
        target=target_of(loaded, target_url, allow_remote, allow_attack),
        start_at=event_time(start_at, loaded, "--start-at"),
    )
    the_plan = plan_for(loaded, options)
    load = predict_for(loaded, options, the_plan) if predict else None
    rates = None if load is None else (load.busiest_second_rps, load.busiest_window_rps)
    console.print(PlanView(the_plan, rates))


@cli.command()
@click.argument("run_dirs", nargs=-1, required=True,
                type=click.Path(file_okay=False, exists=True))  # fmt: skip
@with_gate_options
def report(run_dirs: tuple[str, ...], gates: tuple[str, ...], expect: str | None) -> None:
    """Rebuild a run's comparison, gates, report.html and junit.xml from its directory; with
    --gate/--expect, judge it again against those too. Exits 1 if a run misses its expectation."""
    failed: list[tuple[str, Outcome]] = []
    for run_dir in run_dirs:  # a killed run's directory: what it left, then exit 3
        refuse_unfinished(Path(run_dir), console)
    found = [load_run(Path(run_dir)) for run_dir in run_dirs]  # all read before one is written
    rejudged_runs = [
        dataclasses.replace(run, scenario=with_cli_gates(run.scenario, gates, expectation(expect)))
        for run in found
    ]
    for run_dir, rejudged in zip(run_dirs, rejudged_runs, strict=True):
        write_run_reports(rejudged)
        outcome = show_run(rejudged)[1]
        if not outcome.passed:
            failed.append((run_dir, outcome))
    if len(failed) == 1 and len(run_dirs) == 1:
        require(failed[0][1])
    elif failed:
        lines = [f"{name}: {line}" for name, o in failed for line in o.failures]
        raise ExpectationFailed(f"{len(failed)} of {len(run_dirs)} runs missed their expectation",
                                lines)  # fmt: skip


cli.add_command(compare)
cli.add_command(serve)
cli.add_command(analysis.diff)
cli.add_command(analysis.export)
cli.add_command(view)
cli.add_command(sweep)
cli.add_command(worker)
cli.add_command(init)
cli.add_command(locustfile)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one red line each and an exit code, never a traceback."""
    keep_running_without_reader()
    try:
        cli.main(args=argv, prog_name="simspace", standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        err_console.print("[red]interrupted[/red]")
        return EXIT_INTERRUPTED
    except RunInterrupted as exc:
        err_console.print(
            f"[yellow]interrupted: partial results kept in {escape(str(exc))}[/yellow]",
            soft_wrap=True,
        )
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except ScenarioError as exc:
        for problem in exc.problems:
            err_console.print(f"[red]{escape(str(problem))}[/red]", soft_wrap=True)
        return EXIT_BAD_INPUT
    except ExpectationFailed as exc:
        for line in [*exc.lines, exc.summary]:
            err_console.print(f"[red]{escape(line)}[/red]", soft_wrap=True)
        return EXIT_FAILED
    except RunError as exc:
        err_console.print(f"[red]run failed: {escape(str(exc))}[/red]", soft_wrap=True)
        return EXIT_RUN_FAILED
    except SimspaceError as exc:  # usage, plan, unsafe target, PathError (a file), PortInUseError
        for line in str(exc).splitlines():
            err_console.print(f"[red]error: {escape(line)}[/red]", soft_wrap=True)
        return EXIT_BAD_INPUT
    except OSError as exc:  # one not wrapped where it happened: still a line, not a traceback
        err_console.print(f"[red]error: {escape(os_error_text(exc))}[/red]", soft_wrap=True)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
