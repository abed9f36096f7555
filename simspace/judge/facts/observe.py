"""What a run shows for each reported-fact metric (docs/metrics.md): the observed value, the run's
view of it in words, and why it is missing or only a lower bound. Pure: no I/O, no clock.

Series are on the result's grid: `listeners.waiting` is sampled at each grid time and is
interpolated; `listeners.concurrent` and the per-Space series hold each step's peak. Request
counts are per load-side bucket; a window takes the buckets that start inside it.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TypeAlias

from simspace.judge.verdicts import format_value, format_when
from simspace.results.model import RunResult, SpaceRecord
from simspace.scenario.facts import (
    ErrorRatioFact,
    ErrorSeenFact,
    EventWindow,
    ListenersAtFact,
    PeakListenersFact,
    ReportedFact,
    SpaceTimeFact,
    StartDelayFact,
)
from simspace.scenario.model import Scenario

# The scenario format's own union of fact kinds: a new kind there reaches every judging function.
Fact: TypeAlias = ReportedFact
EPSILON = 1e-9
NO_SPACE = "the server recorded no Space (or its ledger is missing)"


@dataclass(frozen=True)
class RunSpan:
    """The stretch of event time the run observed."""

    begin: float
    end: float
    complete: bool  # the run reached the end of the scenario's window
    stopped: str  # "the run stopped at +10m", for reasons
    cut: str  # why a whole-run total is only a lower bound, if it is


@dataclass(frozen=True)
class Observation:
    """A fact's metric as the run shows it; `value` None when there is nothing to show."""

    value: float | bool | None
    view: str = ""  # what the run says, as a clause: "Space 1 ended at +20m"
    reason: str = ""  # why the value is missing or only a lower bound
    at_least: bool = False  # the true value is `value` or more (later, for times)
    at: float | None = None  # event time of the observation


def run_span(scenario: Scenario, result: RunResult) -> RunSpan:
    """From `plan.t_begin` to `plan.t_end`, or to where the timeline got if the run broke off."""
    begin, end = result.plan.t_begin, result.plan.t_end
    if result.status != "completed" and result.observed_until is not None:
        end = min(end, result.observed_until)
    verb = {
        "completed": "stopped",
        "interrupted": "was interrupted",
        "failed": "failed",
        "aborted": "was stopped early",
        "running": "had got",
    }
    stopped = f"the run {verb[result.status]} at {format_when(round(end))}"
    return RunSpan(
        begin=begin,
        end=end,
        complete=end >= scenario.window.end - EPSILON,
        stopped=stopped,
        cut=f"{stopped}, before the scenario's window ends at {format_when(scenario.window.end)}",
    )


def _outside(span: RunSpan, t: float | None = None, window: EventWindow | None = None) -> str:
    """Why `t` or `window` is not observable in this run, or "" when it is."""
    if t is not None and t < span.begin:
        return f"{format_when(t)} is before the run began at {format_when(span.begin)}"
    if t is not None and t > span.end + EPSILON:
        return f"{format_when(t)} is after {span.stopped}"
    if window is not None and window.start < span.begin:
        began = format_when(span.begin)
        return f"the window {_window(window)} starts before the run began at {began}"
    if window is not None and window.end > span.end + EPSILON:
        return f"the window {_window(window)} ends after {span.stopped}"
    return ""


def _window(window: EventWindow) -> str:
    return f"{format_when(window.start)}..{format_when(window.end)}"


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


def _platform(result: RunResult) -> str:
    return result.observer.served_by


def _space(result: RunResult, ordinal: int) -> SpaceRecord | None:
    return next((s for s in result.spaces if s.ordinal == ordinal), None)


def _count(value: float) -> str:
    return format_value("count", value)


def _cut(span: RunSpan, value: float | bool, view: str, at: float | None = None) -> Observation:
    """A whole-run total or peak: exact on a complete run, a lower bound on a cut one."""
    if span.complete:
        return Observation(value, view, at=at)
    return Observation(value, view, span.cut, at_least=True, at=at)


def needs_platform_side(fact: Fact) -> bool:
    """Does this fact need the platform's own records (its Spaces, when they went live or
    ended)? The listeners' side alone cannot show them, e.g. against a real target."""
    if isinstance(fact, StartDelayFact | SpaceTimeFact):
        return True
    return isinstance(fact, PeakListenersFact) and fact.space is not None


def observe(fact: Fact, result: RunResult, span: RunSpan) -> Observation:
    """The fact's metric as `result` shows it (see docs/metrics.md)."""
    if not result.observer.platform_observed and needs_platform_side(fact):
        return Observation(None, reason=result.observer.unobserved_reason or "not observed")
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


def _start_delay(result: RunResult, span: RunSpan) -> Observation:
    delay = result.metrics.start_delay_s
    if delay is not None:
        return Observation(delay, f"the first Space went live at {format_when(delay)}", at=delay)
    if not result.spaces:
        return Observation(None, reason=NO_SPACE)
    return Observation(
        span.end,
        reason=f"the first Space had not gone live when {span.stopped}",
        at_least=True,
    )


def _listeners_at(fact: ListenersAtFact, result: RunResult, span: RunSpan) -> Observation:
    if why := _outside(span, fact.at):
        return Observation(None, reason=why)
    series = result.listeners
    waiting = fact.metric == "waiting_listeners_at"
    value = _interpolate(series.t, series.waiting if waiting else series.concurrent, fact.at)
    if value is None:
        return Observation(None, reason="the result has no listener series")
    when = format_when(fact.at)
    view = (
        f"{_count(value)} listeners were waiting at {when}"
        if waiting
        else f"{_platform(result)} had {_count(value)} concurrent listeners at {when}"
    )
    return Observation(value, view, at=fact.at)


def _peak(fact: PeakListenersFact, result: RunResult, span: RunSpan) -> Observation:
    record = _space(result, fact.space) if fact.space is not None else None
    if fact.space is not None and record is None:
        others = f"({len(result.spaces)} did)"
        if fact.window is None and span.complete:
            existed = f"Space {fact.space} never existed in this run {others}"
            return Observation(0.0, existed, existed)
        return Observation(
            None, reason=f"Space {fact.space} never existed before {span.stopped} {others}"
        )
    if fact.window is not None:
        if why := _outside(span, window=fact.window):
            return Observation(None, reason=why)
        ts = result.listeners.t
        values = result.listeners.concurrent if record is None else record.listeners
        if record is not None and not values:
            return Observation(None, reason="the result has no per-Space listener series (older)")
        found = _peak_within(ts, values, fact.window)
        if found is None:
            return Observation(None, reason=f"no listener samples in {_window(fact.window)}")
        value, at = found
        who = _platform(result) if record is None else f"Space {record.ordinal}"
        return Observation(
            value,
            f"{who} served at most {_count(value)} concurrent listeners in {_window(fact.window)}",
            at=at,
        )
    if record is not None:
        view = f"Space {record.ordinal} peaked at {_count(record.peak_listeners)} listeners"
        final = record.ended_at is not None or span.complete
        if final:
            return Observation(record.peak_listeners, view, at=record.peak_listeners_at)
        return Observation(
            record.peak_listeners,
            view,
            f"Space {record.ordinal} was still live when {span.stopped}",
            at_least=True,
            at=record.peak_listeners_at,
        )
    peak = result.metrics.peak_listeners
    view = f"{_platform(result)} served at most {_count(peak)} concurrent listeners in this run"
    return _cut(span, peak, view, result.metrics.peak_listeners_at)


def _unique(fact: PeakListenersFact, result: RunResult, span: RunSpan) -> Observation:
    if fact.space is not None or fact.window is not None:
        return Observation(
            None, reason="unique listeners are counted over the whole run, not per Space or window"
        )
    value = result.metrics.unique_listeners
    return _cut(span, value, f"{_count(value)} listeners heard audio in this run")


def _space_time(fact: SpaceTimeFact, result: RunResult, span: RunSpan) -> Observation:
    record = _space(result, fact.space)
    ended = fact.metric == "space_ended_at"
    if not result.spaces:
        return Observation(None, reason=NO_SPACE)
    if record is None:
        if ended:
            return Observation(None, reason=f"Space {fact.space} never existed in this run")
        return Observation(
            span.end,
            reason=f"Space {fact.space} had not been created when {span.stopped}",
            at_least=True,
        )
    value = record.ended_at if ended else record.running_at
    if value is not None:
        verb = "went live" if not ended else f"ended ({record.end_state})"
        return Observation(value, f"Space {fact.space} {verb} at {format_when(value)}", at=value)
    if not ended:
        state = "had not gone live"
    elif record.running_at is None:
        state = "had not ended (nor gone live)"
    else:
        state = "was still live"
    return Observation(
        span.end, reason=f"Space {fact.space} {state} when {span.stopped}", at_least=True
    )


def _error_seen(fact: ErrorSeenFact, result: RunResult, span: RunSpan) -> Observation:
    if result.metrics.arrived <= 0:
        return Observation(None, reason="no listener arrived in this run")
    weight = result.metrics.errors_seen.get(fact.message, 0.0)
    if weight > 0:
        return Observation(True, f"listeners saw {fact.message!r} ({_count(weight)} failures)")
    return _cut(span, False, f"listeners never saw {fact.message!r}")


def _error_ratio(fact: ErrorRatioFact, result: RunResult, span: RunSpan) -> Observation:
    where = (f" on the {fact.tier} tier" if fact.tier else "") + (
        f" in {_window(fact.window)}" if fact.window else ""
    )
    if fact.window is not None:
        if why := _outside(span, window=fact.window):
            return Observation(None, reason=why)
    elif not span.complete:
        return Observation(
            None, reason=f"the reported ratio covers the whole event, but {span.stopped}"
        )
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
        return Observation(None, reason="the result has no per-bucket request counts (older)")
    else:
        metrics = result.metrics
        ratio = metrics.error_ratio_by_tier.get(fact.tier) if fact.tier else metrics.error_ratio
    if ratio is None:
        return Observation(None, reason=f"no requests were sent{where}")
    return Observation(ratio, f"{format_value('ratio', ratio)} of requests failed{where}")
