""" "What happened and why" as the reporter shows it: bullets at the top of the console summary
and of the HTML report. The sentences come from `simspace.report.why`; scenario text in them is
shown as text, never as markup."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.report.why import WhyLine

TITLE = "What happened and why"


@dataclass(frozen=True)
class WhyView:
    """The bullets under a bold title, each `• topic: sentence`, then a blank line."""

    lines: list[WhyLine]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text(TITLE, style="bold")
        grid = Table.grid(padding=(0, 1))  # a hanging indent: wrapped lines under the text
        grid.add_column(no_wrap=True)
        grid.add_column()
        for line in self.lines:
            text = Text(line.topic, style="bold")
            text.append(f": {line.text}")  # plain text: brackets in a description stay text
            grid.add_row("•", text)
        yield grid
        yield Text("")


def why_section(lines: list[WhyLine]) -> str:
    """The report's "What happened and why" section, every sentence escaped."""
    items = "".join(f"<li><b>{escape(x.topic)}</b>: {escape(x.text)}</li>" for x in lines)
    return f'<section id="why"><h2>{TITLE}</h2><ul class="why">{items}</ul></section>'
