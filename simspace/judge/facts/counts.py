"""What a run shows for the facts about arrivals, rooms and refusals (docs/metrics.md): the share
of arrivals who heard audio or gave up, the give-ups, the requests the platform refused (for
one reason, or one room's cap), and one room's peak. Pure: no I/O, no clock."""

from __future__ import annotations

from simspace.judge import measures
from simspace.judge.facts.span import (
    Observation,
    RunSpan,
    count_text,
    cut,
    outside,
    peak_within,
    ratio_unobservable,
    served_by,
)
from simspace.judge.measures import window_text
from simspace.judge.verdicts import format_value
from simspace.results.model import RunResult
from simspace.scenario.facts import (
    ArrivalRatioFact,
    GaveUpListenersFact,
    PeakListenersFact,
    RefusalsFact,
)
from simspace.scenario.platform import RefusalReason

REFUSED_FOR: dict[RefusalReason, str] = {
    "cap": "a full room",
    "not_started": "a Space not live yet",
    "ended": "a Space that had ended",
    "overload": "overload",
}


def arrival_ratio(fact: ArrivalRatioFact, result: RunResult, span: RunSpan) -> Observation:
    """Of the listeners who arrived (in the window), the share who heard audio or gave up."""
    if why := ratio_unobservable(span, fact.window):
        return Observation(None, reason=why)
    measured = measures.cohort_measure(fact.metric, result, fact.window)
    if measured.value is None:
        return Observation(None, reason=measured.reason)
    arrived = f"who arrived in {window_text(fact.window)}" if fact.window else "who arrived"
    outcome = "heard audio" if fact.metric == "join_success_ratio" else "gave up waiting"
    share = format_value("ratio", measured.value)
    return Observation(measured.value, f"{share} of the listeners {arrived} {outcome}")


def gave_up(fact: GaveUpListenersFact, result: RunResult, span: RunSpan) -> Observation:
    """Listeners who gave up (of those who arrived in the window): a lower bound on a cut run,
    where those still waiting could give up later."""
    if fact.window is not None and (why := outside(span, window=fact.window)):
        return Observation(None, reason=why)
    measured = measures.cohort_measure("gave_up_listeners", result, fact.window)
    if measured.value is None:
        return Observation(None, reason=measured.reason)
    view = f"{count_text(measured.value)} listeners gave up waiting"
    if fact.window is not None:
        view += f" of those who arrived in {window_text(fact.window)}"
    return cut(span, measured.value, view)


def refusals(fact: RefusalsFact, result: RunResult, span: RunSpan) -> Observation:
    """API requests refused (for one reason, in the window), or the joins one room's cap
    refused over the run."""
    if fact.room is not None:
        return _room_refusals(fact.room, result, span)
    if fact.window is not None and (why := outside(span, window=fact.window)):
        return Observation(None, reason=why)
    measured = measures.refusals(result, fact.reason, fact.window)
    if measured.value is None:
        return Observation(None, reason=measured.reason)
    why = f" for {REFUSED_FOR[fact.reason]}" if fact.reason else ""
    when = f" in {window_text(fact.window)}" if fact.window else ""
    view = f"{served_by(result)} refused {count_text(measured.value)} API requests{why}{when}"
    if fact.window is not None:
        return Observation(measured.value, view)
    return cut(span, measured.value, view)


def _never_opened(room: str, span: RunSpan, whole_run: bool) -> Observation:
    """A room without a Space: 0 on a run that covered the whole window, else unknown."""
    if whole_run and span.complete:
        never = f"room {room} never opened in this run"
        return Observation(0.0, never, never)
    return Observation(None, reason=f"room {room} had not opened when {span.stopped}")


def _room_refusals(room: str, result: RunResult, span: RunSpan) -> Observation:
    records = measures.room_spaces(result, room)
    if not records:
        return _never_opened(room, span, whole_run=True)
    value = measures.room_refusals(records)
    return cut(span, value, f"room {room}'s listener cap refused {count_text(value)} joins")


def room_peak(fact: PeakListenersFact, room: str, result: RunResult, span: RunSpan) -> Observation:
    """The highest peak among one room's Spaces (they follow each other), in the window if
    given. A later Space of the room could peak higher on a cut run."""
    records = measures.room_spaces(result, room)
    if not records:
        return _never_opened(room, span, whole_run=fact.window is None)
    if fact.window is None:
        best = max(records, key=lambda s: s.peak_listeners)
        view = f"room {room} peaked at {count_text(best.peak_listeners)} listeners"
        return cut(span, best.peak_listeners, view, best.peak_listeners_at)
    if why := outside(span, window=fact.window):
        return Observation(None, reason=why)
    if any(not s.listeners for s in records):
        return Observation(None, reason="the result has no per-Space listener series (older)")
    found = [peak_within(result.listeners.t, s.listeners, fact.window) for s in records]
    peaks = [f for f in found if f is not None]
    if not peaks:
        return Observation(None, reason=f"no listener samples in {window_text(fact.window)}")
    value, at = max(peaks, key=lambda vt: vt[0])
    view = (
        f"room {room} served at most {count_text(value)} concurrent listeners in "
        f"{window_text(fact.window)}"
    )
    return Observation(value, view, at=at)
