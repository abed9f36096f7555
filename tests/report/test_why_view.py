""" "What happened and why" on the console (at the top of the summary) and in report.html (after
the header), with hostile scenario text shown as text, never as markup."""

from __future__ import annotations

from simspace.judge.facts.compare import compare
from simspace.report.html.page import render_report
from simspace.report.summary import ResultSummary
from simspace.report.why import WhyLine
from simspace.report.why_view import WhyView, why_section
from simspace.scenario.model import Scenario
from tests.report.test_console import render
from tests.report.test_why import make_scenario, overloaded_run, set_capacity

HOSTILE = "<script>alert(1)</script> [bold]x[/bold] & co"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; [bold]x[/bold] &amp; co"


def hostile_scenario() -> Scenario:
    """An action reported by an outlet whose name is markup, and a variant described so."""
    scenario = make_scenario(
        operator_actions=[set_capacity(40, sources=["ap"])],
        variants={"ddos": {"description": f"a flood {HOSTILE}"}},
    )
    sources = [s.model_copy(update={"outlet": HOSTILE}) for s in scenario.event.sources]
    event = scenario.event.model_copy(update={"sources": sources})
    return scenario.model_copy(update={"event": event})


def test_the_console_shows_bullets_with_a_hanging_indent_and_markup_as_text() -> None:
    lines = [WhyLine("hypothesis", f"ddos: {HOSTILE} " + "word " * 12), WhyLine("more", "x")]
    text = render(WhyView(lines), 60)
    assert text.splitlines()[:4] == [
        "What happened and why",
        "• hypothesis: ddos: <script>alert(1)</script> [bold]x[/bold]",
        "  & co word word word word word word word word word word",
        "  word word",
    ]
    assert "• more: x" in text


def test_the_summary_starts_with_it_when_given_the_scenario() -> None:
    scenario = make_scenario(variants={"ddos": {"description": "a flood"}})
    run = overloaded_run(variant="ddos")
    lines = render(ResultSummary(run, scenario), 200).splitlines()
    assert lines[:3] == ["Reporter test event completed", "What happened and why", lines[2]]
    assert lines[2].startswith("• hypothesis: ddos: a flood;")
    assert "What happened and why" not in render(ResultSummary(run), 200)


def test_the_html_section_escapes_every_scenario_text() -> None:
    html = why_section([WhyLine(f"topic {HOSTILE}", f"text {HOSTILE}")])
    assert HOSTILE not in html
    assert "<script" not in html
    assert f"<li><b>topic {ESCAPED}</b>: text {ESCAPED}</li>" in html


def test_report_html_tells_it_after_the_header_with_hostile_text_escaped() -> None:
    scenario = hostile_scenario()
    run = overloaded_run(variant="ddos")
    html = render_report(scenario, run, compare(scenario, run), command="simspace run x")
    assert "<script" not in html
    section = html[html.index('<section id="why">') :]
    assert html.index("</header>") < html.index('<section id="why">') < html.index("<nav>")
    assert f"ddos: a flood {ESCAPED}" in section
    assert f"at +40m (20:40): reported ({ESCAPED})" in section
    assert "docs/findings.md" in section
