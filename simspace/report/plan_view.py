"""The plan as the console shows it before a run (`simspace plan`, `simspace run`)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from simspace.plan import Plan
from simspace.units import format_approx_count, format_duration_s, format_offset_s


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    predicted_rps: tuple[float, float] | None = None
    """Played in virtual time: the busiest wall second, and the busiest 5 s (req/s)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        p = self.plan
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        variant = f" [variant {p.variant}]" if p.variant else ""
        table.add_row("plan", f"{p.scenario}{variant}")
        table.add_row(
            "event window",
            f"{format_offset_s(p.t_begin)} .. {format_offset_s(p.t_end)} in "
            f"{format_duration_s(round(p.wall_duration_s))} wall (speedup {p.speedup:.3g}x)",
        )
        table.add_row(
            "population",
            f"1 simulated listener = {p.listener_weight:.4g} event listeners "
            f"(scale 1/{1 / p.population_scale:.4g}); {p.simulated_listeners} simulated arrivals",
        )
        at = "" if p.expected_peak_at is None else f" at {format_offset_s(p.expected_peak_at)}"
        table.add_row(
            "expected peak",
            f"~{format_approx_count(p.expected_peak_present)} listeners served{at}, "
            f"~{p.expected_peak_rps:.0f} real req/s at the busiest (budget {p.budget_rps:.0f})",
        )
        if p.expected_peak_basis:
            table.add_row("peak basis", p.expected_peak_basis)
        if self.predicted_rps is not None:
            second, window = self.predicted_rps
            table.add_row(
                "predicted load",
                f"{second:,.0f} req/s in the busiest wall second, {window:,.0f} req/s over the "
                "busiest 5 s (played in virtual time: overload, retries and join storms "
                "included)",
            )
        for label, cadence in (
            ("metadata poll", p.metadata_poll),
            ("playlist reload", p.playlist_poll),
            ("ping", p.ping),
        ):
            table.add_row(
                label,
                f"every {cadence.wall_interval_s:.3g}s wall = "
                f"{format_duration_s(round(cadence.wall_interval_s * p.speedup, 1))} event, "
                f"weight {cadence.weight:.4g}",
            )
        table.add_row("why", "\n".join(p.reasons))
        yield table
