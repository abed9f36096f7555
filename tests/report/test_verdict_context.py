"""How the reports show facts about another event (context, never pass or fail) and how sure
each fact's sources are: the console verdict table, JUnit and the HTML report."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

from rich.console import Console

from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import Comparison
from simspace.report.console import VerdictTable
from simspace.report.html.figures import Figures
from simspace.report.html.page import render_report
from simspace.report.html.story import Story
from simspace.report.junit import junit_xml
from simspace.results.model import RunResult
from simspace.scenario.model import Scenario
from tests.report import builders as b

MIN = 60.0
SOURCES = [
    {"id": "ap", "outlet": "AP"},
    {"id": "cnn", "outlet": "CNN", "confidence": "second_hand"},
    {"id": "blog", "outlet": "A blog", "confidence": "unverified"},
]
FACTS = [
    {"id": "delay", "metric": "start_delay", "reported": "12m", "sources": ["ap"]},
    {"id": "peak", "metric": "peak_listeners", "reported": "183k", "sources": ["ap", "cnn"]},
    {"id": "rumour", "metric": "peak_listeners", "reported": "1M", "sources": ["blog"]},
    {
        "id": "record",
        "metric": "peak_listeners",
        "statement": "The previous record was 57k",
        "reported": "57k",
        "sources": ["cnn"],
        "about": "other_event",
    },
    {
        "id": "prev_delay",
        "metric": "start_delay",
        "reported": "1h",
        "sources": ["cnn"],
        "about": "other_event",
    },
]


def scenario() -> Scenario:
    data = b.scenario().model_dump(mode="json", exclude_defaults=True)
    data["event"]["sources"] = SOURCES
    facts = [{"statement": f"statement of {f['id']}", **f} for f in FACTS]
    return Scenario.model_validate({**data, "facts": facts})


SCENARIO = scenario()
RUN: RunResult = b.result(
    start_delay_s=12 * MIN,
    spaces=[b.space(1, running_at=12 * MIN, peak=183_000.0)],
    peak_listeners=183_000.0,
)
COMPARISON: Comparison = compare(SCENARIO, RUN)


def test_the_comparison_this_file_renders() -> None:
    verdicts = [(v.fact_id, v.verdict, v.sources_unverified) for v in COMPARISON.verdicts]
    assert verdicts == [
        ("delay", "reproduced", False),
        ("peak", "reproduced", False),
        ("rumour", "not_reproduced", True),
        ("record", "context", False),
        ("prev_delay", "context", False),
    ]


def render(width: int = 100) -> str:
    console = Console(
        width=width, record=True, color_system=None, force_terminal=False, file=io.StringIO()
    )
    console.print(VerdictTable(COMPARISON))
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def test_the_verdict_table_shows_context_and_unverified_sources() -> None:
    text = render()
    rows = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert rows["record"].endswith("context")
    assert rows["prev_delay"].endswith("context")
    words = " ".join(text.split())
    assert "about another event (reported 57k)" in words
    # under the fact's id, on the rumour's row only
    rumour_row = words[words.index(" rumour ") : words.index(" record ")]
    assert "every source unverified" in rumour_row
    assert words.count("every source unverified") == 1
    assert text.splitlines()[-1] == (
        "fit 67%: 2 of 3 scored facts reproduced; 2 facts about another event (context)"
    )


def test_junit_skips_context_and_names_it() -> None:
    suite = ET.fromstring(junit_xml(COMPARISON)).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    record = cases["record"].find("skipped")
    assert record is not None
    assert record.get("message") == (
        "CONTEXT record: about another event (reported 57k); the modelled platform served at "
        "most 183k concurrent listeners in this run"
    )
    assert cases["record"].find("failure") is None
    rumour = cases["rumour"].find("failure")
    assert rumour is not None
    assert (rumour.get("message") or "").endswith("[every source unverified]")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("5", "1", "2")


def facts_section(html: str) -> str:
    start = html.index('<section id="facts">')
    return html[start : html.index("</section>", start)]


def test_the_html_report_keeps_context_apart_and_shows_source_confidence() -> None:
    html = render_report(SCENARIO, RUN, COMPARISON, command="simspace run x.yaml")
    section = facts_section(html)
    scored, rest = section.split("<h3>Context", 1)
    assert "<b>record</b>" not in scored
    assert "<b>record</b>" in rest
    assert rest.startswith(
        " (about other events: shown beside what this run says, never judged against it)</h3>"
    )
    assert '<span class="badge context">context</span>' in rest
    assert "AP, CNN (second-hand)" in scored
    assert "A blog (unverified)" in scored
    assert "<b>every source unverified</b>" in scored
    assert scored.count("every source unverified") == 1
    assert "[cnn] (second-hand)</small>" in rest  # the list of sources
    assert "2 facts about another event (context)" in html


def test_a_timing_about_another_event_is_not_drawn_on_this_events_clock() -> None:
    strip = Figures(Story(SCENARIO, RUN, COMPARISON)).strip_figure()
    assert "delay: reproduced" in strip
    assert "prev_delay" not in strip
