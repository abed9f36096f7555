"""A sweep in the console: per variant, where it reproduces every scored fact and each fact's
share of points. Every text from the scenario is plain text, never markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.explore.sweep import format_axis_value
from simspace.explore.sweep_result import SweepResult, VariantSweep


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _over(sweep: VariantSweep) -> str:
    how = "a Latin-hypercube sample" if sweep.sampling == "lhs" else "a grid"
    axes = ", ".join(
        f"{a.path} {format_axis_value(a, a.low)}..{format_axis_value(a, a.high)}"
        + (" (log)" if a.log else "")
        for a in sweep.axes
    )
    scale = f"population scale 1/{1 / sweep.population_scale:.4g}"
    return f"{how} of {len(sweep.outcomes)} points over {axes or 'nothing'}; {scale}"


@dataclass(frozen=True)
class SweepTable:
    """One table per variant: the region, then each scored fact's share."""

    result: SweepResult

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for sweep in self.result.variants:
            yield Text(f"{sweep.name}: {sweep.description}", style="bold")
            yield Text(_over(sweep), style="dim")
            table = Table(box=None)
            table.add_column("scored fact", overflow="fold")
            table.add_column("points", justify="right")
            table.add_column("share", justify="right")
            total = len(sweep.outcomes)
            every = "green" if sweep.region else "red"
            table.add_row(Text("every scored fact", style=f"bold {every}"),
                          f"{sweep.region}/{total}", _percent(sweep.region_share))  # fmt: skip
            for fact in sweep.facts:
                table.add_row(Text(fact.fact_id), f"{fact.reproduced}/{total}",
                              _percent(fact.share))  # fmt: skip
            if sweep.unplayed:
                table.add_row(Text("could not play", style="yellow"), f"{sweep.unplayed}/{total}",
                              _percent(sweep.unplayed / total))  # fmt: skip
            yield table
            yield Text("")
