"""The report's building blocks: a figure (a caption, an inline SVG chart, its HTML legend and a
note) and a table."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from simspace.report.html.charts import Line


def legend(items: list[tuple[str, str, str]]) -> str:
    """(name, colour, style) with style line, dash or box."""
    lis = "".join(
        f'<li><i class="{style}" style="border-color:{colour};background:'
        f'{colour if style == "box" else "transparent"}"></i>{escape(name)}</li>'
        for name, colour, style in items
    )
    return f'<ul class="legend">{lis}</ul>'


def line_items(lines: Sequence[Line]) -> list[tuple[str, str, str]]:
    """Legend items of a chart's lines, drawn as they are (dashed or not)."""
    return [(line.name, line.colour, "dash" if line.dashed else "line") for line in lines]


def figure(caption: str, svg: str, legend_html: str = "", note: str = "") -> str:
    note_html = f'<p class="mute">{escape(note)}</p>' if note else ""
    return (
        f"<figure><figcaption>{escape(caption)}</figcaption>{svg}{legend_html}{note_html}</figure>"
    )


def table(head: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """A table that scrolls sideways on narrow screens; cells are already-escaped HTML."""
    th = "".join(f"<th>{h}</th>" for h in head)
    trs = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="scroll"><table class="{cls}"><thead><tr>{th}</tr></thead>'
        f"<tbody>{trs}</tbody></table></div>"
    )
