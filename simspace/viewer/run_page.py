"""A run's page: what it was, its interactive charts on the event clock (with the reported
moments and facts drawn where they happened), its verdicts, gates and endpoints."""

from __future__ import annotations

from html import escape
from typing import Any

from simspace.judge.verdicts import format_observed
from simspace.judge.wording import VERDICT_LABEL, fit_percent, reported_text
from simspace.report.html.story import Story
from simspace.report.outputs import RunReport
from simspace.report.series import event_series
from simspace.units import format_duration_s
from simspace.viewer.catalog import RunEntry
from simspace.viewer.html import badge, labels_html, nav, safe_href, viewer_page


def fact_tag(verdict: str, scored: bool) -> str:
    """What a fact row says it is besides a judged fact: about another event, or a claim."""
    if verdict == "context":
        return " <small>(about another event)</small>"
    return "" if scored else " <small>(claim)</small>"


def run_label(entry: RunEntry) -> str:
    """How a run is named beside others: `base · 2026-11-30 07:43 · virtual`."""
    when = (entry.started_at or "?").replace("T", " ")[:16]
    return f"{entry.variant or 'base'} · {when} · {entry.engine}"


def chart_data(report: RunReport, label: str, story: Story | None = None) -> dict[str, Any]:
    """One run's series and marks, as the chart script reads them."""
    story = story or Story(report.scenario, report.result, report.comparison)
    return {
        "label": label,
        "table": event_series(report.result).model_dump(mode="json"),
        "marks": [
            {"t": m.t, "n": m.number, "label": m.label, "colour": m.colour, "kind": m.kind}
            for m in story.moments
        ],
    }


def _meta(entry: RunEntry, report: RunReport) -> str:
    result = report.result
    plan = result.plan
    rows = [
        ("scenario", f"{escape(result.scenario)} — {escape(result.title)}"),
        ("variant", escape(entry.variant or "base")
         + (f" <small>{escape(entry.variant_description)}</small>"
            if entry.variant_description else "")),
        ("engine", escape(entry.engine)),
        ("started", escape(entry.started_at or "?")),
        ("wall time", format_duration_s(round(result.wall_s))),
        ("status", badge(result.status) + (f" {escape(result.failure)}" if result.failure else "")),
        ("plan", f"scale 1/{1 / plan.population_scale:.4g}, speedup x{plan.speedup:g}, "
                 f"seed {plan.seed}"),
        ("fit", f"{fit_percent(report.comparison.fit_score)} ({report.comparison.reproduced} of "
                f"{report.comparison.scored} scored facts reproduced)"),
        ("labels", labels_html(entry.labels)
         + (f' <span class="pill">rev {escape(entry.revision)}</span>' if entry.revision else "")),
    ]  # fmt: skip
    body = "".join(f"<tr><td>{name}</td><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="meta">{body}</table>'


def _sources(report: RunReport) -> dict[str, str]:
    """Source id -> escaped HTML: the outlet, linked only when its URL is http(s)."""
    out = {}
    for source in report.scenario.event.sources:
        href = safe_href(source.url) if source.url else None
        text = escape(source.outlet)
        out[source.id] = (
            f'<a href="{escape(href)}" rel="noreferrer noopener">{text}</a>' if href else text
        )
    return out


def verdicts_html(report: RunReport) -> str:
    comparison, sources = report.comparison, _sources(report)
    calendar = comparison.calendar
    rows = []
    for v in comparison.verdicts:
        cited = ", ".join(sources.get(s, escape(s)) for s in v.sources)
        rows.append(
            f"<tr><td><b>{escape(v.fact_id)}</b>{fact_tag(v.verdict, v.scored)}"
            f"<br><small>{escape(v.statement)}</small></td>"
            f'<td><span class="badge {v.verdict}">{VERDICT_LABEL[v.verdict]}</span></td>'
            f"<td>{escape(format_observed(v, calendar))}</td>"
            f"<td>{escape(reported_text(v, calendar))}<br><small>{cited}</small></td></tr>"
        )
    if not rows:
        return '<p class="mute">The scenario reports no facts.</p>'
    return (
        '<div class="scroll"><table class="facts"><thead><tr><th>fact</th><th>verdict</th>'
        f"<th>observed</th><th>reported</th></tr></thead><tbody>{''.join(rows)}</tbody>"
        "</table></div>"
    )


def gates_html(report: RunReport) -> str:
    gates = report.outcome().gates
    if not gates:
        return '<p class="mute">No gates.</p>'
    rows = "".join(f"<tr><td>{badge(g.verdict)}</td><td>{escape(g.line)}</td></tr>" for g in gates)
    return f'<div class="scroll"><table><tbody>{rows}</tbody></table></div>'


def endpoints_html(report: RunReport) -> str:
    endpoints = report.result.endpoints
    if not endpoints:
        return '<p class="mute">No per-endpoint statistics in this result.</p>'
    rows = []
    for e in sorted(endpoints, key=lambda e: (e.tier, e.name)):
        ratio = "" if e.error_ratio is None else f"{e.error_ratio:.2%}"
        lat = e.latency_s
        quantiles = (lat.p50, lat.p95, lat.p99, lat.max)
        cells = [escape(e.name), escape(e.tier), f"{e.requests:,.0f}", f"{e.failed:,.0f}", ratio,
                 *("" if x is None else f"{x:.3g}" for x in quantiles)]  # fmt: skip
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(
        f"<th>{h}</th>"
        for h in ("endpoint", "tier", "requests", "failed", "error ratio", "p50 s", "p95 s",
                  "p99 s", "max s")
    )  # fmt: skip
    return (
        '<div class="scroll"><table><thead><tr>'
        f"{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
        '<p class="mute">Requests at event scale; latency in event seconds from the '
        "listeners' side.</p>"
    )


def run_html(entry: RunEntry, report: RunReport) -> str:
    story = Story(report.scenario, report.result, report.comparison)
    links = [f'<a href="/runs/{entry.run_id}/report.html">static report</a>',
             f'<a href="/runs/{entry.run_id}/series.csv">series as CSV</a>']  # fmt: skip
    if entry.live:
        links.append(f'<a href="/live/{entry.run_id}">live view</a>')
    body = (
        nav(("runs", "/"), (f"{entry.scenario} / {entry.name}", None))
        + f"<h1>{escape(report.result.title)}</h1>"
        + _meta(entry, report)
        + f"<p>{' · '.join(links)}</p>"
        + '<h2>Charts</h2><p class="mute">Drag to zoom, double-click to reset; click a legend '
        "entry to hide or show its series; numbered lines are the moments listed below.</p>"
        + '<div id="charts"></div><h3>Moments</h3>'
        + story.moments_html()
        + "<h2>Reported facts</h2>"
        + verdicts_html(report)
        + "<h2>Gates</h2>"
        + gates_html(report)
        + "<h2>Requests by endpoint</h2>"
        + endpoints_html(report)
    )
    data = {"page": "run", "runs": [chart_data(report, run_label(entry), story)]}
    return viewer_page(f"simspace view: {report.result.title}", body, data)
