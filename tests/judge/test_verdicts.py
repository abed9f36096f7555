"""How verdict values print: one event-time wording (`format_when`) shared by facts, gates and
the plain verdict lines, with the event's clock when a calendar is given; distances between event
times (tolerances, deviations) as durations."""

from __future__ import annotations

import datetime as dt

import pytest

from simspace.judge.verdicts import (
    EventCalendar,
    FactVerdict,
    format_deviation,
    format_tolerance,
    format_value,
    format_when,
)

CALENDAR = EventCalendar(
    date=dt.date(2024, 8, 12), scheduled_start=dt.time(20), time_zone="America/New_York"
)


@pytest.mark.parametrize(
    ("t", "plain", "clocked"),
    [
        (0.0, "0s", "0s (20:00)"),
        (-300.0, "-5m", "-5m (19:55)"),
        (453.0, "+7m33s", "+7m33s (20:07:33)"),
        (2470.0, "+41m10s", "+41m10s (20:41)"),  # from 10 minutes on, the clock drops seconds
        (3600.0, "+1h", "+1h (21:00)"),
        (12.34, "+12.3s", "+12.3s (20:00:12)"),
    ],
)
def test_an_event_time_reads_the_same_everywhere(t: float, plain: str, clocked: str) -> None:
    assert format_when(t) == plain
    assert format_when(t, CALENDAR) == clocked
    # A fact's value in the event-time unit is the same wording.
    assert format_value("event_time", t) == plain
    assert format_value("event_time", t, CALENDAR) == clocked


def test_a_distance_between_event_times_prints_as_a_duration() -> None:
    ended = FactVerdict(
        fact_id="ended",
        metric="space_ended_at",
        statement="ended at 20:12",
        sources=[],
        scored=True,
        unit="event_time",
        verdict="not_reproduced",
        observed=1800.0,
        reported_min=600.0,
        reported_max=720.0,
        tolerance_abs=60.0,
        deviation=1080.0,
    )
    assert format_value("event_time", 1080.0) == "+18m"
    assert format_deviation(ended) == "18m"
    assert format_tolerance(ended) == "1m"
    peak = ended.model_copy(update={"unit": "count", "deviation": 8_400.0, "tolerance_abs": 0.0})
    assert format_deviation(peak) == "8.4k"
    assert format_deviation(peak.model_copy(update={"deviation": None})) == "n/a"
