"""Two or more runs side by side: their series overlaid on the event clock, the verdicts of every
run of the baseline's scenario keyed by run, and each metric against the baseline.

Runs of another scenario than the baseline's are not judged against its facts nor diffed: they
are overlaid only on the series they share (the event clock of each is its own event's)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from simspace.judge.diff import MetricDelta, diff_runs
from simspace.judge.ranking import rank, run_ids
from simspace.judge.wording import VERDICT_LABEL, fit_percent
from simspace.report.diff_view import format_delta, format_value
from simspace.report.outputs import RunReport
from simspace.viewer.catalog import RunEntry
from simspace.viewer.html import nav, viewer_page
from simspace.viewer.run_page import chart_data, run_label

MAX_COMPARED = 8
Chosen = Sequence[tuple[RunEntry, RunReport]]


def _head(runs: Chosen, base_id: str) -> str:
    cells = []
    for entry, _ in runs:
        mark = " <small>(baseline)</small>" if entry.run_id == base_id else ""
        cells.append(
            f'<th><a href="/runs/{entry.run_id}">{escape(run_label(entry))}</a>{mark}</th>'
        )
    return "".join(cells)


def verdict_matrix(runs: Chosen, base_id: str) -> str:
    """Facts by run, for the runs of one scenario (the baseline's), in the order chosen."""
    ids = run_ids([report.directory for _, report in runs])
    ranking = rank([report for _, report in runs])
    rows = []
    for fact in ranking.facts:
        cells = []
        for run_id in ids:
            verdict = fact.verdicts.get(run_id)
            observed = escape(fact.observed.get(run_id, ""))
            cells.append(
                f'<td><span class="badge {verdict}">{VERDICT_LABEL[verdict]}</span>'
                f"<br><small>{observed}</small></td>"
                if verdict
                else "<td>-</td>"
            )
        claim = "" if fact.scored else " <small>(claim)</small>"
        rows.append(
            f"<tr><td><b>{escape(fact.fact_id)}</b>{claim}<br><small>{escape(fact.statement)}"
            f"</small></td>{''.join(cells)}</tr>"
        )
    fits = "".join(f"<td>{fit_percent(report.comparison.fit_score)}</td>" for _, report in runs)
    return (
        f'<div class="scroll"><table class="facts"><thead><tr><th>fact</th>{_head(runs, base_id)}'
        f"</tr></thead><tbody><tr><td><b>fit</b></td>{fits}</tr>{''.join(rows)}</tbody>"
        "</table></div>"
    )


def _change_cell(row: MetricDelta) -> str:
    if row.new is None and row.base is None:
        return "<td>-</td>"
    css = "na" if row.change == "n/a" else row.change
    arrow = {"better": "▲ better", "worse": "▼ worse", "same": "= same", "n/a": ""}[row.change]
    return (
        f'<td class="{css}">{escape(format_value(row.unit, row.new))}'
        f"<br><small>{escape(format_delta(row))} {arrow}</small></td>"
    )


def diff_table(runs: Chosen, base_id: str) -> str:
    """Each metric: the baseline's value, then every other run's with its change."""
    base_entry, base = next((e, r) for e, r in runs if e.run_id == base_id)
    others = [(e, r) for e, r in runs if e.run_id != base_id]
    diffs = [
        diff_runs(base.result, r.result, base_run=run_label(base_entry), new_run=run_label(e))
        for e, r in others
    ]
    if not diffs:
        return ""
    head = f"<th>{escape(run_label(base_entry))} <small>(baseline)</small></th>" + "".join(
        f"<th>{escape(run_label(e))}</th>" for e, _ in others
    )
    by_run = [{row.metric: row for row in d.rows} for d in diffs]
    metrics = list(dict.fromkeys(row.metric for d in diffs for row in d.rows))
    direction = {True: "higher is better", False: "lower is better", None: "no direction"}
    rows = []
    for metric in metrics:
        first = next(found[metric] for found in by_run if metric in found)
        cells = "".join(
            _change_cell(found[metric]) if metric in found else "<td>-</td>" for found in by_run
        )
        rows.append(
            f"<tr><td>{escape(first.label)}<br><small>{escape(metric)} · "
            f"{direction[first.higher_is_better]}</small></td>"
            f"<td>{escape(format_value(first.unit, first.base))}</td>{cells}</tr>"
        )
    return (
        f'<div class="scroll"><table id="diff"><thead><tr><th>metric</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def baseline_choice(runs: Chosen, base_id: str) -> str:
    """Links that make another run the baseline (the same runs, another `base`)."""
    ids = ",".join(entry.run_id for entry, _ in runs)
    links = [
        f"<b>{escape(run_label(e))}</b>"
        if e.run_id == base_id
        else f'<a href="/compare?runs={ids}&amp;base={e.run_id}">{escape(run_label(e))}</a>'
        for e, _ in runs
    ]
    choice = " · ".join(links)
    return f'<p id="baseline">Baseline (click another to make it the baseline): {choice}</p>'


def compare_html(runs: Chosen, base_id: str) -> str:
    base_entry = next(e for e, _ in runs if e.run_id == base_id)
    ordered = [(e, r) for e, r in runs if e.run_id == base_id] + [
        (e, r) for e, r in runs if e.run_id != base_id
    ]
    judged = [(e, r) for e, r in ordered if e.scenario == base_entry.scenario]
    other = [e for e, _ in ordered if e.scenario != base_entry.scenario]
    refused = (
        '<p class="warn-text"><b>Not judged:</b> '
        + ", ".join(f"{escape(run_label(e))} ({escape(e.scenario)})" for e in other)
        + f" — another scenario than the baseline's ({escape(base_entry.scenario)}): its "
        "facts are not this event's, and its metrics are not diffed. It is overlaid only on "
        "the series both share, each on its own event clock.</p>"
        if other
        else ""
    )
    body = (
        nav(("runs", "/"), ("compare", None))
        + f"<h1>Compare {len(runs)} runs of {escape(base_entry.title)}</h1>"
        + baseline_choice(ordered, base_id)
        + refused
        + '<h2>Series overlaid</h2><p class="mute">Each run in its own colour; drag to zoom, '
        "double-click to reset, click a legend entry to hide or show it. Numbered lines: the "
        'baseline\'s moments.</p><div id="charts"></div>'
        + "<h2>Reported facts by run</h2>"
        + verdict_matrix(judged, base_id)
        + "<h2>Metrics against the baseline</h2>"
        + (diff_table(judged, base_id) or '<p class="mute">No other run of this scenario.</p>')
    )
    data = {
        "page": "compare",
        "runs": [chart_data(r, run_label(e)) for e, r in ordered],
    }
    return viewer_page("simspace view: compare", body, data)
