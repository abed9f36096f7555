"""What a run shows for each reported-fact metric (docs/metrics.md): the observed value, the run's
view of it in words, and why it is missing or only a lower bound. Pure: no I/O, no clock.

Series are on the result's grid: `listeners.waiting` is sampled at each grid time and is
interpolated; `listeners.concurrent` and the per-Space series hold each step's peak. Request
counts are per load-side bucket; a window takes the buckets that start inside it. The facts about
arrivals, rooms and refusals are observed in `counts`.
"""

from __future__ import annotations

from collections.abc import Collection

from simspace.judge import measures
from simspace.judge.facts import counts
from simspace.judge.facts.span import (
    NO_SPACE,
    Fact,
    Observation,
    RunSpan,
    count_text,
    cut,
    interpolate,
    outside,
    peak_within,
    ratio_unobservable,
    served_by,
    space_record,
)
from simspace.judge.measures import window_text
from simspace.judge.verdicts import format_value, format_when
from simspace.results.model import RunResult
from simspace.scenario.facts import (
    ArrivalRatioFact,
    ErrorRatioFact,
    ErrorSeenFact,
    GaveUpListenersFact,
    ListenersAtFact,
    PeakListenersFact,
    RefusalsFact,
    SpaceTimeFact,
    StartDelayFact,
)


def needs_platform_side(fact: Fact) -> bool:
    """Does this fact need the platform's own records (its Spaces and rooms, when they went live
    or ended, what it refused)? The listeners' side alone cannot show them, e.g. against a real
    target."""
    if isinstance(fact, StartDelayFact | SpaceTimeFact | RefusalsFact):
        return True
    return isinstance(fact, PeakListenersFact) and (fact.space is not None or fact.room is not None)


def observe(
    fact: Fact, result: RunResult, span: RunSpan, shown_texts: Collection[str]
) -> Observation:
    """The fact's metric as `result` shows it (see docs/metrics.md); `shown_texts` are the
    error texts the platform shows its listeners (for `listener_visible`)."""
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
    if isinstance(fact, ArrivalRatioFact):
        return counts.arrival_ratio(fact, result, span)
    if isinstance(fact, GaveUpListenersFact):
        return counts.gave_up(fact, result, span)
    if isinstance(fact, RefusalsFact):
        return counts.refusals(fact, result, span)
    return _error_ratio(fact, result, span, shown_texts)


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
    if why := outside(span, fact.at):
        return Observation(None, reason=why)
    series = result.listeners
    waiting = fact.metric == "waiting_listeners_at"
    value = interpolate(series.t, series.waiting if waiting else series.concurrent, fact.at)
    if value is None:
        return Observation(None, reason="the result has no listener series")
    when = format_when(fact.at)
    view = (
        f"{count_text(value)} listeners were waiting at {when}"
        if waiting
        else f"{served_by(result)} had {count_text(value)} concurrent listeners at {when}"
    )
    return Observation(value, view, at=fact.at)


def _peak(fact: PeakListenersFact, result: RunResult, span: RunSpan) -> Observation:
    if fact.room is not None:
        return counts.room_peak(fact, fact.room, result, span)
    record = space_record(result, fact.space) if fact.space is not None else None
    if fact.space is not None and record is None:
        others = f"({len(result.spaces)} did)"
        if fact.window is None and span.complete:
            existed = f"Space {fact.space} never existed in this run {others}"
            return Observation(0.0, existed, existed)
        return Observation(
            None, reason=f"Space {fact.space} never existed before {span.stopped} {others}"
        )
    if fact.window is not None:
        if why := outside(span, window=fact.window):
            return Observation(None, reason=why)
        ts = result.listeners.t
        values = result.listeners.concurrent if record is None else record.listeners
        if record is not None and not values:
            return Observation(None, reason="the result has no per-Space listener series (older)")
        found = peak_within(ts, values, fact.window)
        if found is None:
            return Observation(None, reason=f"no listener samples in {window_text(fact.window)}")
        value, at = found
        who = served_by(result) if record is None else f"Space {record.ordinal}"
        served = f"served at most {count_text(value)} concurrent listeners"
        return Observation(value, f"{who} {served} in {window_text(fact.window)}", at=at)
    if record is not None:
        view = f"Space {record.ordinal} peaked at {count_text(record.peak_listeners)} listeners"
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
    view = f"{served_by(result)} served at most {count_text(peak)} concurrent listeners in this run"
    return cut(span, peak, view, result.metrics.peak_listeners_at)


def _unique(fact: PeakListenersFact, result: RunResult, span: RunSpan) -> Observation:
    if fact.space is not None or fact.window is not None:
        return Observation(
            None, reason="unique listeners are counted over the whole run, not per Space or window"
        )
    value = result.metrics.unique_listeners
    return cut(span, value, f"{count_text(value)} listeners heard audio in this run")


def _space_time(fact: SpaceTimeFact, result: RunResult, span: RunSpan) -> Observation:
    record = space_record(result, fact.space)
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
        return Observation(True, f"listeners saw {fact.message!r} ({count_text(weight)} failures)")
    return cut(span, False, f"listeners never saw {fact.message!r}")


def _error_ratio(
    fact: ErrorRatioFact, result: RunResult, span: RunSpan, shown_texts: Collection[str]
) -> Observation:
    visible = fact.listener_visible
    where = measures.error_scope(fact.tier, fact.window, visible)
    if why := ratio_unobservable(span, fact.window):
        return Observation(None, reason=why)
    if result.requests or fact.window is not None or visible:
        texts = shown_texts if visible else None
        measured = measures.error_ratio(result, fact.tier, fact.window, texts, visible)
        if measured.value is None:
            return Observation(None, reason=measured.reason)
        ratio: float | None = measured.value
    else:  # an older result: whole-run ratios only
        metrics = result.metrics
        ratio = metrics.error_ratio_by_tier.get(fact.tier) if fact.tier else metrics.error_ratio
    if ratio is None:
        return Observation(None, reason=f"no requests were sent{where}")
    failed = "failed showing an error text the platform shows" if visible else "failed"
    return Observation(ratio, f"{format_value('ratio', ratio)} of requests {failed}{where}")
