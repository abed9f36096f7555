"""Rooms in the offline HTML report: each room's listener cap as a step line on the listeners
charts, every cap change and overflow room opening as a numbered moment of the timeline, and the
listeners of each Space named with its room."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from simspace.judge.facts.compare import compare
from simspace.report.html.canvas import TimeAxis
from simspace.report.html.charts import StepLine, time_chart
from simspace.report.html.page import render_report
from simspace.results.model import RunResult
from simspace.scenario.platform import CapListeners, OpenRoom
from tests.report.builders import result, rooms_result, scenario, space

CAP_DASH = 'stroke-dasharray="8 3 2 3"'


def _render(run: RunResult) -> str:
    event = scenario().model_copy(
        update={
            "operator_actions": [
                CapListeners(action="cap_listeners", at=1200.0, listeners=200_000.0),
                OpenRoom(action="open_room", at=600.0, room="overflow_a"),
                CapListeners(action="cap_listeners", at=600.0, listeners=2e4, room="overflow_a"),
            ]
        }
    )
    return render_report(event, run, compare(event, run), command="simspace run x")


def _svgs(html: str) -> dict[str, str]:
    svgs = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    return {re.search(r'aria-label="([^"]*)"', svg)[1]: svg for svg in svgs}  # type: ignore[index]


def _cap_groups(svg: str) -> dict[str, list[str]]:
    """The step lines of a chart: title -> the points of each of its polylines."""
    out = {}
    for group in ET.fromstring(svg).iter("g"):
        title = group.find("title")
        lines = [p for p in group.iter("polyline") if p.get("stroke-dasharray") == "8 3 2 3"]
        if title is not None and title.text and lines:
            out[title.text] = [p.get("points", "") for p in lines]
    return out


def test_the_listeners_chart_draws_each_rooms_cap_as_a_labelled_step_line() -> None:
    html = _render(rooms_result())
    chart = _svgs(html)["listeners by state"]
    caps = _cap_groups(chart)
    assert set(caps) == {"cap main 50k → 200k", "cap overflow_a 20k → none"}
    main = caps["cap main 50k → 200k"]
    assert len(main) == 1
    ys = {float(point.split(",")[1]) for point in main[0].split()}
    assert len(ys) == 2  # two levels joined by one vertical step
    assert len(caps["cap overflow_a 20k → none"]) == 1  # from +10m until lifted at +2h
    for name in ("cap main 50k → 200k", "cap overflow_a 20k → none"):
        assert f"</i>{name}</li>" in html  # in the legend under the chart


def test_the_y_axis_reaches_the_highest_cap() -> None:
    chart = _svgs(_render(rooms_result()))["listeners by state"]
    assert ">200k<" in chart  # listeners peak at 135k: the axis stops at 200k for the cap


def test_the_timeline_lists_every_cap_change_and_room_opening() -> None:
    html = _render(rooms_result())
    moments = re.search(r'<ol class="moments">(.*?)</ol>', html, flags=re.S)
    assert moments
    items = re.findall(r"<li [^>]*>(.*?)</li>", moments[1])
    text = [re.sub(r"<[^>]+>", "", item) for item in items]
    # The cap in force from the start is the first moment, at the window's start.
    assert text[0] == "-30m (19:30) room main room capped at 50k"
    for wanted in (
        "room overflow room overflow_a opened",
        "room overflow room overflow_a capped at 20k",
        "room main room cap raised to 200k",
        "room overflow room overflow_a cap lifted",
        "observed Space 2 (overflow_a) live",
        "operator operators open overflow room overflow_a",
        "operator operators cap listeners in overflow room overflow_a at 20k",
        "operator operators cap listeners at 200k",
    ):
        assert sum(wanted in t for t in text) == 1, wanted
    opened = text.index("+10m (20:10) room overflow room overflow_a opened")
    assert text[opened + 1] == "+10m (20:10) room overflow room overflow_a capped at 20k"
    # Every moment is a numbered mark on the charts, the start's cap at the left edge.
    assert "<title>1. main room capped at 50k</title>" in _svgs(html)["listeners by state"]


def test_the_per_space_chart_names_each_space_with_its_room() -> None:
    html = _render(rooms_result())
    chart = _svgs(html)["listeners per Space"]
    titles = [t.text for t in ET.fromstring(chart).iter("title")]
    assert "Space 1 (main): peak 120k" in titles
    assert "Space 2 (overflow_a): peak 15k" in titles
    assert set(_cap_groups(chart)) == {"cap main 50k → 200k", "cap overflow_a 20k → none"}
    assert "Listeners per Space (server)" in html


def test_a_run_without_rooms_has_no_cap_line_and_plain_space_names() -> None:
    ts = rooms_result().listeners.t
    run = result(spaces=[space(1, running_at=0.0, listeners=[1.0] * len(ts))])
    html = _render(run)
    assert CAP_DASH not in html
    assert "Space 1: peak 1" in html
    assert "Space 1 (main)" not in html
    assert "room main room" not in html
    assert "listeners per Space" not in _render(result())  # no Space series: no chart


def test_a_step_line_breaks_where_there_is_no_cap_and_is_cut_to_the_window() -> None:
    axis = TimeAxis(0.0, 1000.0, lambda t: "20:00")
    steps = StepLine(
        "cap main", [(-500.0, 10.0), (200.0, None), (600.0, 20.0), (800.0, 5.0)], "#000"
    )
    svg = time_chart(axis, "x", steps=[steps])
    polylines = re.findall(r'<polyline points="([^"]*)"', svg)
    assert len(polylines) == 2
    first = [tuple(map(float, p.split(","))) for p in polylines[0].split()]
    second = [tuple(map(float, p.split(","))) for p in polylines[1].split()]
    assert first[0][0] == 58.0  # LEFT: the cap before the window starts at its edge
    assert first[-1][0] == 58.0 + 0.2 * 552.0  # until the cap is lifted at 200 s
    assert [x for x, _ in second] == [58.0 + 0.6 * 552, 58.0 + 0.8 * 552, 58.0 + 0.8 * 552, 610.0]
    assert second[0][1] < second[-1][1]  # 20 is drawn higher than 5
    assert ">20<" in svg  # the y axis reaches the highest cap


def test_the_plan_section_states_the_basis_of_the_expected_peak() -> None:
    result = rooms_result()
    basis = "capped at 45k by the main room's cap; uncapped, the audience would peak at 62.6k"
    plan = result.plan.model_copy(update={"expected_peak_basis": basis})
    html = _render(result.model_copy(update={"plan": plan}))
    assert "Expected peak: capped at 45k by the main room&#x27;s cap" in html
