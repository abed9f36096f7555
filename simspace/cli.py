"""The command line: the only place that turns simspace errors into messages and exit codes.

Exit codes: 0 passed; 1 a gate or expectation failed; 2 bad input or usage; 3 the run failed;
130 interrupted by Ctrl-C (partial results kept).
"""

from __future__ import annotations

import asyncio
import dataclasses
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from simspace import __version__, units
from simspace.errors import (
    ExpectationFailed,
    RunError,
    RunInterrupted,
    ScenarioError,
    SimspaceError,
    UsageError,
)
from simspace.gates import Expectation, Outcome, judge_runs, with_cli_gates
from simspace.report.console import VerdictTable
from simspace.report.gates_view import GateTable
from simspace.report.outputs import RunReport, load_run, write_run_reports
from simspace.report.ranking import RankingTable, rank, ranking_html
from simspace.results.summary import ResultSummary
from simspace.run.orchestrator import RunOptions, execute_run, plan_for
from simspace.run.plan_view import PlanView
from simspace.run.rundir import write_atomic, write_json
from simspace.scenario.loader import LoadedScenario, load_scenario
from simspace.scenario.schema import schema_json
from simspace.scenario.summary import ScenarioSummary
from simspace.server.command import serve
from simspace.target import Target, resolve_target

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_RUN_FAILED = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C: the run directory holds what was observed until then

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


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
        Path(output).write_text(text, encoding="utf-8")
        err_console.print(f"wrote {escape(output)}", soft_wrap=True)
    else:
        sys.stdout.write(text)


def _parse_option(parse: Callable[[object], float], value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _run_options(
    budget_rps: str | None,
    speedup: float | None,
    scale: str | None,
    duration: str | None,
    seed: int | None,
    workers: int = 1,
    output: str = "runs",
) -> RunOptions:
    if speedup is not None and not 0 < speedup <= 10_000:
        raise UsageError(f"--speedup must be in (0, 10000] (got {speedup:g})")
    return RunOptions(
        output_root=Path(output),
        budget_rps=_parse_option(units.parse_count, budget_rps, "--budget-rps"),
        speedup=speedup,
        population_scale=_parse_option(units.parse_fraction, scale, "--scale"),
        duration_s=_parse_option(units.parse_duration_s, duration, "--duration"),
        workers=workers,
        seed=seed,
    )


_plan_options = [
    click.argument("scenario", type=click.Path(dir_okay=False)),
    click.option("--variant", help="Apply this variant (hypothesis)."),
    click.option("--budget-rps", help="Peak real requests/s the load side may send (e.g. 1500)."),
    click.option("--speedup", type=float, help="Event seconds per wall second."),
    click.option("--scale", help="Population scale, e.g. 1/5000 (default: chosen by the plan)."),
    click.option("--duration", help="Stop after this much wall time (e.g. 90s)."),
    click.option("--seed", type=int, help="Random seed (default: the scenario's)."),
]


def _with(
    options: Sequence[Callable[[Callable[..., None]], Callable[..., None]]],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """One decorator applying a list of click options, in the order they are listed."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


_with_plan_options = _with(_plan_options)


def _with_run_options(function: Callable[..., None]) -> Callable[..., None]:
    function = click.option(
        "--output", default="runs", show_default=True, help="Root of run directories."
    )(function)
    return click.option(
        "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
        help="Locust worker processes on this machine.",
    )(function)  # fmt: skip


def _with_gate_options(function: Callable[..., None]) -> Callable[..., None]:
    function = click.option(
        "--expect", type=click.Choice(["survive", "reproduce"]),
        help="Override the scenario's expectation: survive (every gate holds) or reproduce "
        "(every scored fact reproduced, and every gate holds).",
    )(function)  # fmt: skip
    return click.option(
        "--gate", "gates", multiple=True, metavar="EXPR",
        help="A gate, e.g. 'ttfa_p95 <= 5s after +5m' (repeatable; see docs/ci.md).",
    )(function)  # fmt: skip


def _gated(loaded: LoadedScenario, gates: tuple[str, ...], expect: str | None) -> LoadedScenario:
    """The scenario with the command line's gates and expectation (exit 2 if one is bad)."""
    scenario = with_cli_gates(loaded.scenario, gates, _expectation(expect))
    return dataclasses.replace(loaded, scenario=scenario)


def _expectation(expect: str | None) -> Expectation | None:
    return "survive" if expect == "survive" else "reproduce" if expect == "reproduce" else None


def _execute(loaded: LoadedScenario, options: RunOptions) -> tuple[RunReport, Outcome]:
    """One run with its plan shown first and its outcome after; Ctrl-C keeps what it saw."""
    outcome = asyncio.run(
        execute_run(loaded, options, console, on_plan=lambda p: console.print(PlanView(p)))
    )
    shown = _show_run(load_run(outcome.directory))
    if outcome.result.status == "interrupted":
        raise RunInterrupted(str(outcome.directory))
    return shown


def _require(outcome: Outcome) -> None:
    if not outcome.passed:
        raise ExpectationFailed(outcome.summary, outcome.failures)


def _event_time(text: str | None, loaded: LoadedScenario, option: str) -> float | None:
    """An event offset (+10m, -5m) or a clock time in the event's zone (20:30)."""
    if text is None:
        return None
    event = loaded.scenario.event
    try:
        if units.is_clock_time(text):
            clock = units.parse_clock_time(text)
            return units.clock_to_offset_s(clock, event.date, event.scheduled_start,
                                           event.time_zone)  # fmt: skip
        return units.parse_offset_s(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def _target(
    loaded: LoadedScenario, url: str | None, allow_remote: bool, allow_attack: bool
) -> Target | None:
    """The real target, checked before anything runs (a refused one never sees a request)."""
    if url is None:
        if allow_remote or allow_attack:
            raise UsageError("--allow-remote and --allow-attack apply to --target only")
        return None
    return resolve_target(url, loaded.scenario.target, allow_remote=allow_remote,
                          allow_attack=allow_attack,
                          has_attacks=bool(loaded.scenario.attacks))  # fmt: skip


_target_options = [
    click.option("--target", "target_url", metavar="URL",
                 help="Load a real HLS service instead of the stub: its live playlist (master "
                 "or media), or its origin when the scenario's target.join_api is spaces. Real "
                 "time, real cadence (docs/targets.md)."),
    click.option("--allow-remote", is_flag=True,
                 help="Allow a --target that is not on this machine (loopback)."),
    click.option("--allow-attack", is_flag=True,
                 help="Allow the scenario's attacks against a non-loopback --target."),
    click.option("--start-at", metavar="T",
                 help="With --target: the event time the run starts at (+40m, 20:40)."),
]  # fmt: skip


_with_target_options = _with(_target_options)


@cli.command()
@_with_plan_options
@_with_run_options
@_with_gate_options
@_with_target_options
@click.option(
    "--abort-on-fail",
    is_flag=True,
    help="Stop the run as soon as any gate has failed beyond recovery (data kept).",
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
    gates: tuple[str, ...],
    expect: str | None,
    abort_on_fail: bool,
    target_url: str | None,
    allow_remote: bool,
    allow_attack: bool,
    start_at: str | None,
) -> None:
    """Run a scenario against the embedded stub platform (or a real --target) and write a run
    directory.

    Exits 1 when the run does not meet its expectation (a gate failed, or with `reproduce` a
    scored fact was not reproduced)."""
    loaded = _gated(load_scenario(scenario, variant), gates, expect)
    options = _run_options(budget_rps, speedup, scale, duration, seed, workers, output)
    options = dataclasses.replace(
        options,
        target=_target(loaded, target_url, allow_remote, allow_attack),
        start_at=_event_time(start_at, loaded, "--start-at"),
        abort_on_fail=abort_on_fail,
    )
    _require(_execute(loaded, options)[1])


@cli.command()
@_with_plan_options
@_with_target_options
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
) -> None:
    """Show how a run would fit this machine (or a real --target): scale, speedup, weights,
    schedule. Sends nothing."""
    loaded = load_scenario(scenario, variant)
    options = dataclasses.replace(
        _run_options(budget_rps, speedup, scale, duration, seed),
        target=_target(loaded, target_url, allow_remote, allow_attack),
        start_at=_event_time(start_at, loaded, "--start-at"),
    )
    console.print(PlanView(plan_for(loaded, options)))


def _show_run(report: RunReport) -> tuple[RunReport, Outcome]:
    """Summary, verdict table, gates and where the files are, for a finished run."""
    directory = report.directory
    outcome = report.outcome()
    console.print(ResultSummary(report.result))
    console.print(VerdictTable(report.comparison))
    console.print(GateTable(outcome))
    console.print(f"run directory: {escape(str(directory))}", soft_wrap=True)
    if (directory / "report.html").exists():
        console.print(f"report: {escape(str(directory / 'report.html'))}", soft_wrap=True)
    return report, outcome


@cli.command()
@click.argument("run_dirs", nargs=-1, required=True,
                type=click.Path(file_okay=False, exists=True))  # fmt: skip
@_with_gate_options
def report(run_dirs: tuple[str, ...], gates: tuple[str, ...], expect: str | None) -> None:
    """Rebuild a run's comparison, gates, report.html and junit.xml from its directory; with
    --gate/--expect, judge it again against those too. Exits 1 if a run misses its expectation."""
    failed: list[tuple[str, Outcome]] = []
    for run_dir in run_dirs:
        found = load_run(Path(run_dir))
        scenario = with_cli_gates(found.scenario, gates, _expectation(expect))
        gated = dataclasses.replace(found, scenario=scenario)
        write_run_reports(gated)
        outcome = _show_run(gated)[1]
        if not outcome.passed:
            failed.append((run_dir, outcome))
    if len(failed) == 1 and len(run_dirs) == 1:
        _require(failed[0][1])
    elif failed:
        lines = [f"{name}: {line}" for name, o in failed for line in o.failures]
        raise ExpectationFailed(f"{len(failed)} of {len(run_dirs)} runs missed their expectation",
                                lines)  # fmt: skip


@cli.command()
@_with_plan_options
@click.option("--variants", help="Comma-separated variants to run (default: all).")
@click.option("--from", "from_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Reuse a finished run directory instead of running (repeatable).")  # fmt: skip
@_with_run_options
@_with_gate_options
def compare(
    scenario: str,
    variant: str | None,
    budget_rps: str | None,
    speedup: float | None,
    scale: str | None,
    duration: str | None,
    seed: int | None,
    variants: str | None,
    from_dirs: tuple[str, ...],
    workers: int,
    output: str,
    gates: tuple[str, ...],
    expect: str | None,
) -> None:
    """Run every variant (hypothesis) of a scenario, or reuse runs, and rank them.

    Exits 1 when a run expected to survive fails a gate, or when runs are expected to reproduce
    the incident and none does."""
    if variant is not None:
        raise UsageError("compare takes --variants a,b (or none for all), not --variant")
    base = _gated(load_scenario(scenario), gates, expect)  # bad gates stop here: nothing runs
    reports = []
    for found in (load_run(Path(d)) for d in from_dirs):
        scenario_gated = with_cli_gates(found.scenario, gates, _expectation(expect))
        reports.append(dataclasses.replace(found, scenario=scenario_gated))
    reused = {r.result.variant or "base" for r in reports}
    # With --from and no --variants, only the given runs are ranked; otherwise every variant
    # (or the base scenario when it has none) is run unless a given run already covers it.
    if variants:
        wanted = [v.strip() for v in variants.split(",") if v.strip()]
    elif from_dirs:
        wanted = []
    else:
        wanted = list(base.scenario.variants) or ["base"]
    options = _run_options(budget_rps, speedup, scale, duration, seed, workers, output)
    for name in wanted:
        if name in reused:
            continue
        loaded = _gated(load_scenario(scenario, None if name == "base" else name), gates, expect)
        console.rule(f"variant {name}")
        reports.append(_execute(loaded, options)[0])
    ranking = rank(reports)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = Path(output) / base.scenario.event.name / f"compare-{stamp}"
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "ranking.json", ranking)
    write_atomic(out_dir / "ranking.html", ranking_html(ranking, out_dir))
    console.rule("ranking")
    console.print(RankingTable(ranking))
    console.print(f"ranking: {escape(str(out_dir / 'ranking.html'))}", soft_wrap=True)
    passed, summary, lines = judge_runs(
        [(r.result.variant or "base", r.outcome()) for r in reports]
    )
    console.print(summary, style="bold green" if passed else "bold red", soft_wrap=True)
    if not passed:
        raise ExpectationFailed(summary, lines)


cli.add_command(serve)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one red line each and an exit code, never a traceback."""
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
    except SimspaceError as exc:
        for line in str(exc).splitlines():
            err_console.print(f"[red]error: {escape(line)}[/red]", soft_wrap=True)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def entry_point() -> None:
    """Console-script entry point."""
    sys.exit(main())
