"""The self-contained offline HTML report of one run: what happened against what was reported.

One file, no external URL, font, image or script: CSS is inline, charts are inline SVG built in
`simspace.report.html.charts`. Every piece of scenario or run text is escaped.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from simspace import __version__
from simspace.judge.gates import Outcome
from simspace.judge.verdicts import (
    Comparison,
    EventCalendar,
    FactVerdict,
    format_deviation,
    format_observed,
    format_reported,
    format_tolerance,
)
from simspace.judge.wording import UNVERIFIED, VERDICT_LABEL
from simspace.report.gates_view import gates_section, headline_html
from simspace.report.html.canvas import offset_label
from simspace.report.html.endpoints import endpoints_section
from simspace.report.html.figure import table as _table
from simspace.report.html.figures import Figures
from simspace.report.html.load_figures import load_section
from simspace.report.html.shell import page
from simspace.report.html.story import Story, duration_text
from simspace.report.html.ttfa_figures import ttfa_section
from simspace.report.summary import run_identity
from simspace.report.target_view import target_section
from simspace.report.why import why_lines
from simspace.report.why_view import why_section
from simspace.results.model import RunResult
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count

STATUS_CLASS = {"completed": "ok", "interrupted": "warn"}  # failed, aborted: bad

CSS = """
nav{display:flex;flex-wrap:wrap;gap:4px 12px;font-size:.9em;margin:.4em 0}
nav a{color:#0969da;text-decoration:none}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin:.8em 0}
.card{background:var(--bg2);border-radius:6px;padding:6px 10px}
.card b{display:block;font-size:1.25em}.card span{font-size:.85em;color:var(--mute)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:8px 24px}
figure{margin:0 0 12px}figcaption{font-weight:600;margin:.3em 0}
svg{display:block;height:auto;max-width:100%}
@media (max-width:700px){svg{font-size:20px}}
.legend{display:flex;flex-wrap:wrap;gap:2px 14px;list-style:none;padding:0;margin:4px 0;
font-size:.85em}
.legend i{display:inline-block;width:18px;height:0;border-top:3px solid;margin-right:5px;
vertical-align:middle}
.legend i.dash{border-top-style:dashed}.legend i.box{height:10px;border:0}
ol.moments{padding-left:2em;font-size:.92em}ol.moments li{margin:2px 0}
pre{background:var(--bg2);padding:10px;border-radius:6px;overflow-x:auto;white-space:pre-wrap;
word-break:break-all}
footer{margin-top:2em;font-size:.85em;color:var(--mute)}
"""
"""The report's own CSS, after the shell's shared CSS: navigation, cards, charts and legends."""


def render_report(
    scenario: Scenario,
    result: RunResult,
    comparison: Comparison,
    *,
    command: str,
    outcome: Outcome | None = None,
) -> str:
    """The whole report as one HTML document (str), ready to write as `report.html`."""
    story = Story(scenario, result, comparison)
    figures = Figures(story)
    title = f"{scenario.event.title} — simspace report"
    body = [
        _header(scenario, result, comparison, outcome),
        why_section(why_lines(scenario, result)),
        _nav(),
        _facts(story),
        gates_section(outcome),
        target_section(result),
        _timeline(story, figures),
        figures.listeners_section(),
        load_section(figures),
        figures.errors_section(),
        endpoints_section(result),
        ttfa_section(figures),
        _spaces(story),
        _ledger(story),
        _plan(result),
        _reproduce(command),
        _warnings(result),
        f"<footer>simspace {escape(__version__)} · result format v{result.version} · "
        "self-contained report: no network access needed</footer>",
    ]
    return page(title, "".join(body), CSS)


def _cards(items: Iterable[tuple[str, str]]) -> str:
    return (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><b>{escape(value)}</b><span>{escape(name)}</span></div>'
            for name, value in items
        )
        + "</div>"
    )


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _header(
    scenario: Scenario, result: RunResult, comparison: Comparison, outcome: Outcome | None
) -> str:
    event = scenario.event
    variant = result.variant or "none (the base scenario)"
    description = ""
    if result.variant and result.variant in scenario.variants:
        description = f" — {escape(scenario.variants[result.variant].description)}"
    badge = STATUS_CLASS.get(result.status, "bad")
    status = f'<span class="badge {badge}">{escape(result.status)}</span>'
    if result.failure:
        status += f" {escape(result.failure)}"
    fit = headline_html(comparison, outcome)  # the fit, or the gates first without facts
    cards = _header_cards(result)
    summary = f"<p>{escape(event.summary)}</p>" if event.summary else ""
    identity = f'<p class="mute">{escape(text)}</p>' if (text := run_identity(result)) else ""
    return (
        f"<header><h1>{escape(event.title)}</h1>"
        f'<p class="mute">{event.date:%A} {event.date.day} {event.date:%B %Y} · scheduled start '
        f"{event.scheduled_start:%H:%M} {escape(event.time_zone)} · variant "
        f"<b>{escape(variant)}</b>{description}</p>"
        f"<p>{status} · {fit} · wall time {duration_text(result.wall_s)}</p>"
        f"{identity}{summary}{cards}</header>"
    )


def _header_cards(result: RunResult) -> str:
    """The run at a glance: start delay, peak listeners, arrivals and what became of them,
    stalls, errors and time to first audio."""
    m = result.metrics
    peak_at = (
        f" at {offset_label(round(m.peak_listeners_at))}" if m.peak_listeners_at is not None else ""
    )
    return _cards(
        [
            (
                "start delay",
                "did not start" if m.start_delay_s is None else duration_text(m.start_delay_s),
            ),
            ("peak listeners" + peak_at, format_approx_count(m.peak_listeners)),
            ("arrived", format_approx_count(m.arrived)),
            ("heard audio", format_approx_count(m.unique_listeners)),
            ("join success", _pct(m.join_success_ratio)),
            ("gave up", f"{format_approx_count(m.gave_up)} ({_pct(m.gave_up_ratio)})"),
            ("booted", format_approx_count(m.booted)),
            ("stalls per listener", _pct(m.stall_ratio)),
            ("error ratio", _pct(m.error_ratio)),
            (
                "time to first audio p95",
                "n/a" if m.ttfa_s.p95 is None else duration_text(m.ttfa_s.p95),
            ),
        ]
    )


def _nav() -> str:
    links = [
        ("facts", "Reported facts"),
        ("gates", "Gates"),
        ("timeline", "Timeline"),
        ("listeners", "Listeners"),
        ("load", "Load"),
        ("errors", "Errors"),
        ("requests", "Requests"),
        ("ttfa", "Time to first audio"),
        ("spaces", "Spaces"),
        ("plan", "Plan"),
        ("reproduce", "Reproduce"),
        ("warnings", "Warnings"),
    ]
    return "<nav>" + "".join(f'<a href="#{a}">{t}</a>' for a, t in links) + "</nav>"


def _bounds(text: str) -> str:
    return text.replace(">= ", "≥ ").replace("<= ", "≤ ")


def _reported_cell(v: FactVerdict, calendar: EventCalendar) -> str:
    tolerance = format_tolerance(v)
    text = escape(_bounds(format_reported(v, calendar)))
    return text + (f"<br><small>tolerance {escape(tolerance)}</small>" if tolerance else "")


def _observed_cell(v: FactVerdict, calendar: EventCalendar) -> str:
    text = escape(_bounds(format_observed(v, calendar)))
    if v.deviation:
        text += f"<br><small>off by {escape(format_deviation(v))}</small>"
    if v.detail:
        text += f"<br><small>{escape(v.detail)}</small>"
    return text


def _fact_rows(story: Story, verdicts: list[FactVerdict]) -> list[list[str]]:
    rows = []
    for v in verdicts:
        where = ""
        if v.at is not None:
            where = f"<br><small>at {escape(story.when(v.at))}</small>"
        elif v.window_start is not None and v.window_end is not None:
            span = f"{offset_label(v.window_start)} .. {offset_label(v.window_end)}"
            where = f"<br><small>within {escape(span)}</small>"
        reason = f"<br><small>{escape(v.reason)}</small>" if v.reason else ""
        if v.marginal:
            reason += (
                "<br><small><b>marginal</b>: closer to a tolerance edge than the run's "
                "timing resolution; another run could flip it</small>"
            )
        if v.sources_unverified:
            reason += f"<br><small><b>{UNVERIFIED}</b></small>"
        robust = (
            f'<br><small class="robustness">{escape(v.robustness)}</small>' if v.robustness else ""
        )
        rows.append(
            [
                f"<b>{escape(v.fact_id)}</b><br><small>{escape(v.metric)}</small>{where}",
                f'<span class="badge {v.verdict}">{VERDICT_LABEL[v.verdict]}</span>{robust}'
                f"{reason}",
                _reported_cell(v, story.calendar),
                _observed_cell(v, story.calendar),
                escape(v.statement),
                story.sources_html(v.sources),
            ]
        )
    return rows


def _facts(story: Story) -> str:
    verdicts = story.comparison.verdicts
    scored = [v for v in verdicts if v.scored]
    claims = [v for v in verdicts if v.verdict == "claim"]
    context = [v for v in verdicts if v.verdict == "context"]
    head = ["Fact", "Verdict", "Reported", "Observed", "Statement", "Sources"]
    out = ['<section id="facts"><h2>Reported facts</h2>']
    if scored:
        out.append(_table(head, _fact_rows(story, scored), "facts"))
    else:
        out.append('<p class="mute">No scored facts in this scenario.</p>')
    if robustness := story.comparison.robustness:
        out.append(f'<p class="mute">{escape(robustness)} (docs/reporting.md)</p>')
    if claims:
        out.append("<h3>Claims (shown with what this run says, not scored)</h3>")
        out.append(_table(head, _fact_rows(story, claims), "claims"))
    if context:
        out.append(
            "<h3>Context (about other events: shown beside what this run says, never judged "
            "against it)</h3>"
        )
        out.append(_table(head, _fact_rows(story, context), "other-events"))
    out.append(story.sources_list())
    return "".join(out) + "</section>"


def _timeline(story: Story, figures: Figures) -> str:
    return (
        '<section id="timeline"><h2>Timeline</h2>'
        '<p class="mute">Numbered lines on every chart; x axis: time from the scheduled start '
        "and the event's local clock.</p>"
        f'<div class="grid"><div>{story.moments_html()}</div>{figures.strip_figure()}</div>'
        "</section>"
    )


def _spaces(story: Story) -> str:
    rows = [
        [
            str(s.ordinal),
            escape(s.space_id),
            escape(s.room),
            escape(story.speaker_name(s.host)),
            escape(story.when(s.created_at)) if s.created_at is not None else "—",
            escape(story.when(s.running_at)) if s.running_at is not None else "never",
            escape(story.when(s.ended_at)) if s.ended_at is not None else "—",
            escape(s.end_state or "running at the end"),
            escape(format_approx_count(s.peak_listeners))
            + (
                f"<br><small>at {escape(story.when(s.peak_listeners_at))}</small>"
                if s.peak_listeners_at is not None
                else ""
            ),
        ]
        for s in story.result.spaces
    ]
    head = ["#", "Space", "Room", "Host", "Created", "Live", "Ended", "End state", "Peak listeners"]
    table = _table(head, rows) if rows else '<p class="mute">No Space was created.</p>'
    return f'<section id="spaces"><h2>Spaces</h2>{table}</section>'


def _ledger(story: Story) -> str:
    rows = story.ledger_rows()
    if not rows:
        return ""
    head = ["When", "What", "Tier", "Count", "Event-scale weight", "Details"]
    return (
        '<section id="ledger"><h2>What the platform injected (ledger)</h2>'
        f"{_table(head, rows)}</section>"
    )


def _plan(result: RunResult) -> str:
    plan = result.plan
    facts = [
        ("population scale", f"1/{1 / plan.population_scale:.4g}"),
        ("simulated listeners", f"{plan.simulated_listeners:,}"),
        ("event listeners per simulated one", format_approx_count(plan.listener_weight)),
        ("speedup", f"{plan.speedup:.3g}×"),
        ("window", f"{offset_label(plan.t_begin)} .. {offset_label(plan.t_end)}"),
        ("wall time planned", duration_text(plan.wall_duration_s)),
        ("budget", f"{plan.budget_rps:g} req/s"),
        ("expected peak listeners", format_approx_count(plan.expected_peak_present)),
        ("expected peak load", f"{plan.expected_peak_rps:.0f} req/s"),
        ("session timeout", duration_text(plan.session_timeout_s)),
        ("seed", str(plan.seed)),
    ]
    cadences = [
        [
            escape(name),
            duration_text(c.event_interval_s),
            duration_text(c.wall_interval_s),
            escape(format_approx_count(c.weight)),
        ]
        for name, c in (
            ("metadata poll", plan.metadata_poll),
            ("playlist reload", plan.playlist_poll),
            ("ping", plan.ping),
        )
    ]
    reasons = "".join(f"<li>{escape(r)}</li>" for r in plan.reasons)
    return (
        '<section id="plan"><h2>Plan</h2>'
        + _cards(facts)
        + (
            f'<p class="mute">Expected peak: {escape(plan.expected_peak_basis)}</p>'
            if plan.expected_peak_basis
            else ""
        )
        + _table(["Cadence", "Event interval", "Wall interval", "Weight (X-Sim-Weight)"], cadences)
        + f"<h3>Why</h3><ul>{reasons}</ul></section>"
    )


def _reproduce(command: str) -> str:
    return (
        '<section id="reproduce"><h2>Reproduce</h2>'
        f"<pre><code>{escape(command)}</code></pre></section>"
    )


def _warnings(result: RunResult) -> str:
    """The run's warnings as result.json words them (the CPU warning among them), and how it
    ended when it did not complete."""
    warnings = list(result.warnings)
    g = result.generator
    if result.status != "completed":
        warnings.append(
            f"the run {result.status}" + (f": {result.failure}" if result.failure else "")
        )
    items = "".join(f"<li>{escape(w)}</li>" for w in warnings) or "<li>none</li>"
    return (
        f'<section id="warnings"><h2>Warnings</h2><ul>{items}</ul>'
        f'<p class="mute">load generator CPU, percent of a core: mean {g.cpu_percent_mean:.0f}%, '
        f"max {g.cpu_percent_max:.0f}%</p></section>"
    )
