"""The console summary a run ends with: which run it was (start, revision, labels)."""

from __future__ import annotations

from simspace.report.summary import ResultSummary
from tests.report import builders as b
from tests.report.test_console import render


def test_the_summary_says_when_the_run_started_its_revision_and_labels() -> None:
    identity = {
        "started_at": "2026-11-30T07:43:32Z",
        "revision": "3f2a9c1-dirty",
        "labels": {"build": "candidate", "note": "[bold]as typed[/bold]"},
    }
    text = render(ResultSummary(b.result().model_copy(update=identity)), 160)
    assert (
        "started 2026-11-30 07:43:32 UTC · revision 3f2a9c1-dirty · labels build=candidate, "
        "note=[bold]as typed[/bold]"  # a label is text, never markup
    ) in text


def test_an_older_result_has_no_such_line() -> None:
    lines = render(ResultSummary(b.result()), 160).splitlines()
    assert lines[0] == "Reporter test event completed"
    assert lines[1].split() == ["observed", "(event", "scale)", "value"]
