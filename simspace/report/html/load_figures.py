"""The report's load section: each tier's offered load against its capacity on the event clock,
in display buckets that show both the mean rate and the busiest server bucket within each, so
that a spike shorter than a bucket is not averaged away."""

from __future__ import annotations

from simspace.report.html.canvas import BLUE, DARK, PURPLE, RED
from simspace.report.html.charts import Area, Line, time_chart
from simspace.report.html.figure import figure, legend, line_items
from simspace.report.html.figures import LAYER_COLOURS, Figures
from simspace.report.html.rates import Buckets, display_buckets, utilisation_text
from simspace.report.html.story import duration_text
from simspace.results.model import TierSeries
from simspace.units import format_approx_count

SPREAD_KEY = "#b3d5e8"
"""The offered load's blue at the area's opacity over white, for its legend box."""


def load_section(figures: Figures) -> str:
    parts = [_tier_figure(figures, name, tier) for name, tier in figures.result.tiers.items()]
    return (
        '<section id="load"><h2>Load against capacity</h2><div class="grid">'
        + "".join(parts)
        + "</div></section>"
    )


def busiest(tier: TierSeries, buckets: Buckets) -> tuple[list[float], str]:
    """The highest rate within each bucket, and what it is the highest of: the server's own
    buckets where the result has them (`1s`), else the result's grid steps (older results)."""
    if tier.peak_bucket_s is not None and len(tier.offered_peak_rps) == len(tier.t):
        return buckets.peak(tier.offered_peak_rps), _seconds_text(tier.peak_bucket_s)
    return buckets.peak(tier.offered_rps), _seconds_text(buckets.step_s)


def _seconds_text(seconds: float) -> str:
    return "second" if seconds == 1 else duration_text(seconds)


def _tier_figure(figures: Figures, name: str, tier: TierSeries) -> str:
    buckets = display_buckets(tier.t)
    at, width = buckets.centres(), duration_text(buckets.width_s)
    peaks, peak_of = busiest(tier, buckets)
    mean = buckets.mean(tier.offered_rps)
    spread = Area(f"offered, up to the busiest {peak_of} in each {width}", at, mean, peaks, BLUE)
    lines = [
        Line(f"offered, mean per {width}", at, mean, BLUE),
        Line("capacity", tier.t, tier.capacity_rps, DARK, dashed=True),
    ]
    for i, (reason, values) in enumerate(sorted(tier.rejected_rps.items())):
        if any(values):
            colour = LAYER_COLOURS[i % len(LAYER_COLOURS)]
            lines.append(Line(f"rejected: {reason}", at, buckets.mean(values), colour))
    if any(tier.timed_out_rps):
        lines.append(Line("timed out", at, buckets.mean(tier.timed_out_rps), RED, dashed=True))
    if any(tier.attack_rps):
        lines.append(Line("attack", at, buckets.mean(tier.attack_rps), PURPLE))
    svg = time_chart(
        figures.axis,
        f"{name} load",
        lines=lines,
        areas=[spread],
        marks=figures.marks,
        bands=figures.bands,
    )
    items = [*line_items(lines[:1]), (spread.name, SPREAD_KEY, "box"), *line_items(lines[1:])]
    note = (
        f"peak load {utilisation_text(max(tier.utilisation, default=0.0))}, "
        f"peak backlog {format_approx_count(max(tier.backlog, default=0.0))} requests; "
        f"rates: the mean over each {width} and the busiest {peak_of} within it"
    )
    caption = f"{name}: offered load vs capacity (event requests/s)"
    return figure(caption, svg, legend(items), note)
