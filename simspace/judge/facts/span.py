"""What every fact observation rests on: the span of event time a run observed, the observation
itself (a value, the run's view of it in words, why it is missing or only a lower bound), and
the helpers that read the result's grid. Pure: no I/O, no clock."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import TypeAlias

from simspace.judge.measures import window_text
from simspace.judge.verdicts import format_value, format_when
from simspace.results.model import RunResult, SpaceRecord
from simspace.scenario.facts import EventWindow, ReportedFact
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


def ratio_unobservable(span: RunSpan, window: EventWindow | None) -> str:
    """Why a ratio over `window` (the whole event when None) cannot be read from this run, or
    "" when it can."""
    if window is not None:
        return outside(span, window=window)
    if not span.complete:
        return f"the reported ratio covers the whole event, but {span.stopped}"
    return ""


def outside(span: RunSpan, t: float | None = None, window: EventWindow | None = None) -> str:
    """Why `t` or `window` is not observable in this run, or "" when it is."""
    if t is not None and t < span.begin:
        return f"{format_when(t)} is before the run began at {format_when(span.begin)}"
    if t is not None and t > span.end + EPSILON:
        return f"{format_when(t)} is after {span.stopped}"
    if window is not None and window.start < span.begin:
        began = format_when(span.begin)
        return f"the window {window_text(window)} starts before the run began at {began}"
    if window is not None and window.end > span.end + EPSILON:
        return f"the window {window_text(window)} ends after {span.stopped}"
    return ""


def interpolate(ts: list[float], values: list[float], at: float) -> float | None:
    if not ts or len(values) != len(ts):
        return None
    i = bisect.bisect_right(ts, at)
    if i == 0:
        return values[0]
    if i == len(ts):
        return values[-1]
    t0, t1 = ts[i - 1], ts[i]
    return values[i - 1] + (values[i] - values[i - 1]) * (at - t0) / (t1 - t0)


def peak_within(
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


def served_by(result: RunResult) -> str:
    return result.observer.served_by


def space_record(result: RunResult, ordinal: int) -> SpaceRecord | None:
    return next((s for s in result.spaces if s.ordinal == ordinal), None)


def count_text(value: float) -> str:
    return format_value("count", value)


def cut(span: RunSpan, value: float | bool, view: str, at: float | None = None) -> Observation:
    """A whole-run total or peak: exact on a complete run, a lower bound on a cut one."""
    if span.complete:
        return Observation(value, view, at=at)
    return Observation(value, view, span.cut, at_least=True, at=at)
