"""`simspace report` on a run that never finished (a killed run's `.partial` directory): say so,
show what it left and the partial result those files make, and fail like a failed run (exit 3)
rather than as an unreadable directory."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.markup import escape

from simspace.errors import RunError, UsageError
from simspace.report.summary import ResultSummary
from simspace.results.unfinished import Unfinished, unfinished_run
from simspace.units import format_offset_s

__all__ = ["refuse_unfinished"]


def refuse_unfinished(directory: Path, console: Console) -> None:
    """Return if `directory` holds a finished run; else show what its run left and raise
    `RunError` (killed) or `UsageError` (still running)."""
    unfinished = unfinished_run(directory)
    if unfinished is None:
        return
    if unfinished.running and unfinished.live is not None:
        raise UsageError(
            f"{directory}: its run is still in progress (pid {unfinished.live.pid}); report it "
            "once it has finished"
        )
    _show(unfinished, console)
    raise RunError(
        f"{directory}: the run was killed before it finished ({unfinished.why}); what it left "
        "is shown above, nothing was written"
    )


def _show(unfinished: Unfinished, console: Console) -> None:
    console.print(f"[red]this run never finished[/red]: {escape(_last_seen(unfinished))}",
                  soft_wrap=True)  # fmt: skip
    console.print(f"it left: {escape(', '.join(unfinished.files))}", soft_wrap=True)
    if unfinished.result is None or unfinished.scenario is None:
        console.print("no partial result: scenario.json or plan.json is missing or unreadable")
        return
    console.print("partial result from those files:")
    console.print(ResultSummary(unfinished.result, unfinished.scenario))


def _last_seen(unfinished: Unfinished) -> str:
    live = unfinished.live
    if live is None:
        return f"{unfinished.why}, and no live.json"
    where = format_offset_s(round(live.t))
    return (
        f"{unfinished.why}; its live file says {live.state} at event time {where} "
        f"({live.progress:.0%} of the window), last written by pid {live.pid}"
    )
