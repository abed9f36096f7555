"""`simspace compare`: run every variant (hypothesis) of a scenario, or reuse runs, and rank
them by the facts they reproduce and the evidence over their fitted ranges."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import click
from rich.markup import escape

from simspace.cli.evidence import evidence_option, weigh_hypotheses
from simspace.cli.options import (
    expectation,
    gated,
    run_options,
    with_gate_options,
    with_plan_options,
    with_run_options,
)
from simspace.cli.running import console, execute
from simspace.errors import ExpectationFailed, OutputPathError, UsageError, os_reason
from simspace.fileio import write_atomic, write_json
from simspace.judge.gates import judge_runs, with_cli_gates
from simspace.judge.ranking import Ranking, rank, run_ids
from simspace.report.outputs import RunReport, load_run
from simspace.report.ranking import RankingTable, ranking_html
from simspace.run.rundir import utc_stamp
from simspace.scenario.loader import load_scenario


@click.command()
@with_plan_options
@click.option("--variants", help="Comma-separated variants to run (default: all).")
@click.option("--from", "from_dirs", multiple=True, type=click.Path(file_okay=False, exists=True),
              help="Reuse a finished run directory instead of running (repeatable).")  # fmt: skip
@with_run_options
@with_gate_options
@evidence_option
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
    engine: str,
    labels: tuple[str, ...],
    gates: tuple[str, ...],
    expect: str | None,
    evidence_points: int,
) -> None:
    """Run every variant (hypothesis) of a scenario, or reuse runs, and rank them.

    Exits 1 when a run expected to survive fails a gate, or when runs are expected to reproduce
    the incident and none does."""
    if variant is not None:
        raise UsageError("compare takes --variants a,b (or none for all), not --variant")
    base = gated(load_scenario(scenario), gates, expect)  # bad gates stop here: nothing runs
    options = run_options(
        budget_rps, speedup, scale, duration, seed, workers, output, engine, labels
    )
    reports = []
    for found in _reused_runs(from_dirs, base.scenario.event.name, scenario):
        scenario_gated = with_cli_gates(found.scenario, gates, expectation(expect))
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
    for name in wanted:
        if name in reused:
            continue
        loaded = gated(load_scenario(scenario, None if name == "base" else name), gates, expect)
        console.rule(f"variant {name}")
        reports.append(execute(loaded, options)[0])
    if not reports:
        raise UsageError("--variants: no variant named, nothing to compare")
    variants_run = [r.result.variant for r in reports]
    evidence = weigh_hypotheses(scenario, variants_run, seed, evidence_points, console)
    ranking = rank(reports, evidence)
    out_dir = Path(output) / base.scenario.event.name / f"compare-{utc_stamp()}"
    _write_ranking(out_dir, ranking)
    console.rule("ranking")
    console.print(RankingTable(ranking))
    console.print(f"ranking: {escape(str(out_dir / 'ranking.html'))}", soft_wrap=True)
    passed, summary, lines = judge_runs(
        [(name, r.outcome()) for name, r in zip(_run_names(reports), reports, strict=True)]
    )
    console.print(summary, style="bold green" if passed else "bold red", soft_wrap=True)
    if not passed:
        raise ExpectationFailed(summary, lines)


def _reused_runs(from_dirs: tuple[str, ...], event: str, scenario_file: str) -> list[RunReport]:
    """The `--from` runs, all of the scenario being compared: same event name and, but for the
    gates (`--gate` may add some), the same resolved scenario as the file with the run's
    variant (exit 2 before anything runs)."""
    found = [load_run(Path(d)) for d in from_dirs]
    for directory, report in zip(from_dirs, found, strict=True):
        if report.result.scenario != event:
            raise UsageError(
                f"--from {directory}: a run of scenario {report.result.scenario!r}, not "
                f"{event!r} ({scenario_file}); compare ranks runs of one scenario"
            )
        if differs := _differences(report, scenario_file):
            raise UsageError(
                f"--from {directory}: a run of another scenario named {event!r} than "
                f"{scenario_file} ({differs}); compare ranks runs of one scenario"
            )
    return found


def _differences(report: RunReport, scenario_file: str) -> str | None:
    """How the run's scenario differs from the file's with the run's variant; None if not."""
    variant = report.result.variant
    base = load_scenario(scenario_file).scenario
    if variant is not None and variant not in base.variants:
        return f"its variant {variant!r} is not in the file"
    expected = base if variant is None else load_scenario(scenario_file, variant).scenario
    ran = report.scenario.model_dump(mode="json", exclude={"gates"})
    wanted = expected.model_dump(mode="json", exclude={"gates"})
    parts = [key for key in wanted.keys() | ran.keys() if ran.get(key) != wanted.get(key)]
    return f"its {', '.join(sorted(parts))} differ" if parts else None


def _write_ranking(out_dir: Path, ranking: Ranking) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        write_json(out_dir / "ranking.json", ranking)
        write_atomic(out_dir / "ranking.html", ranking_html(ranking, out_dir))
    except OSError as exc:
        raise OutputPathError(
            exc.filename or out_dir, f"cannot write the ranking: {os_reason(exc)}"
        ) from None


def _run_names(reports: list[RunReport]) -> list[str]:
    """Variant names, or run directory names when a variant was run more than once."""
    names = [r.result.variant or "base" for r in reports]
    return names if len(set(names)) == len(names) else run_ids([r.directory for r in reports])
