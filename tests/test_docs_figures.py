"""The figures the docs quote from commands are the ones the commands print today
(`tests/docs_figures.py` regenerates them)."""

from __future__ import annotations

import difflib
from collections.abc import Callable

import pytest

from tests.docs_figures import DOCS, FIGURES, REGENERATE, ROOT, regenerate, stale_docs

FAKE: dict[str, Callable[[], str]] = {"speedup": lambda: "47.8", "plan": lambda: "row 1\nrow 2"}


def test_an_inline_figure_is_replaced_between_its_markers() -> None:
    text = "at speedup <!-- figure:speedup -->43<!-- /figure -->, about 4m\n"
    assert (
        regenerate(text, FAKE)
        == "at speedup <!-- figure:speedup -->47.8<!-- /figure -->, about 4m\n"
    )


def test_a_block_figure_replaces_the_lines_between_its_markers() -> None:
    text = "before\n<!-- figures:plan -->\nold 1\nold 2\nold 3\n<!-- /figures -->\nafter\n"
    assert regenerate(text, FAKE) == (
        "before\n<!-- figures:plan -->\nrow 1\nrow 2\n<!-- /figures -->\nafter\n"
    )
    assert regenerate(regenerate(text, FAKE), FAKE) == regenerate(text, FAKE)


def test_a_marker_naming_no_figure_or_never_closed_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown figure wall"):
        regenerate("<!-- figure:wall -->4m<!-- /figure -->", FAKE)
    with pytest.raises(ValueError, match="1 figure marker"):
        regenerate("<!-- figures:plan -->\nrow\n", FAKE)


def test_every_figure_is_quoted_somewhere() -> None:
    text = "".join(path.read_text(encoding="utf-8") for path in DOCS)
    unquoted = [
        n for n in FIGURES if f"figure:{n} -->" not in text and f"figures:{n} -->" not in text
    ]
    assert unquoted == []


@pytest.mark.slow
def test_the_docs_figures_are_what_the_commands_print_today() -> None:
    stale = stale_docs()
    if stale:
        diffs = []
        for path, fresh in stale.items():
            name = str(path.relative_to(ROOT))
            committed = path.read_text(encoding="utf-8").splitlines(keepends=True)
            lines = fresh.splitlines(keepends=True)
            diffs.append("".join(difflib.unified_diff(committed, lines, name, "regenerated", n=1)))
        pytest.fail(
            f"figures in the docs are stale; regenerate them with:\n    {REGENERATE}\n\n"
            + "\n".join(diffs)[:4000],
            pytrace=False,
        )
