"""Compares one run with the scenario's reported facts: the observed value of each fact's metric
(docs/metrics.md), a verdict, and the run's fit score. Pure: no I/O, no clock.

Verdicts. A scored fact is `reproduced` when the observed value lies in the reported range widened
by the tolerance: `[min - abs - rel*|min|, max + abs + rel*|max|]` (an open side stays open; the
relative part applies to the bound it widens). It is `not_observable` when its time or window lies
outside the span the run observed, or the run has no data for it; `not_reproduced` otherwise.
Facts with `scored: false` are claims: observed and explained, never scored.

Lower bounds. Some observations are only a lower bound: a Space that had not gone live or ended
when the run stopped went live or ended after that; on a run that stopped before the scenario's
window end (`--duration`, an interrupt), a whole-run peak or total can still grow. A lower bound
above the widened range is `not_reproduced`; one inside an upper-open range is `reproduced`;
otherwise the fact is `not_observable`.

Fit score. With R reproduced, O observable (reproduced or not) and N not observable scored facts:

    fit = R / (O + N/2)        (0 when there is no scored fact)

that is the reproduced share of what the run could show, R/O, times a coverage factor
O / (O + N/2): a fact the run could not show costs half of a fact it failed to reproduce, so a
short run cannot score well by observing little, and a run that observes nothing scores 0.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TypeAlias

from simspace.errors import UsageError
from simspace.report.verdicts import (
    Comparison,
    EventCalendar,
    FactVerdict,
    Unit,
    Verdict,
    format_value,
)
from simspace.results.model import RunResult, SpaceRecord
from simspace.scenario.facts import (
    ErrorRatioFact,
    ErrorSeenFact,
    EventWindow,
    ListenersAtFact,
    PeakListenersFact,
    SpaceTimeFact,
    StartDelayFact,
)
from simspace.scenario.model import Scenario

Fact: TypeAlias = (
    StartDelayFact
    | ListenersAtFact
    | PeakListenersFact
    | SpaceTimeFact
    | ErrorSeenFact
    | ErrorRatioFact
)
UNOBSERVABLE_WEIGHT = 0.5
"""What a not-observable scored fact weighs in the fit score's denominator (a failed one: 1)."""
_EPSILON = 1e-9


@dataclass(frozen=True)
class _Span:
    """The stretch of event time the run observed."""

    begin: float
    end: float
    complete: bool  # the run reached the end of the scenario's window
    stopped: str  # "the run stopped at +10m", for reasons


@dataclass(frozen=True)
class _Observation:
    """A fact's metric as the run shows it; `value` None when there is nothing to show."""

    value: float | bool | None
    view: str = ""  # what the run says, as a clause: "Space 1 ended at +20m"
    reason: str = ""  # why the value is missing or only a lower bound
    at_least: bool = False
    at: float | None = None


def compare(scenario: Scenario, result: RunResult) -> Comparison:
    """A verdict for every fact of `scenario` against `result`, and the fit score."""
    if result.scenario != scenario.event.name:
        raise UsageError(
            f"the result is of scenario {result.scenario!r}, not {scenario.event.name!r}"
        )
    span = _span(scenario, result)
    verdicts = [_judge(fact, _observe(fact, result, span)) for fact in scenario.facts]
    scored = [v for v in verdicts if v.scored]
    reproduced = sum(v.verdict == "reproduced" for v in scored)
    unobservable = sum(v.verdict == "not_observable" for v in scored)
    event = scenario.event
    return Comparison(
        scenario=scenario.event.name,
        variant=result.variant,
        verdicts=verdicts,
        fit_score=fit_score(reproduced, len(scored) - unobservable, unobservable),
        reproduced=reproduced,
        scored=len(scored),
        not_observable=unobservable,
        claims=len(verdicts) - len(scored),
        run_begin=span.begin,
        run_end=span.end,
        calendar=EventCalendar(
            date=event.date, scheduled_start=event.scheduled_start, time_zone=event.time_zone
        ),
    )


def fit_score(reproduced: int, observable: int, unobservable: int) -> float:
    """`reproduced / (observable + unobservable / 2)`; 0 when nothing was scored."""
    denominator = observable + UNOBSERVABLE_WEIGHT * unobservable
    return reproduced / denominator if denominator else 0.0


def _span(scenario: Scenario, result: RunResult) -> _Span:
    begin, end = result.plan.t_begin, result.plan.t_end
    if result.status != "completed" and result.observed_until is not None:
        end = min(end, result.observed_until)
    verb = {"completed": "stopped", "interrupted": "was interrupted", "failed": "failed"}
    return _Span(
        begin=begin,
        end=end,
        complete=end >= scenario.window.end,
        stopped=f"the run {verb[result.status]} at {_when(round(end))}",
    )


def _outside(span: _Span, t: float | None = None, window: EventWindow | None = None) -> str:
    """Why `t` or `window` is not observable in this run, or "" when it is."""
    if t is not None and t < span.begin:
        return f"{_when(t)} is before the run began at {_when(span.begin)}"
    if t is not None and t > span.end + _EPSILON:
        return f"{_when(t)} is after {span.stopped}"
    if window is not None and window.start < span.begin:
        return f"the window {_window(window)} starts before the run began"
    if window is not None and window.end > span.end + _EPSILON:
        return f"the window {_window(window)} ends after {span.stopped}"
    return ""


def _window(window: EventWindow) -> str:
    return f"{_when(window.start)}..{_when(window.end)}"


def _interpolate(ts: list[float], values: list[float], at: float) -> float | None:
    if not ts or len(values) != len(ts):
        return None
    i = bisect.bisect_right(ts, at)
    if i == 0:
        return values[0]
    if i == len(ts):
        return values[-1]
    t0, t1 = ts[i - 1], ts[i]
    return values[i - 1] + (values[i] - values[i - 1]) * (at - t0) / (t1 - t0)


def _peak_within(
    ts: list[float], values: list[float], window: EventWindow
) -> tuple[float, float] | None:
    """Highest value of a peak-per-step series over the steps overlapping `window`, and when."""
    step = ts[1] - ts[0] if len(ts) > 1 else 0.0
    inside = [
        (v, t)
        for t, v in zip(ts, values, strict=False)
        if (t < window.end and t + step > window.start) or window.start <= t <= window.end
    ]
    return max(inside, key=lambda vt: vt[0]) if inside else None


def _space(result: RunResult, ordinal: int) -> SpaceRecord | None:
    return next((s for s in result.spaces if s.ordinal == ordinal), None)


def _when(t: float) -> str:
    return format_value("event_time", t)


def _count(value: float) -> str:
    return format_value("count", value)


def _cut(span: _Span, value: float | bool | None, view: str, what: str) -> _Observation:
    """A whole-run total or peak: exact on a complete run, a lower bound on a cut one."""
    if span.complete:
        return _Observation(value, view)
    return _Observation(value, view, f"{what} only up to when {span.stopped}", at_least=True)


def _observe(fact: Fact, result: RunResult, span: _Span) -> _Observation:
    """The fact's metric as `result` shows it (see docs/metrics.md)."""
    if isinstance(fact, StartDelayFact):
        return _start_delay(result, span)
    if isinstance(fact, ListenersAtFact):
        return _listeners_at(fact, result, span)
    if isinstance(fact, PeakListenersFact):
        if fact.metric == "unique_listeners":
            return _unique(fact, result, span)
        return _peak(fact, result, span)
    if isinstance(fact, SpaceTimeFact):
        return _space_time(fact, result, span)
    if isinstance(fact, ErrorSeenFact):
        return _error_seen(fact, result, span)
    return _error_ratio(fact, result, span)


def _start_delay(result: RunResult, span: _Span) -> _Observation:
    delay = result.metrics.start_delay_s
    if delay is not None:
        return _Observation(delay, f"the first Space went live at {_when(delay)}", at=delay)
    if not result.spaces:
        return _Observation(None, reason="the server recorded no Space (or its ledger is missing)")
    return _Observation(
        span.end,
        reason=f"the first Space had not gone live when {span.stopped}",
        at_least=True,
    )


def _listeners_at(fact: ListenersAtFact, result: RunResult, span: _Span) -> _Observation:
    if why := _outside(span, fact.at):
        return _Observation(None, reason=why)
    series = result.listeners
    waiting = fact.metric == "waiting_listeners_at"
    value = _interpolate(series.t, series.waiting if waiting else series.concurrent, fact.at)
    if value is None:
        return _Observation(None, reason="the result has no listener series")
    when = _when(fact.at)
    view = (
        f"{_count(value)} listeners were waiting at {when}"
        if waiting
        else f"the modelled platform had {_count(value)} concurrent listeners at {when}"
    )
    return _Observation(value, view, at=fact.at)


def _peak(fact: PeakListenersFact, result: RunResult, span: _Span) -> _Observation:
    record = _space(result, fact.space) if fact.space is not None else None
    if fact.space is not None and record is None:
        existed = f"Space {fact.space} never existed in this run ({len(result.spaces)} did)"
        if fact.window is None and span.complete:
            return _Observation(0.0, existed, existed)
        return _Observation(None, reason=existed.replace("in this run", f"before {span.stopped}"))
    if fact.window is not None:
        if why := _outside(span, window=fact.window):
            return _Observation(None, reason=why)
        ts = result.listeners.t
        values = result.listeners.concurrent if record is None else record.listeners
        if record is not None and not values:
            return _Observation(None, reason="the result has no per-Space listener series (older)")
        found = _peak_within(ts, values, fact.window)
        if found is None:
            return _Observation(None, reason=f"no listener samples in {_window(fact.window)}")
        value, at = found
        who = "the modelled platform" if record is None else f"Space {record.ordinal}"
        return _Observation(
            value,
            f"{who} served at most {_count(value)} concurrent listeners in {_window(fact.window)}",
            at=at,
        )
    if record is not None:
        view = f"Space {record.ordinal} peaked at {_count(record.peak_listeners)} listeners"
        final = record.ended_at is not None or span.complete
        if final:
            return _Observation(record.peak_listeners, view, at=record.peak_listeners_at)
        return _Observation(
            record.peak_listeners,
            view,
            f"Space {record.ordinal} was still live when {span.stopped}",
            at_least=True,
            at=record.peak_listeners_at,
        )
    peak = result.metrics.peak_listeners
    view = f"the modelled platform served at most {_count(peak)} concurrent listeners in this run"
    cut = _cut(span, peak, view, "the peak is known")
    return _Observation(cut.value, view, cut.reason, cut.at_least, result.metrics.peak_listeners_at)


def _unique(fact: PeakListenersFact, result: RunResult, span: _Span) -> _Observation:
    if fact.space is not None or fact.window is not None:
        return _Observation(
            None, reason="unique listeners are counted over the whole run, not per Space or window"
        )
    value = result.metrics.unique_listeners
    return _cut(span, value, f"{_count(value)} listeners heard audio in this run", "counted")


def _space_time(fact: SpaceTimeFact, result: RunResult, span: _Span) -> _Observation:
    record = _space(result, fact.space)
    ended = fact.metric == "space_ended_at"
    if not result.spaces:
        return _Observation(None, reason="the server recorded no Space (or its ledger is missing)")
    if record is None:
        if ended:
            return _Observation(None, reason=f"Space {fact.space} never existed in this run")
        return _Observation(
            span.end,
            reason=f"Space {fact.space} had not been created when {span.stopped}",
            at_least=True,
        )
    value = record.ended_at if ended else record.running_at
    if value is not None:
        verb = "went live" if not ended else f"ended ({record.end_state})"
        return _Observation(value, f"Space {fact.space} {verb} at {_when(value)}", at=value)
    state = "still live" if ended and record.running_at is not None else "not live yet"
    if ended and record.running_at is None:
        state = "not ended (never live)"
    return _Observation(
        span.end, reason=f"Space {fact.space} was {state} when {span.stopped}", at_least=True
    )


def _error_seen(fact: ErrorSeenFact, result: RunResult, span: _Span) -> _Observation:
    if result.metrics.arrived <= 0:
        return _Observation(None, reason="no listener arrived in this run")
    weight = result.metrics.errors_seen.get(fact.message, 0.0)
    if weight > 0:
        return _Observation(True, f"listeners saw {fact.message!r} ({_count(weight)} failures)")
    return _cut(span, False, f"listeners never saw {fact.message!r}", "not seen")


def _error_ratio(fact: ErrorRatioFact, result: RunResult, span: _Span) -> _Observation:
    where = (f" on the {fact.tier} tier" if fact.tier else "") + (
        f" in {_window(fact.window)}" if fact.window else ""
    )
    if fact.window is not None:
        if why := _outside(span, window=fact.window):
            return _Observation(None, reason=why)
    elif not span.complete:
        return _Observation(None, reason=f"the ratio is over the whole event and {span.stopped}")
    ratio: float | None
    if result.requests:
        window = fact.window
        counts = [
            (r.ok, r.failed)
            for r in result.requests
            if (fact.tier is None or r.tier == fact.tier)
            and (window is None or window.start <= r.t < window.end)
        ]
        total = sum(ok + failed for ok, failed in counts)
        ratio = sum(failed for _, failed in counts) / total if total > 0 else None
    elif fact.window is not None:
        return _Observation(None, reason="the result has no per-bucket request counts (older)")
    else:
        metrics = result.metrics
        ratio = metrics.error_ratio_by_tier.get(fact.tier) if fact.tier else metrics.error_ratio
    if ratio is None:
        return _Observation(None, reason=f"no requests were sent{where}")
    return _Observation(ratio, f"{format_value('ratio', ratio)} of requests failed{where}")


def _tolerance(fact: Fact) -> tuple[float, float]:
    if isinstance(fact, ListenersAtFact | PeakListenersFact):
        return fact.tolerance.absolute, fact.tolerance.relative
    if isinstance(fact, ErrorSeenFact):
        return 0.0, 0.0
    return fact.tolerance, 0.0


def _unit(fact: Fact) -> Unit:
    if isinstance(fact, StartDelayFact):
        return "duration"
    if isinstance(fact, SpaceTimeFact):
        return "event_time"
    if isinstance(fact, ErrorSeenFact):
        return "seen"
    if isinstance(fact, ErrorRatioFact):
        return "ratio"
    return "count"


def _fact_at(fact: Fact) -> float | None:
    if isinstance(fact, ListenersAtFact):
        return fact.at
    if isinstance(fact, StartDelayFact | SpaceTimeFact):
        return fact.reported.min if fact.reported.min is not None else fact.reported.max
    window: EventWindow | None = getattr(fact, "window", None)
    return window.start if window is not None else None


def deviation(value: float, low: float | None, high: float | None) -> float:
    """How far `value` lies outside `[low, high]` (0 inside; an open side never counts)."""
    below = low - value if low is not None else 0.0
    above = value - high if high is not None else 0.0
    return max(0.0, below, above)


def _decide(
    obs: _Observation, low: float | None, high: float | None, tol_abs: float, tol_rel: float
) -> tuple[Verdict, float | None]:
    value = obs.value
    if value is None or isinstance(value, bool):
        raise TypeError("a numeric observation is needed")
    lo = None if low is None else low - tol_abs - tol_rel * abs(low) - _EPSILON
    hi = None if high is None else high + tol_abs + tol_rel * abs(high) + _EPSILON
    gap = deviation(value, low, high)
    if obs.at_least:
        if hi is not None and value > hi:
            return "not_reproduced", gap
        if hi is None and (lo is None or value >= lo):
            return "reproduced", gap
        return "not_observable", None
    inside = (lo is None or value >= lo) and (hi is None or value <= hi)
    return ("reproduced" if inside else "not_reproduced"), gap


def _decide_seen(obs: _Observation, reported: bool) -> tuple[Verdict, float | None]:
    seen = bool(obs.value)
    if seen == reported:
        return "reproduced", 0.0
    if obs.at_least and not seen:  # not seen yet: it could still come
        return "not_observable", None
    return "not_reproduced", 1.0


def _judge(fact: Fact, obs: _Observation) -> FactVerdict:
    """The verdict of one fact given its observation."""
    unit = _unit(fact)
    tol_abs, tol_rel = _tolerance(fact)
    low: float | bool | None
    high: float | bool | None
    if isinstance(fact, ErrorSeenFact):
        low = high = fact.reported
    else:
        low, high = fact.reported.min, fact.reported.max
    verdict: Verdict
    gap: float | None
    if obs.value is None:
        verdict, gap = "not_observable", None
    elif isinstance(fact, ErrorSeenFact):
        verdict, gap = _decide_seen(obs, fact.reported)
    else:
        verdict, gap = _decide(obs, fact.reported.min, fact.reported.max, tol_abs, tol_rel)
    reason = obs.reason if verdict != "reproduced" or obs.at_least else ""
    if not fact.scored:
        reason = _claim(obs, unit, low, high) if obs.value is not None else obs.reason
        verdict = "claim"
    window: EventWindow | None = getattr(fact, "window", None)
    return FactVerdict(
        fact_id=fact.id,
        metric=fact.metric,
        statement=fact.statement,
        sources=list(fact.sources),
        scored=fact.scored,
        unit=unit,
        verdict=verdict,
        observed=obs.value,
        reported_min=low,
        reported_max=high,
        tolerance_abs=tol_abs,
        tolerance_rel=tol_rel,
        deviation=gap,
        at=_fact_at(fact),
        reason=reason,
        observed_at_least=obs.at_least,
        observed_at=obs.at,
        window_start=window.start if window else None,
        window_end=window.end if window else None,
        detail=obs.view,
    )


def _claim(
    obs: _Observation, unit: Unit, low: float | bool | None, high: float | bool | None
) -> str:
    """What the run says about a claim: its view, and how that sits with the claimed value."""
    value = obs.value
    view = obs.view or obs.reason
    if isinstance(value, bool) or isinstance(low, bool) or isinstance(high, bool):
        return view
    assert value is not None
    claimed = format_value(unit, low if low == high or high is None else high)
    if low is not None and value < low - _EPSILON:
        relation = f"below the claimed {format_value(unit, low)}"
    elif high is not None and value > high + _EPSILON:
        relation = f"above the claimed {format_value(unit, high)}"
    else:
        relation = "consistent with the claim" if low != high else f"as claimed ({claimed})"
    lower = ", at least" if obs.at_least else ""
    return f"{view}{lower}: {relation}"
