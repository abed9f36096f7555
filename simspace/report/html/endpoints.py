"""The report's requests section: each endpoint's requests, failures and latency over the whole
run, from `result.endpoints` (load side, event scale), busiest first within each tier."""

from __future__ import annotations

from html import escape

from simspace.report.html.figure import table
from simspace.report.html.story import duration_text
from simspace.results.model import EndpointStats, RunResult
from simspace.units import format_approx_count

HEAD = ("Endpoint", "Requests", "Failed", "Failed %", "Latency p50", "Latency p95")


def latency_text(seconds: float | None) -> str:
    """`38ms` below a second, `1.3s`, `48s`, `1m15s`; `n/a` when nothing was answered."""
    if seconds is None:
        return "n/a"
    return f"{seconds * 1000:.0f}ms" if seconds < 1 else duration_text(seconds)


def endpoint_rows(result: RunResult) -> list[list[str]]:
    """One row of escaped cells per endpoint: by tier, the busiest first."""
    ordered = sorted(result.endpoints, key=lambda e: (e.tier, -e.requests, e.name))
    return [_row(e) for e in ordered]


def _row(e: EndpointStats) -> list[str]:
    failed_pct = "n/a" if e.error_ratio is None else f"{e.error_ratio * 100:.1f}%"
    return [
        escape(e.name),
        escape(format_approx_count(e.requests)),
        escape(format_approx_count(e.failed)),
        failed_pct,
        escape(latency_text(e.latency_s.p50)),
        escape(latency_text(e.latency_s.p95)),
    ]


def endpoints_section(result: RunResult) -> str:
    rows = endpoint_rows(result)
    if not rows:
        body = '<p class="mute">No per-endpoint requests in this result.</p>'
    else:
        body = (
            table(HEAD, rows, "endpoints")
            + '<p class="mute">What our listeners sent, at event scale. Latency: event seconds '
            "from send to answer (a timeout: the time waited), within 5%.</p>"
        )
    return f'<section id="requests"><h2>Requests by endpoint</h2>{body}</section>'
