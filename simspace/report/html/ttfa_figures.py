"""The report's time-to-first-audio section: p50 and p95 over the event, by when the audio came
(`result.ttfa_series`, or for older results the series of its samples), and the run's overall
percentiles as bars."""

from __future__ import annotations

from simspace.report.html.canvas import BLUE, ORANGE, duration_ticks
from simspace.report.html.charts import Line, percentile_chart, time_chart
from simspace.report.html.figure import figure, legend, line_items
from simspace.report.html.figures import Figures
from simspace.report.html.story import duration_text
from simspace.report.series import grid_step_s
from simspace.results.model import Percentiles, RunResult, TtfaSeries
from simspace.results.ttfa import ttfa_series


def ttfa_section(figures: Figures) -> str:
    m = figures.result.metrics

    def bars(label: str, p: Percentiles) -> str:
        rows = [("p50", p.p50), ("p95", p.p95), ("p99", p.p99), ("max", p.max)]
        svg = percentile_chart(label, rows, duration_text)
        return figure(f"{label} (n = {p.count} simulated listeners)", svg)

    return (
        '<section id="ttfa"><h2>Time to first audio</h2><div class="grid">'
        + _over_time(figures)
        + bars("Join to first audio", m.ttfa_s)
        + bars("Arrival to first audio (waiting included)", m.wait_s)
        + "</div></section>"
    )


def series_of(result: RunResult) -> TtfaSeries | None:
    """The result's series; for a result written before it, the series of its samples."""
    if result.ttfa_series is not None or result.ttfa is None:
        return result.ttfa_series
    grid = result.listeners.t
    samples = zip(result.ttfa.t, result.ttfa.ttfa_s, strict=True)
    return ttfa_series(samples, grid, grid_step_s(grid))


def _seconds(value: float) -> str:
    return "0" if value == 0 else duration_text(value)


def _over_time(figures: Figures) -> str:
    series = series_of(figures.result)
    if series is None or not any(series.count):
        return ""
    at = [t + series.bucket_s / 2 for t in series.t]
    width = duration_text(series.bucket_s)
    lines = [
        Line("p50", at, series.p50_s, BLUE),
        Line("p95", at, series.p95_s, ORANGE),
    ]
    svg = time_chart(
        figures.axis,
        "time to first audio over the event",
        lines=lines,
        marks=figures.marks,
        bands=figures.bands,
        y_format=_seconds,
        y_ticks=duration_ticks,
    )
    note = (
        f"each point: the listeners whose first audio came in those {width}; "
        f"{sum(series.count)} simulated listeners in all, at most {max(series.count)} in one "
        f"{width}"
    )
    caption = f"Join to first audio, by when the audio came (per {width})"
    return figure(caption, svg, legend(line_items(lines)), note)
