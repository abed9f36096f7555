"""The index: every run the viewer knows, newest first; sortable and filterable in the browser,
and runs chosen there are compared."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from simspace.judge.wording import fit_percent
from simspace.units import format_duration_s
from simspace.viewer.catalog import RunEntry
from simspace.viewer.html import badge, labels_html, nav, viewer_page

COLUMNS = (
    ("", None),
    ("scenario", "text"),
    ("variant", "text"),
    ("engine", "text"),
    ("started (UTC)", "text"),
    ("wall", "number"),
    ("status", "text"),
    ("fit", "number"),
    ("gates", "text"),
    ("labels", "text"),
)


def _fit(entry: RunEntry) -> str:
    if entry.fit_score is None:
        return ""
    return f"{fit_percent(entry.fit_score)} <small>({entry.reproduced}/{entry.scored})</small>"


def _gates(entry: RunEntry) -> str:
    if entry.gates_passed is None:
        return ""
    failed = entry.gates_failed or 0
    if entry.gates_passed + failed == 0:
        return '<span class="mute">none</span>'
    text = f"{entry.gates_passed} passed" + (f", {failed} failed" if failed else "")
    return f'<span class="{"worse" if failed else "better"}">{text}</span>'


def _status(entry: RunEntry) -> str:
    out = badge(entry.status)
    if entry.live and entry.status in ("running", "stale"):
        done = f" {entry.progress:.0%}" if entry.progress is not None else ""
        out += f' <a href="/live/{entry.run_id}">live{done}</a>'
    if entry.problem:
        out += f"<br><small>{escape(entry.problem)}</small>"
    elif entry.failure:
        out += f"<br><small>{escape(entry.failure[:200])}</small>"
    return out


def _row(entry: RunEntry) -> str:
    link = f"/runs/{entry.run_id}" if entry.status != "unreadable" else None
    variant = escape(entry.variant or "base")
    if entry.variant_description:
        variant += f"<br><small>{escape(entry.variant_description)}</small>"
    title = escape(entry.scenario)
    scenario = f'<a href="{link}">{title}</a>' if link else title
    revision = f'<span class="pill">rev {escape(entry.revision)}</span>' if entry.revision else ""
    wall = format_duration_s(round(entry.wall_s)) if entry.wall_s is not None else ""
    cells = [
        f'<input type="checkbox" name="run" value="{entry.run_id}" '
        f'aria-label="select {escape(entry.name)}">',
        f"{scenario}<br><small>{escape(entry.title)}</small>",
        variant,
        escape(entry.engine),
        escape((entry.started_at or "").replace("T", " ").rstrip("Z")),
        wall,
        _status(entry),
        _fit(entry),
        _gates(entry),
        labels_html(entry.labels) + revision,
    ]
    sort_keys = [
        "",
        entry.scenario,
        entry.variant or "base",
        entry.engine,
        entry.started_at or "",
        "" if entry.wall_s is None else f"{entry.wall_s:.3f}",
        entry.status,
        "" if entry.fit_score is None else f"{entry.fit_score:.4f}",
        str(entry.gates_failed or 0),
        " ".join(f"{k}={v}" for k, v in sorted(entry.labels.items())),
    ]
    tds = "".join(
        f'<td data-key="{escape(key)}">{cell}</td>'
        for cell, key in zip(cells, sort_keys, strict=True)
    )
    search = " ".join(
        [entry.scenario, entry.title, entry.variant or "base", entry.engine, entry.status,
         entry.revision or "", *(f"{k}={v}" for k, v in entry.labels.items())]
    )  # fmt: skip
    return f'<tr data-run="{entry.run_id}" data-search="{escape(search.lower())}">{tds}</tr>'


def index_html(entries: Sequence[RunEntry], roots: Sequence[str]) -> str:
    head = "".join(
        f'<th data-sort="{kind}">{escape(name)}</th>' if kind else f"<th>{escape(name)}</th>"
        for name, kind in COLUMNS
    )
    rows = "".join(_row(e) for e in entries)
    empty = (
        ""
        if entries
        else '<p class="mute">No runs here yet: <code>simspace run SCENARIO</code> writes one.</p>'
    )
    where = ", ".join(f"<code>{escape(r)}</code>" for r in roots)
    body = (
        nav(("runs", None))
        + f'<h1>Runs</h1><p class="mute">{len(entries)} runs under {where}. Click a column to '
        "sort; type to filter (words, or <code>key=value</code> for a label); tick two or more "
        "runs to compare them (the first ticked is the baseline).</p>"
        '<p><input type="search" id="filter" placeholder="filter: trump virtual build=42" '
        'aria-label="filter runs"> <button id="compare" disabled>compare selected</button></p>'
        f'{empty}<div class="scroll"><table id="runs"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )
    return viewer_page("simspace view: runs", body, {"page": "index"})
