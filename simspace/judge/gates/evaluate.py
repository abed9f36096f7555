"""Each gate against one run: the observed value of its metric (within its window, on its tier),
the verdict, and the line a CI log shows. Pure: no I/O, no clock.

Windows. A window is judged on the part of it the run observed: `ttfa_pNN` on the listeners whose
first audio came inside it (from `result.ttfa`); `join_success_ratio`, `gave_up_ratio`,
`gave_up_listeners` and `stall_ratio` on the listeners who arrived inside it (`result.cohorts`, by
grid step); `error_ratio` on the request buckets that start inside it; `refusals` on the api
tier's timeline steps that start inside it; `peak_listeners` on the grid steps that overlap it. A
window the run did not reach, or with no data, is not observable. The measures facts share are in
`simspace.judge.measures`.

`start_delay` is a moment: when the first Space never went live, the run shows only that it went
live after the run stopped (a lower bound), which fails `start_delay <= X` when X is earlier.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace.judge import measures
from simspace.judge.measures import COHORT_METRICS, CohortMetric, Measured
from simspace.judge.verdicts import Unit, format_value, format_when
from simspace.results.model import RunResult
from simspace.results.stats import nearest_rank
from simspace.scenario.facts import GATE_UNITS, EventWindow, Gate

GateStatus = Literal["passed", "failed", "not_observable"]
LABEL: dict[GateStatus, str] = {
    "passed": "PASSED",
    "failed": "FAILED",
    "not_observable": "NOT OBSERVABLE",
}
_PERCENTILE = {"ttfa_p50": 0.50, "ttfa_p95": 0.95, "ttfa_p99": 0.99}
_NO_TEXTS = "the platform's error texts were not given (judge with the scenario)"


class GateVerdict(BaseModel):
    """One gate against one run."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    metric: str
    op: str
    threshold: float = Field(description="in the metric's unit: seconds, fraction, listeners")
    unit: Unit
    tier: str | None = None
    message: str | None = None
    listener_visible: bool = False
    refusal_reason: str | None = Field(None, description="refusals: the gate's `reason`")
    room: str | None = None
    window_start: float | None = Field(None, description="event time")
    window_end: float | None = None
    scope: str = Field("", description="the window and scope as written: `after +5m`")
    observed: float | None = Field(description="the run's value; None if not observable")
    observed_at_least: bool = Field(False, description="`observed` is a lower bound")
    verdict: GateStatus
    reason: str = Field("", description="why not observable; caveats (a cut window, samples)")
    line: str = Field(description="`FAILED ttfa_p95: observed 7.2s, threshold <= 5s (after +5m)`")


@dataclass(frozen=True)
class _Seen:
    value: float | None
    reason: str = ""
    at_least: bool = False


def evaluate_gates(
    gates: Sequence[Gate],
    result: RunResult,
    bounds: EventWindow | None = None,
    shown_texts: Collection[str] | None = None,
) -> list[GateVerdict]:
    """A verdict per gate. `bounds` is the scenario's window (to print `after +5m` rather than
    `from +5m to +15m`); the plan's span when not given. `shown_texts`: the error texts the
    platform shows its listeners (`platform.errors.texts()`), for `listener_visible` gates,
    which are not observable without them."""
    begin = bounds.start if bounds else result.plan.t_begin
    end = bounds.end if bounds else result.plan.t_end
    return [_verdict(gate, result, begin, end, shown_texts) for gate in gates]


def observed_until(result: RunResult) -> float:
    end = result.plan.t_end
    if result.status != "completed" and result.observed_until is not None:
        end = min(end, result.observed_until)
    return end


def _verdict(
    gate: Gate, result: RunResult, begin: float, end: float, shown_texts: Collection[str] | None
) -> GateVerdict:
    unit: Unit = GATE_UNITS[gate.metric]  # type: ignore[assignment]
    window = gate.window
    seen = _observe(gate, result, shown_texts)
    if seen.value is None:
        status: GateStatus = "not_observable"
    elif seen.at_least:
        status = _judge_lower_bound(gate, seen.value)
    else:
        status = "passed" if holds(seen.value, gate.op, gate.value) else "failed"
    scope = _scope_text(gate, begin, end)
    return GateVerdict(
        id=gate.id,
        metric=gate.metric,
        op=gate.op,
        threshold=gate.value,
        unit=unit,
        tier=gate.tier,
        message=gate.message,
        listener_visible=gate.listener_visible,
        refusal_reason=gate.reason,
        room=gate.room,
        window_start=window.start if window else None,
        window_end=window.end if window else None,
        scope=scope,
        observed=seen.value,
        observed_at_least=seen.at_least,
        verdict=status,
        reason=seen.reason,
        line=_line(gate, unit, status, seen, scope),
    )


def holds(value: float, op: str, threshold: float) -> bool:
    return {
        "<": value < threshold,
        "<=": value <= threshold,
        ">": value > threshold,
        ">=": value >= threshold,
    }[op]


def _judge_lower_bound(gate: Gate, value: float) -> GateStatus:
    """The true value is `value` or more: decided only when every such value agrees."""
    if gate.op in (">", ">="):
        return "passed" if holds(value, gate.op, gate.value) else "not_observable"
    return "not_observable" if holds(value, gate.op, gate.value) else "failed"


def _scope_text(gate: Gate, begin: float, end: float) -> str:
    parts = []
    if gate.tier:
        parts.append(f"tier={gate.tier}")
    if gate.message:
        parts.append(f"message={gate.message!r}")
    if gate.listener_visible:
        parts.append("listener_visible")
    if gate.reason:
        parts.append(f"reason={gate.reason}")
    if gate.room:
        parts.append(f"room={gate.room}")
    window = gate.window
    if window is not None:
        if window.end >= end and window.start > begin:
            parts.append(f"after {format_when(window.start)}")
        elif window.start <= begin and window.end < end:
            parts.append(f"before {format_when(window.end)}")
        else:
            parts.append(f"from {format_when(window.start)} to {format_when(window.end)}")
    return " ".join(parts)


def threshold_text(op: str, threshold: float, unit: Unit) -> str:
    """A gate's threshold: `<= 5s`, `>= 99%`."""
    return f"{op} {format_value(unit, threshold)}"


def observed_text(observed: float | None, unit: Unit, at_least: bool = False) -> str:
    """A gate's observed value: `7.2s`, `>= +10m` for a lower bound, `n/a` without one."""
    text = format_value(unit, observed)
    return f">= {text}" if at_least and observed is not None else text


def _line(gate: Gate, unit: Unit, status: GateStatus, seen: _Seen, scope: str) -> str:
    threshold = f"threshold {threshold_text(gate.op, gate.value, unit)}"
    suffix = f" ({scope})" if scope else ""
    if seen.value is None:
        return f"{LABEL[status]} {gate.metric}: {seen.reason}; {threshold}{suffix}"
    observed = observed_text(seen.value, unit, seen.at_least)
    note = f" [{seen.reason}]" if seen.reason else ""
    return f"{LABEL[status]} {gate.metric}: observed {observed}, {threshold}{suffix}{note}"


def _clip(gate: Gate, result: RunResult) -> tuple[EventWindow | None, str]:
    """The part of the gate's window the run observed, and a note when it is cut; (None, why)
    when the run saw none of it."""
    window = gate.window
    if window is None:
        return None, ""
    begin, until = result.plan.t_begin, observed_until(result)
    start, end = max(window.start, begin), min(window.end, until)
    if end <= start:
        return None, (
            f"the run observed {format_when(begin)}..{format_when(until)}, none of "
            f"{format_when(window.start)}..{format_when(window.end)}"
        )
    if start > window.start or end < window.end:
        judged = f"judged on {format_when(start)}..{format_when(end)} only"
        return EventWindow(start=start, end=end), judged
    return window, ""


def _observe(gate: Gate, result: RunResult, shown_texts: Collection[str] | None) -> _Seen:
    if gate.metric == "start_delay":
        return _start_delay(result)
    if gate.metric == "refusals" and not result.observer.platform_observed:
        return _Seen(None, result.observer.unobserved_reason or "the platform was not observed")
    if gate.metric == "error_ratio" and gate.listener_visible and shown_texts is None:
        return _Seen(None, _NO_TEXTS)
    window, note = _clip(gate, result)
    if gate.window is not None and window is None:
        return _Seen(None, note)
    if gate.metric == "error_ratio":
        seen = _error_ratio(gate, result, window, shown_texts)
    elif gate.metric == "refusals":
        seen = _refusals(gate, result, window)
    elif window is not None:
        seen = _windowed(gate, result, window)
    else:
        seen = _whole_run(gate, result)
    if note and seen.value is not None:
        return _Seen(seen.value, "; ".join(r for r in (note, seen.reason) if r), seen.at_least)
    return seen


def _start_delay(result: RunResult) -> _Seen:
    if not result.observer.platform_observed:
        return _Seen(None, result.observer.unobserved_reason or "the platform was not observed")
    delay = result.metrics.start_delay_s
    if delay is not None:
        return _Seen(delay)
    until = observed_until(result)
    if not result.spaces:
        if result.observed_until is None:  # no timeline either: the server's records are missing
            return _Seen(None, "the server recorded no Space")
        return _Seen(until, f"no Space had been created by {format_when(until)}", at_least=True)
    return _Seen(until, f"the first Space had not gone live by {format_when(until)}", at_least=True)


def _whole_run(gate: Gate, result: RunResult) -> _Seen:
    m = result.metrics
    metric = gate.metric
    if metric in _PERCENTILE:
        value = getattr(m.ttfa_s, metric.removeprefix("ttfa_"))
        return _Seen(value, "" if value is not None else "no listener heard audio")
    if metric == "peak_listeners":
        return _Seen(m.peak_listeners)
    if metric in ("segment_download_p95", "slow_segment_ratio"):
        return _segments(metric, result)
    return _measured(measures.cohort_measure(_cohort_metric(metric), result, None))


def _cohort_metric(metric: str) -> CohortMetric:
    for known in COHORT_METRICS:
        if known == metric:
            return known
    raise ValueError(f"{metric} is not an arrival cohort metric")


def _measured(measured: Measured) -> _Seen:
    return _Seen(measured.value, measured.reason)


def _segments(metric: str, result: RunResult) -> _Seen:
    segments = result.segments
    if segments is None:
        return _Seen(None, "no segment download was timed (segment timings: real targets only)")
    if metric == "slow_segment_ratio":
        return _Seen(segments.slow_ratio, "" if segments.downloads else "no segment downloaded")
    value = segments.download_s.get("p95")
    return _Seen(value, "" if value is not None else "no segment downloaded")


def _windowed(gate: Gate, result: RunResult, window: EventWindow) -> _Seen:
    metric = gate.metric
    span = f"{format_when(window.start)}..{format_when(window.end)}"
    if metric in _PERCENTILE:
        return _ttfa(result, _PERCENTILE[metric], window, span)
    if metric == "peak_listeners":
        return _peak(result, window, span)
    return _measured(measures.cohort_measure(_cohort_metric(metric), result, window))


def _ttfa(result: RunResult, q: float, window: EventWindow, span: str) -> _Seen:
    samples = result.ttfa
    if samples is None:
        return _Seen(None, "the result has no time-to-first-audio samples (older format)")
    inside = sorted(
        v for t, v in zip(samples.t, samples.ttfa_s, strict=False) if window.start <= t < window.end
    )
    if not inside:
        return _Seen(None, f"no listener's first audio came in {span}")
    note = ""
    if samples.total > len(samples.t):
        note = f"from {len(samples.t)} of {samples.total} samples, evenly thinned"
    return _Seen(nearest_rank(inside, q), note)


def _peak(result: RunResult, window: EventWindow, span: str) -> _Seen:
    ts, values = result.listeners.t, result.listeners.concurrent
    step = ts[1] - ts[0] if len(ts) > 1 else 0.0
    inside = [
        v
        for t, v in zip(ts, values, strict=False)
        if (t < window.end and t + step > window.start) or window.start <= t <= window.end
    ]
    if not inside:
        return _Seen(None, f"no listener samples in {span}")
    return _Seen(max(inside))


def _error_ratio(
    gate: Gate, result: RunResult, window: EventWindow | None, shown_texts: Collection[str] | None
) -> _Seen:
    """All failures over the whole run: the run metrics; else per request bucket."""
    narrowed = gate.message is not None or gate.listener_visible
    if window is None and not narrowed:
        m = result.metrics
        ratio = m.error_ratio_by_tier.get(gate.tier) if gate.tier else m.error_ratio
        where = measures.error_scope(gate.tier, None)
        return _Seen(ratio, "" if ratio is not None else f"no requests were sent{where}")
    texts = shown_texts if gate.listener_visible else None
    if gate.message is not None:
        texts = (gate.message,)
    return _measured(measures.error_ratio(result, gate.tier, window, texts, gate.listener_visible))


def _refusals(gate: Gate, result: RunResult, window: EventWindow | None) -> _Seen:
    if gate.room is None:
        return _measured(measures.refusals(result, gate.reason, window))
    records = measures.room_spaces(result, gate.room)
    note = "" if records else f"room {gate.room} never opened"
    return _Seen(measures.room_refusals(records), note)
