"""The console every command prints through: text from scenario files, run directories or a
target's answers can carry terminal control characters (an escape sequence in a title could
retitle the window, move the cursor or hide what follows); they are dropped, never sent to the
terminal (rich measures them as zero-width, so tables keep their layout). Rich's own styling
and cursor moves are not text and pass unchanged."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL, and C1 controls (8-bit CSI and OSC among them)."""


def without_control_characters(text: str) -> str:
    """`text` without its terminal control characters."""
    return _CONTROL.sub("", text)


class SafeConsole(Console):
    """A rich Console whose printed text never carries terminal control characters."""

    def render(
        self, renderable: RenderableType, options: ConsoleOptions | None = None
    ) -> Iterable[Segment]:
        for segment in super().render(renderable, options):
            if segment.control or not _CONTROL.search(segment.text):
                yield segment
            else:
                yield Segment(without_control_characters(segment.text), segment.style)


def make_console(**kwargs: Any) -> SafeConsole:
    """The console for a command's output (`stderr=True` for its errors)."""
    return SafeConsole(highlight=False, **kwargs)
