"""The comparison of one run with the scenario's reported facts: a verdict per fact, with the
observed value, the reported value or range, the tolerance and the deviation, on the event clock
and at event scale. Claims are shown with what the run says, never scored; facts about another
event are context, shown beside the run's view, never judged.

This module is the data model and how its values print; `simspace.judge.facts.compare` fills
it from a RunResult.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace import units

Verdict = Literal["reproduced", "not_reproduced", "not_observable", "claim", "context"]
Unit = Literal["duration", "event_time", "count", "ratio", "seen"]


class FactVerdict(BaseModel):
    """One reported fact (or claim) against one run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fact_id: str
    metric: str
    statement: str
    sources: list[str]
    scored: bool
    unit: Unit = Field(description="how to print observed/reported values")
    verdict: Verdict
    observed: float | bool | None = Field(description="the run's value; None if not observable")
    reported_min: float | bool | None
    reported_max: float | bool | None
    tolerance_abs: float = Field(0.0, description="absolute tolerance in the fact's unit")
    tolerance_rel: float = Field(0.0, description="relative tolerance (share of the bound)")
    deviation: float | None = Field(
        None,
        description="how far outside the reported range the observation is, in the fact's "
        "unit (0 inside the range); None when not observable",
    )
    at: float | None = Field(None, description="event time the fact refers to, for the timeline")
    reason: str = Field("", description="why not observable, or what the claim means here")
    observed_at_least: bool = Field(
        False,
        description="the observation is a lower bound: the event (going live, ending) had not "
        "happened when the run ended at `observed`",
    )
    observed_at: float | None = Field(
        None, description="event time of the observation (a peak, an end), for the timeline"
    )
    window_start: float | None = Field(None, description="the fact's window, event time")
    window_end: float | None = None
    detail: str = Field("", description="more about the observation: how often, when, caveats")
    margin: float | None = Field(
        None,
        description="a timing's distance to the nearest edge of the widened reported range, "
        "in seconds; None for other units",
    )
    marginal: bool = Field(
        False,
        description="the timing lies closer to a tolerance edge than the run's timing "
        "resolution: another run of the same plan could flip the verdict",
    )
    robustness: str | None = Field(
        None,
        description="a reproduced fact, as the fitted parameters move: `robust`, `sensitive to "
        "...`, `set by ...` (docs/reporting.md); None: not checked",
    )
    about: Literal["this_event", "other_event"] = Field(
        "this_event",
        description="other_event: context about another event (verdict `context`): the run's "
        "view beside it, never judged nor scored",
    )
    sources_unverified: bool = Field(
        False, description="every source the fact cites has confidence `unverified`"
    )


class EventCalendar(BaseModel):
    """What turns event times into the event's clock times (`+41m` is 20:41)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    date: dt.date
    scheduled_start: dt.time
    time_zone: str


class Comparison(BaseModel):
    """All verdicts of one run, and its fit score."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario: str
    variant: str | None
    verdicts: list[FactVerdict]
    fit_score: float = Field(description="see docs/reporting.md: 0 (nothing) .. 1 (everything)")
    reproduced: int
    scored: int = Field(description="scored facts (claims excluded)")
    not_observable: int
    claims: int = Field(0, description="facts about this event with scored: false")
    context: int = Field(0, description="facts about another event (verdict `context`)")
    run_begin: float | None = Field(None, description="event time the run started")
    run_end: float | None = Field(None, description="event time the run stopped observing")
    calendar: EventCalendar | None = Field(None, description="for printing clock times")
    robustness: str | None = Field(
        None, description="what the robustness check varied, one line; None: not checked"
    )


# How verdicts print: shared by the console table, JUnit and the HTML report. Values are rounded
# for reading (3 significant digits for counts, whole seconds or minutes for times); the JSON
# keeps them exact.


def _round_s(seconds: float) -> float:
    size = abs(seconds)
    if size < 60:
        return round(seconds, 1)
    return round(seconds) if size < 3600 else round(seconds / 60) * 60.0


def _significant(value: float, digits: int = 3) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    return round(value, digits - 1 - math.floor(math.log10(abs(value))))


def format_value(
    unit: Unit, value: float | bool | None, calendar: EventCalendar | None = None
) -> str:
    """One value in its unit: `41m`, `+41m (20:41)`, `878k`, `2.5%`, `seen`; `n/a` for None."""
    if value is None:
        return "n/a"
    if unit == "seen" or isinstance(value, bool):
        return "seen" if value else "not seen"
    if unit == "duration":
        return units.format_duration_s(_round_s(value))
    if unit == "event_time":
        return format_when(value, calendar)
    if unit == "count":
        return units.format_approx_count(round(value) if abs(value) < 1000 else value)
    percent = value * 100
    if 0 < abs(percent) < 0.01:
        return "<0.01%"
    return f"{_significant(percent):g}%"


def format_when(t: float, calendar: EventCalendar | None = None) -> str:
    """An event time as the facts and gates say it: `+41m`; with a calendar, `+41m (20:41)`."""
    text = units.format_offset_s(_round_s(t))
    return f"{text} ({clock_time(t, calendar)})" if calendar else text


def clock_time(t: float, calendar: EventCalendar) -> str:
    """Event time -> the event's clock time, `20:41`."""
    clock = units.offset_to_clock_time(
        t, calendar.date, calendar.scheduled_start, calendar.time_zone
    )
    return units.format_clock_time(clock.replace(second=0) if abs(t) >= 600 else clock)


def format_reported(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """The reported value or range: `41m..42m`, `>= 878k`, `<= 100k`, `100k`, `never seen`."""
    low, high, unit = verdict.reported_min, verdict.reported_max, verdict.unit
    if unit == "seen":
        return "seen" if low else "never seen"
    if low is not None and high is not None and low == high:
        return format_value(unit, low, calendar)
    if unit == "event_time" and calendar and low is not None and high is not None:
        plain = f"{format_value(unit, low)}..{format_value(unit, high)}"
        return f"{plain} ({clock_time(float(low), calendar)}..{clock_time(float(high), calendar)})"
    if low is not None and high is not None:
        return f"{format_value(unit, low)}..{format_value(unit, high)}"
    if low is not None:
        return f">= {format_value(unit, low, calendar)}"
    return f"<= {format_value(unit, high, calendar)}"


def _distance_unit(unit: Unit) -> Unit:
    # A distance between two event times (a tolerance, a deviation) is a duration: `5m`, not `+5m`.
    return "duration" if unit == "event_time" else unit


def format_tolerance(verdict: FactVerdict) -> str:
    """`5m`, `15%`, `50k + 10%`, or "" when there is none."""
    parts = []
    if verdict.tolerance_abs:
        parts.append(format_value(_distance_unit(verdict.unit), verdict.tolerance_abs))
    if verdict.tolerance_rel:
        parts.append(format_value("ratio", verdict.tolerance_rel))
    return " + ".join(parts)


def format_observed(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """The observed value: `>= 1.3M` for a lower bound, `not seen yet`; `n/a` when there is none."""
    text = format_value(verdict.unit, verdict.observed, calendar)
    if not verdict.observed_at_least or verdict.observed is None:
        return text
    return f"{text} yet" if verdict.unit == "seen" else f">= {text}"


def format_deviation(verdict: FactVerdict) -> str:
    """How far outside the reported range the observation is: `8.4k`, `3m`; `n/a` without one."""
    return format_value(_distance_unit(verdict.unit), verdict.deviation)
