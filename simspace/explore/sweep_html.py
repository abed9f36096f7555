"""`sweep.html`: one self-contained, script-free page (the shared shell) with, per variant, where
it reproduces every scored fact and how often each fact holds: heatmaps for two parameters on a
grid, lines and verdict strips for one, marginals and a table of points for a sample or three
parameters and more. Every text from the scenario or the command line is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from simspace import units
from simspace.explore.points import PointOutcome
from simspace.explore.sweep import Axis, Sampling, format_axis_value
from simspace.explore.sweep_result import SweepResult, VariantSweep, reproduces_all
from simspace.explore.sweep_svg import (
    UNPLAYED,
    VERDICT_FILL,
    Cells,
    fact_heatmap,
    fit_gradient,
    fit_heatmap,
    fit_line,
    marginal,
    tick_lines,
    verdict_strips,
)
from simspace.judge.wording import fit_percent
from simspace.report.html.shell import page

CSS = """
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(250px,1fr));gap:10px 18px}
.figure{max-width:680px}.key{display:inline-block;width:1em;height:1em;vertical-align:-.15em;
border-radius:2px;margin:0 .25em 0 .8em}.ramp{display:inline-block;width:120px;height:.9em;
vertical-align:-.1em;margin:0 .4em}.bar{display:inline-block;height:.7em;background:#1a7f37;
vertical-align:middle;margin-right:.4em}.num{text-align:right;font-variant-numeric:tabular-nums}
"""
MAX_TABLE_ROWS = 300


def _percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def _axis_text(axis: Axis, sampling: Sampling, result: SweepResult) -> str:
    """`operator_actions[2].at: +35m (20:35) .. +45m (20:45), 8 points`"""

    def shown(value: float) -> str:
        lines = tick_lines(axis, value, result.calendar)
        return f"{lines[0]} ({lines[1]})" if len(lines) > 1 else lines[0]

    spacing = ", log" if axis.log else ""
    unit = "bins" if sampling == "lhs" else "points"
    return (
        f"<code>{escape(axis.path)}</code>: {escape(shown(axis.low))} .. "
        f"{escape(shown(axis.high))} ({axis.points} {unit}{spacing}; the scenario's: "
        f"{escape(shown(axis.value))})"
    )


def _shares(sweep: VariantSweep) -> str:
    rows = "".join(
        f"<tr><td><b>{escape(f.fact_id)}</b><br><small>{escape(f.statement)}</small></td>"
        f'<td class="num">{f.reproduced}/{len(sweep.outcomes)}</td><td>'
        f'<span class="bar" style="width:{f.share * 120:.0f}px"></span>{_percent(f.share)}'
        "</td></tr>"
        for f in sweep.facts
    )
    return (
        '<div class="scroll"><table><thead><tr><th>scored fact</th><th>points</th>'
        f"<th>share reproduced</th></tr></thead><tbody>{rows}</tbody></table></div>"
    )


def _legend() -> str:
    keys = "".join(
        f'<span class="key" style="background:{colour}"></span>{escape(name)}'
        for name, colour in (
            ("reproduced", VERDICT_FILL["reproduced"]),
            ("not reproduced", VERDICT_FILL["not_reproduced"]),
            ("not observable", VERDICT_FILL["not_observable"]),
            ("could not play", UNPLAYED),
        )
    )
    return f"<p><small>{keys}</small></p>"


def _two_axes(sweep: VariantSweep, result: SweepResult) -> str:
    x, y = sweep.axes
    cells = Cells.of(x, y, sweep.outcomes)
    facts = "".join(
        f"<div>{fact_heatmap(cells, f.fact_id, result.calendar)}<br><small>"
        f"reproduced at {f.reproduced} of {len(sweep.outcomes)}</small></div>"
        for f in sweep.facts
    )
    return (
        f'<h3>Fit</h3><div class="figure">{fit_heatmap(cells, result.calendar)}</div>'
        f'<p><small>fit 0<span class="ramp" style="background:{fit_gradient()}"></span>1 · '
        "ringed cell: reproduces every scored fact · purple triangle: the scenario's own value "
        "· × could not play</small></p>"
        f'<h3>Each scored fact</h3>{_legend()}<div class="facts">{facts}</div>'
    )


def _one_axis(sweep: VariantSweep, result: SweepResult) -> str:
    (axis,) = sweep.axes
    ids = [f.fact_id for f in sweep.facts]
    return (
        f'<h3>Fit</h3><div class="figure">{fit_line(axis, sweep.outcomes, result.calendar)}</div>'
        "<p><small>filled dot: reproduces every scored fact</small></p>"
        f'<h3>Each scored fact</h3>{_legend()}<div class="figure">'
        f"{verdict_strips(axis, sweep.outcomes, ids)}</div>"
    )


def _setting(axis: Axis, outcome: PointOutcome) -> str:
    value = outcome.settings[axis.path]
    return escape(format_axis_value(axis, value))


def _missed(outcome: PointOutcome) -> str:
    if outcome.problem is not None:
        return f"could not play: {escape(outcome.problem)}"
    missed = [f for f, v in outcome.verdicts.items() if v in ("not_reproduced", "not_observable")]
    return escape(", ".join(missed)) or "—"


def _points_table(sweep: VariantSweep) -> str:
    ordered = sorted(sweep.outcomes, key=lambda o: -1.0 if o.fit_score is None else o.fit_score,
                     reverse=True)  # fmt: skip
    head = "".join(f"<th>{escape(a.path)}</th>" for a in sweep.axes)
    rows = "".join(
        f"<tr><td>{n}</td>"
        + "".join(f"<td>{_setting(a, o)}</td>" for a in sweep.axes)
        + f'<td class="num">{"—" if o.fit_score is None else fit_percent(o.fit_score)}</td>'
        f'<td class="num">{o.reproduced}/{o.scored}</td>'
        f"<td>{'yes' if reproduces_all(o) else ''}</td><td>{_missed(o)}</td></tr>"
        for n, o in enumerate(ordered[:MAX_TABLE_ROWS], start=1)
    )
    more = (
        f"<p><small>the best {MAX_TABLE_ROWS} of {len(ordered)} points; every point is in "
        "sweep.json</small></p>"
        if len(ordered) > MAX_TABLE_ROWS
        else ""
    )
    return (
        f'<div class="scroll"><table><thead><tr><th>#</th>{head}<th>fit</th>'
        "<th>reproduced</th><th>every fact</th><th>not reproduced</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></div>{more}"
    )


def _many_axes(sweep: VariantSweep, result: SweepResult) -> str:
    marginals = "".join(
        f"<div>{marginal(axis, sweep.outcomes, result.calendar)}</div>" for axis in sweep.axes
    )
    section = (
        "<h3>Each parameter's marginal</h3><p><small>per bin, the share of its points that "
        f'reproduce every scored fact</small></p><div class="facts">{marginals}</div>'
        if sweep.axes
        else ""
    )
    return f"{section}<h3>Points, best fit first</h3>{_points_table(sweep)}"


def _figures(sweep: VariantSweep, result: SweepResult) -> str:
    if sweep.sampling == "grid" and len(sweep.axes) == 2:
        return _two_axes(sweep, result)
    if sweep.sampling == "grid" and len(sweep.axes) == 1:
        return _one_axis(sweep, result)
    return _many_axes(sweep, result)


def _problems(outcomes: Sequence[PointOutcome]) -> str:
    found = list(dict.fromkeys(o.problem for o in outcomes if o.problem is not None))
    if not found:
        return ""
    items = "".join(f"<li>{escape(p)}</li>" for p in found[:10])
    return f"<p>Points that could not play ({len(found)} distinct reasons):</p><ul>{items}</ul>"


def _variant(sweep: VariantSweep, result: SweepResult) -> str:
    how = (
        f"a Latin-hypercube sample of {len(sweep.outcomes)} points"
        if sweep.sampling == "lhs"
        else f"a grid of {len(sweep.outcomes)} points"
    )
    axes = "".join(f"<li>{_axis_text(a, sweep.sampling, result)}</li>" for a in sweep.axes) or (
        "<li>nothing varied: the scenario marks no parameter fitted</li>"
    )
    scale = sweep.scale_reason or f"population scale 1/{1 / sweep.population_scale:.4g}"
    return (
        f"<h2>{escape(sweep.name)}</h2><p>{escape(sweep.description)}</p>"
        f"<p><b>Reproduces every scored fact at {sweep.region} of {len(sweep.outcomes)} points "
        f"({_percent(sweep.region_share)})</b> — {how} over:</p><ul>{axes}</ul>"
        f"<p><small>{escape(scale)}</small></p>"
        f"{_problems(sweep.outcomes)}{_shares(sweep)}{_figures(sweep, result)}"
    )


def sweep_html(result: SweepResult) -> str:
    """The whole page."""
    title = f"simspace sweep: {result.title}"
    spec = result.spec
    wall = units.format_duration_s(round(result.wall_s))
    intro = (
        f"<p><small>{escape(spec.scenario_file)} · {escape(spec.engine)} engine · seed "
        f"{spec.seed} · {spec.workers} workers · started {escape(result.started_at)} · "
        f"{escape(wall)} of wall time</small></p>"
        "<p>Each point is the scenario with the parameters set to its values, played to its end "
        "and judged against the reported facts. A variant holds where it reproduces every "
        "scored fact; a fact it reproduces everywhere does not depend on these parameters. At "
        "a coarse population scale counts are noisier than in a full run: confirm a point with "
        "<code>simspace run</code>.</p>"
    )
    body = "".join(_variant(v, result) for v in result.variants)
    return page(title, f"<h1>{escape(title)}</h1>{intro}{body}", CSS)
