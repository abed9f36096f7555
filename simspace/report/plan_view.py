"""The plan as the console shows it before a run (`simspace plan`, `simspace run`): what part of
the event is played how fast, what one simulated listener and one request stand for, and why;
every count in one form (`format_approx_count`), and the words it uses said in plain terms."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table

from simspace.plan import Cadence, Plan
from simspace.units import format_approx_count, format_duration_s, format_offset_s

GLOSSARY = (
    "event: the real event's audience and time; wall: time on this machine; speedup: event "
    "seconds per wall second; a simulated listener stands for many event listeners; weight: "
    "the event requests one request sent stands for"
)
"""The plan's own words, for a reader who has not read docs/running.md."""
GLOSSARY_LABEL = "in plain words"


@dataclass(frozen=True)
class PlanView:
    plan: Plan
    predicted_rps: tuple[float, float] | None = None
    """Played in virtual time: the busiest wall second, and the busiest 5 s (req/s)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for label, text in plan_rows(self.plan, self.predicted_rps):
            table.add_row(label, text)
        yield table


def plan_rows(plan: Plan, predicted_rps: tuple[float, float] | None) -> list[tuple[str, str]]:
    """The plan's rows, label and text, in the order shown; the glossary last."""
    variant = f" [variant {plan.variant}]" if plan.variant else ""
    rows = [
        ("plan", f"{plan.scenario}{variant}"),
        ("event window", _window(plan)),
        ("population", _population(plan)),
        ("expected peak", _expected_peak(plan)),
    ]
    if plan.expected_peak_basis:
        rows.append(("peak basis", plan.expected_peak_basis))
    if predicted_rps is not None:
        rows.append(("predicted load", _predicted(*predicted_rps)))
    for label, cadence in (
        ("metadata poll", plan.metadata_poll),
        ("playlist reload", plan.playlist_poll),
        ("ping", plan.ping),
    ):
        rows.append((label, cadence_text(cadence, plan.speedup)))
    rows.append(("why", "\n".join(plan.reasons)))
    rows.append((GLOSSARY_LABEL, GLOSSARY))
    return rows


def _window(plan: Plan) -> str:
    return (
        f"{format_offset_s(plan.t_begin)} .. {format_offset_s(plan.t_end)} event time in "
        f"{format_duration_s(round(plan.wall_duration_s))} wall time (speedup {plan.speedup:.3g}x)"
    )


def _population(plan: Plan) -> str:
    weight = format_approx_count(plan.listener_weight)
    arrivals = format_approx_count(plan.simulated_listeners)
    return (
        f"1 simulated listener = {weight} event listeners (scale "
        f"1/{1 / plan.population_scale:.4g}); {arrivals} simulated arrivals"
    )


def _expected_peak(plan: Plan) -> str:
    at = "" if plan.expected_peak_at is None else f" at {format_offset_s(plan.expected_peak_at)}"
    return (
        f"~{format_approx_count(plan.expected_peak_present)} event listeners served{at}, "
        f"~{format_approx_count(plan.expected_peak_rps)} real req/s at the busiest (budget "
        f"{format_approx_count(plan.budget_rps)} req/s)"
    )


def _predicted(second_rps: float, window_rps: float) -> str:
    second, window = format_approx_count(second_rps), format_approx_count(window_rps)
    return (
        f"~{second} real req/s in the busiest wall second, ~{window} req/s over the busiest "
        "5 s (played in virtual time: overload, retries and join storms included)"
    )


def cadence_text(cadence: Cadence, speedup: float) -> str:
    """What the scenario says, what this machine sends instead, and what each request stands
    for: a compressed run keeps the scenario's cadence in event terms by weighting one
    request with all the event requests of its interval and of its event listeners."""
    wall_s = cadence.wall_interval_s
    event_s = round(wall_s * speedup, 1)
    sent = f"one request every {format_duration_s(round(wall_s, 3))} wall"
    if event_s != round(cadence.event_interval_s, 1):
        sent += f" ({format_duration_s(event_s)} of event time)"
    return (
        f"scenario: every {format_duration_s(cadence.event_interval_s)}; {sent} stands for "
        f"{format_approx_count(cadence.weight)} event requests"
    )
