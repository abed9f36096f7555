"""The offline HTML report: one self-contained document, every text escaped, charts and tables
built from a real run's result (tests/report/data/result_small.json) and a hand-made comparison."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from simspace.judge.verdicts import Comparison, FactVerdict
from simspace.report.html.canvas import TimeAxis, nice_ticks
from simspace.report.html.charts import Line, time_chart
from simspace.report.html.overlays import ChartMark
from simspace.report.html.page import render_report
from simspace.results.model import ErrorCount, Percentiles, RunResult
from simspace.scenario import Scenario, load_scenario
from simspace.units import format_approx_count

DATA = Path(__file__).parent / "data"
SMALL_SPACE = Path(__file__).parent.parent / "data" / "small_space.yaml"
HOSTILE = "<script>alert(1)</script>"
SOURCE_URL = "https://example.com/story?a=1&b=<x>"
COMMAND = "simspace run tests/data/small_space.yaml --scale 1/200 --speedup 60 && echo '<b>'"
SCORED_FACTS = 6


def make_scenario(tmp_path: Path) -> Scenario:
    """small_space.yaml with hostile text everywhere a user can put text, markers and sources."""
    data: dict[str, Any] = yaml.safe_load(SMALL_SPACE.read_text())
    event = data["event"]
    event["title"] = f"Small {HOSTILE} Space"
    event["summary"] = f"A summary with {HOSTILE}"
    event["sources"] = [
        {"id": "test", "outlet": f"outlet {HOSTILE}", "title": "A story", "url": SOURCE_URL},
        {"id": "wire", "outlet": "Wire"},
    ]
    event["markers"] = [
        {"at": "+2m", "label": f"Host posts about a DDoS {HOSTILE}", "sources": ["wire"]},
        {"at": "20:08", "label": "conversation starts"},
    ]
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data))
    return load_scenario(path).scenario


def load_result() -> RunResult:
    return RunResult.model_validate_json((DATA / "result_small.json").read_text())


def _verdict(fact_id: str, metric: str, **fields: Any) -> FactVerdict:
    base: dict[str, Any] = {
        "statement": f"{fact_id} statement",
        "sources": ["test"],
        "scored": True,
    }
    return FactVerdict(fact_id=fact_id, metric=metric, **(base | fields))


def make_comparison() -> Comparison:
    verdicts = [
        _verdict(
            "delay",
            "start_delay",
            unit="duration",
            verdict="reproduced",
            observed=452.7,
            reported_min=180.0,
            reported_max=None,
            deviation=0.0,
        ),
        _verdict(
            "waiting_at_start",
            "waiting_listeners_at",
            unit="count",
            verdict="reproduced",
            observed=42_000.0,
            reported_min=40_000.0,
            reported_max=40_000.0,
            tolerance_rel=0.5,
            at=0.0,
            statement=f"About 40k waiting {HOSTILE}",
        ),
        _verdict(
            "peak",
            "peak_listeners",
            unit="count",
            verdict="not_reproduced",
            observed=18_600.0,
            reported_min=30_000.0,
            reported_max=40_000.0,
            tolerance_rel=0.1,
            deviation=8_400.0,
        ),
        _verdict(
            "ended",
            "space_ended_at",
            unit="event_time",
            verdict="not_observable",
            observed=None,
            reported_min=600.0,
            reported_max=720.0,
            tolerance_abs=60.0,
            reason="the Space was still live when the window ended",
        ),
        _verdict(
            "details",
            "error_message_seen",
            unit="seen",
            verdict="reproduced",
            observed=True,
            reported_min=True,
            reported_max=True,
            sources=["test", "wire"],
        ),
        _verdict(
            "errors",
            "error_ratio",
            unit="ratio",
            verdict="reproduced",
            observed=0.563,
            reported_min=0.5,
            reported_max=0.7,
        ),
        _verdict(
            "tested_8m",
            "peak_listeners",
            unit="count",
            scored=False,
            verdict="claim",
            observed=18_600.0,
            reported_min=8e6,
            reported_max=8e6,
            reason=f"the modelled platform peaked at 18.6k {HOSTILE}",
        ),
    ]
    return Comparison(
        scenario="small_space",
        variant=None,
        verdicts=verdicts,
        fit_score=0.8,
        reproduced=4,
        scored=SCORED_FACTS,
        not_observable=1,
    )


def hostile_result(result: RunResult) -> RunResult:
    """The run's own texts (error messages, warnings, failure) can carry markup too."""
    errors = [*result.errors, ErrorCount(t=60.0, tier="api", message=HOSTILE, weight=5e5)]
    seen = result.metrics.errors_seen | {HOSTILE: 5e5}
    return result.model_copy(
        update={
            "errors": errors,
            "metrics": result.metrics.model_copy(update={"errors_seen": seen}),
            "warnings": [f"warning {HOSTILE}"],
            "status": "failed",
            "failure": f"server died {HOSTILE}",
        }
    )


@pytest.fixture
def report(tmp_path: Path) -> str:
    scenario = make_scenario(tmp_path)
    return render_report(scenario, load_result(), make_comparison(), command=COMMAND)


class _Collector(HTMLParser):
    """Every tag with its attributes, and the rows of each table by class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: dict[str, int] = {}
        self._table: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "table":
            self._table.append(dict(attrs).get("class") or "")
        elif tag == "tbody":
            self._in_body = True
        elif tag == "tr" and self._in_body and self._table:
            self.rows[self._table[-1]] = self.rows.get(self._table[-1], 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self._table.pop()
        elif tag == "tbody":
            self._in_body = False


def _collect(html: str) -> _Collector:
    parser = _Collector()
    parser.feed(html)
    return parser


def test_report_references_nothing_outside_itself(report: str) -> None:
    for tag, attrs in _collect(report).tags:
        for name in ("src", "href", "xlink:href", "action", "poster", "srcset"):
            value = attrs.get(name)
            assert value is None or value.startswith("#") or value == "data:,", (tag, attrs)
    assert "<script" not in report.lower()
    assert "url(" not in report
    assert "@import" not in report
    # The only web address is the source's, shown as escaped text, never as a link.
    shown = SOURCE_URL.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert report.count(shown) == 1
    assert re.findall(r"https?://", report.replace(shown, "")) == []
    assert "Content-Security-Policy" in report


def test_every_scenario_and_run_text_is_escaped(tmp_path: Path) -> None:
    scenario = make_scenario(tmp_path)
    result = hostile_result(load_result())
    html = render_report(scenario, result, make_comparison(), command=COMMAND)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert HOSTILE not in html
    assert "<script" not in html.lower()
    assert f"Small {escaped} Space" in html
    for text in ("outlet ", "Host posts about a DDoS ", "server died ", "warning ", "waiting "):
        assert text + escaped in html, text
    assert "echo &#x27;&lt;b&gt;&#x27;" in html


def test_the_header_says_when_the_run_started_its_revision_and_labels(tmp_path: Path) -> None:
    scenario = make_scenario(tmp_path)
    older = render_report(scenario, load_result(), make_comparison(), command=COMMAND)
    assert '<p class="mute">started' not in older  # older results: no such line
    identity = {
        "started_at": "2026-11-30T07:43:32Z",
        "revision": "3f2a9c1-dirty",
        "labels": {"build": "candidate", "note": HOSTILE},
    }
    result = load_result().model_copy(update=identity)
    html = render_report(scenario, result, make_comparison(), command=COMMAND)
    assert (
        '<p class="mute">started 2026-11-30 07:43:32 UTC · revision 3f2a9c1-dirty · labels '
        "build=candidate, note=&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    ) in html
    assert HOSTILE not in html


def test_facts_and_claims_tables(report: str) -> None:
    rows = _collect(report).rows
    assert rows["facts"] == SCORED_FACTS
    assert rows["claims"] == 1
    for badge in ("reproduced", "not reproduced", "not observable", "claim"):
        assert f">{badge}</span>" in report
    # Reported values in human units with their tolerance; observed side by side.
    assert "≥ 3m" in report
    assert "40k<br><small>tolerance 50%</small>" in report
    assert "30k..40k<br><small>tolerance 10%</small>" in report
    assert "+10m..+12m (20:10..20:12)<br><small>tolerance 1m</small>" in report
    assert "50%..70%" in report
    assert "18.6k<br><small>off by 8.4k</small>" in report
    assert "fit 80%" in report
    assert "4 of 6 scored facts reproduced" in report


def test_charts_are_inline_svg_on_the_event_clock(report: str) -> None:
    svgs = re.findall(r"<svg\b.*?</svg>", report, flags=re.S)
    labels = [re.search(r'aria-label="([^"]*)"', svg)[1] for svg in svgs]  # type: ignore[index]
    assert labels == [
        "reported times against observed times",
        "listeners by state",
        "listeners lost, cumulative",
        "api load",
        "cdn load",
        "error messages over time",
        "Join to first audio",
        "Arrival to first audio (waiting included)",
    ]
    for svg in svgs:
        ET.fromstring(svg)  # well-formed: every label escaped for XML too
        assert 'viewBox="0 0 ' in svg
        assert 'width="100%"' in svg
    listeners = svgs[1]
    for tick in (">-5m<", ">0<", ">+5m<", ">+15m<", ">19:55<", ">20:00<", ">20:15<"):
        assert tick in listeners
    # The markers are numbered in the timeline list and drawn on the charts.
    assert "Host posts about a DDoS" in report
    assert "conversation starts" in report
    assert "Space 1 live" in report
    assert "operators set api capacity to 40k req/s" in report
    assert listeners.count('stroke-dasharray="3 3"') >= 4
    # Time facts: the reported range against the observed moment.
    assert "delay: reproduced, observed 7m33s" in svgs[0]
    assert "ended: not observable, not observed" in svgs[0]


def test_report_is_small_and_paths_are_rounded(report: str) -> None:
    assert len(report.encode()) < 300_000
    for points in re.findall(r'points="([^"]*)"', report):
        assert not re.search(r"\d\.\d\d", points)


def test_reproduce_section_shows_the_exact_command(report: str) -> None:
    assert (
        "<pre><code>simspace run tests/data/small_space.yaml --scale 1/200 --speedup 60 "
        "&amp;&amp; echo &#x27;&lt;b&gt;&#x27;</code></pre>"
    ) in report


def test_plan_and_spaces_are_shown(report: str) -> None:
    assert "1/200" in report
    assert "60×" in report
    assert "given" in report  # the planner's reasons
    assert "1jzPde0IgxLd6" in report
    assert "Host (@host)" in report


def test_a_run_with_nothing_in_it_still_renders(tmp_path: Path) -> None:
    result = load_result()
    empty = Percentiles(count=0)
    result = result.model_copy(
        update={
            "spaces": [],
            "errors": [],
            "ledger": [],
            "metrics": result.metrics.model_copy(
                update={"ttfa_s": empty, "wait_s": empty, "start_delay_s": None}
            ),
        }
    )
    comparison = Comparison(
        scenario="small_space",
        variant=None,
        verdicts=[],
        fit_score=0.0,
        reproduced=0,
        scored=0,
        not_observable=0,
    )
    html = render_report(make_scenario(tmp_path), result, comparison, command="simspace run x")
    assert "No Space was created." in html
    assert "No listener saw an error." in html
    assert "No scored facts" in html
    assert "n/a" in html


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.0, "0"), (18_600.0, "18.6k"), (1_300_000.0, "1.3M"), (999_950.0, "1M"), (0.5, "0.5")],
)
def test_format_approx_count(value: float, text: str) -> None:
    assert format_approx_count(value) == text


def test_nice_ticks_cover_the_top() -> None:
    assert nice_ticks(46_000) == [0, 20_000, 40_000, 60_000]
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(7.9)[-1] >= 7.9


def test_close_marks_each_keep_their_number() -> None:
    axis = TimeAxis(-600.0, 600.0, lambda t: "20:00")
    line = Line("a", [-600.0, 600.0], [0.0, 1.0], "#000")
    marks = [
        ChartMark(0.0, 1, "a"),
        ChartMark(5.0, 2, "b"),
        ChartMark(300.0, 3, "c"),
        ChartMark(900.0, 4, "later"),
    ]
    svg = time_chart(axis, "x", lines=[line], marks=marks)
    assert ">1</text>" in svg
    assert ">2</text>" in svg
    assert ">3</text>" in svg
    assert "later" not in svg  # outside the window
    assert svg.count('stroke-dasharray="3 3"') == 3
