"""Commands that read finished run directories: `diff` (two runs metric by metric, the baseline
gate for CI) and `export` (a run's time series as CSV or JSON)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.markup import escape

from simspace import units
from simspace.cli.options import parse_option
from simspace.errors import ExpectationFailed
from simspace.fileio import write_atomic, write_json
from simspace.judge.diff import DEFAULT_GATED, diff_runs
from simspace.report.diff_view import DiffTable, regression_line, summary_line
from simspace.report.outputs import load_run
from simspace.report.series import event_series, to_csv
from simspace.results.model import RunResult
from simspace.terminal import make_console

console = make_console()
err_console = make_console(stderr=True)

_RUN_DIR = click.Path(file_okay=False, exists=True)


@click.command()
@click.argument("base_run", type=_RUN_DIR)
@click.argument("new_run", type=_RUN_DIR)
@click.option(
    "--max-regression",
    default="10%",
    show_default=True,
    metavar="PERCENT",
    help="Exit 1 when a gated metric moved the worse way by more than this share "
    "of the base run's value (floored per unit: 1 s, 1 point of a ratio...).",
)
@click.option(
    "--metric",
    "metrics",
    multiple=True,
    metavar="KEY",
    help="Gate this metric (a key from the table, or a pattern like "
    "'endpoint.*.latency_s.p95'; repeatable). Default: " + ", ".join(DEFAULT_GATED) + ".",
)
@click.option(
    "--json",
    "json_file",
    type=click.Path(dir_okay=False),
    help="Also write the diff as JSON to this file.",
)
def diff(
    base_run: str,
    new_run: str,
    max_regression: str,
    metrics: tuple[str, ...],
    json_file: str | None,
) -> None:
    """Compare NEW_RUN with BASE_RUN (two run directories of one scenario), metric by metric.

    Exits 1 when a gated metric regressed beyond --max-regression, 2 when the runs cannot be
    compared (different scenarios, unreadable directories)."""
    threshold = parse_option(units.parse_ratio, max_regression, "--max-regression")
    base, new = load_run(Path(base_run)), load_run(Path(new_run))
    result = diff_runs(
        base.result,
        new.result,
        base_run=_display_name(base_run),
        new_run=_display_name(new_run),
        max_regression=threshold,
        gated=list(metrics) or None,
    )
    for name, run in ((result.base_run, base.result), (result.new_run, new.result)):
        _note_if_partial(name, run)
    console.print(DiffTable(result))
    if json_file:
        write_json(Path(json_file), result)
        err_console.print(f"wrote {escape(json_file)}", soft_wrap=True)
    if result.regressions:
        regressed = [row for row in result.rows if row.regressed]
        lines = [regression_line(row, result.max_regression) for row in regressed]
        raise ExpectationFailed(summary_line(result), lines)


def _note_if_partial(name: str, run: RunResult) -> None:
    if run.status != "completed":
        err_console.print(f"[yellow]note: {escape(name)} is {run.status}: its metrics cover only "
                          "what it observed[/yellow]", soft_wrap=True)  # fmt: skip


def _display_name(run_dir: str) -> str:
    return Path(run_dir).resolve().name


@click.command()
@click.argument("run_dir", type=_RUN_DIR)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: one row per event-time step, one column per series; json: the same "
    "table with the charts the web viewer draws.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    help="Write to this file (default: standard output).",
)
def export(run_dir: str, output_format: str, output: str | None) -> None:
    """Write a run's event-scale time series (listeners, load, errors, time to first audio,
    latency) for Grafana, pandas or a spreadsheet."""
    table = event_series(load_run(Path(run_dir)).result)
    text = to_csv(table) if output_format == "csv" else table.model_dump_json(indent=2) + "\n"
    if output:
        write_atomic(Path(output), text)
        err_console.print(f"wrote {escape(output)}", soft_wrap=True)
    else:
        sys.stdout.write(text)
