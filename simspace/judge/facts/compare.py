"""Compares one run with the scenario's reported facts: the observed value of each fact's metric
(docs/metrics.md), a verdict, and the run's fit score. Pure: no I/O, no clock.

Verdicts. A scored fact is `reproduced` when the observed value lies in the reported range widened
by the tolerance: `[min - abs - rel*|min|, max + abs + rel*|max|]` (an open side stays open; the
relative part applies to the bound it widens). It is `not_observable` when its time or window lies
outside the span the run observed, or the run has no data for it; `not_reproduced` otherwise.
Facts with `scored: false` are claims: observed and explained, never scored. Facts `about:
other_event` are context (a record of another event): the run's view is shown beside them, never
judged against them nor scored.

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

from collections.abc import Mapping

from simspace.errors import UsageError
from simspace.judge.facts.observe import observe
from simspace.judge.facts.span import EPSILON, Fact, Observation, run_span
from simspace.judge.verdicts import (
    Comparison,
    EventCalendar,
    FactVerdict,
    Unit,
    Verdict,
    format_reported,
    format_value,
)
from simspace.results.model import RunResult
from simspace.scenario.facts import (
    ArrivalRatioFact,
    ErrorRatioFact,
    ErrorSeenFact,
    EventWindow,
    GaveUpListenersFact,
    ListenersAtFact,
    PeakListenersFact,
    RefusalsFact,
    SpaceTimeFact,
    StartDelayFact,
)
from simspace.scenario.model import Scenario

UNOBSERVABLE_WEIGHT = 0.5
"""What a not-observable scored fact weighs in the fit score's denominator (a failed one: 1)."""


def compare(scenario: Scenario, result: RunResult) -> Comparison:
    """A verdict for every fact of `scenario` against `result`, and the fit score."""
    if result.scenario != scenario.event.name:
        raise UsageError(
            f"the result is of scenario {result.scenario!r}, not {scenario.event.name!r}"
        )
    span = run_span(scenario, result)
    resolution_s = result.observer.timing_resolution_s
    shown = set(scenario.platform.errors.texts().values())
    confidence = {source.id: source.confidence for source in scenario.event.sources}
    verdicts = [
        judge(fact, observe(fact, result, span, shown), resolution_s, unverified(fact, confidence))
        for fact in scenario.facts
    ]
    verdicts = _with_robustness(verdicts, result)
    scored = [v for v in verdicts if v.scored]
    context = sum(v.verdict == "context" for v in verdicts)
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
        claims=len(verdicts) - len(scored) - context,
        context=context,
        run_begin=span.begin,
        run_end=span.end,
        calendar=EventCalendar(
            date=event.date, scheduled_start=event.scheduled_start, time_zone=event.time_zone
        ),
        robustness=result.robustness.summary() if result.robustness else None,
    )


def _with_robustness(verdicts: list[FactVerdict], result: RunResult) -> list[FactVerdict]:
    """Each reproduced fact with its robustness label, when the run was checked."""
    labels = result.robustness.facts if result.robustness else {}
    return [
        v.model_copy(update={"robustness": labels[v.fact_id].text})
        if v.verdict == "reproduced" and v.fact_id in labels
        else v
        for v in verdicts
    ]


def unverified(fact: Fact, confidence: Mapping[str, str]) -> bool:
    """Whether every source the fact cites is `unverified` (nobody confirmed it), given each
    source's confidence by id."""
    return all(confidence.get(cited) == "unverified" for cited in fact.sources)


def fit_score(reproduced: int, observable: int, unobservable: int) -> float:
    """`reproduced / (observable + unobservable / 2)`; 0 when nothing was scored."""
    denominator = observable + UNOBSERVABLE_WEIGHT * unobservable
    return reproduced / denominator if denominator else 0.0


def _tolerance(fact: Fact) -> tuple[float, float]:
    counted = ListenersAtFact | PeakListenersFact | GaveUpListenersFact | RefusalsFact
    if isinstance(fact, counted):
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
    if isinstance(fact, ErrorRatioFact | ArrivalRatioFact):
        return "ratio"
    return "count"


def _fact_at(fact: Fact) -> float | None:
    if isinstance(fact, ListenersAtFact):
        return fact.at
    if isinstance(fact, StartDelayFact | SpaceTimeFact):
        return fact.reported.min if fact.reported.min is not None else fact.reported.max
    window: EventWindow | None = getattr(fact, "window", None)
    return window.start if window is not None else None


def widen(
    low: float | None, high: float | None, tol_abs: float, tol_rel: float
) -> tuple[float | None, float | None]:
    """The reported range widened by its tolerance, `[min - abs - rel*|min|, max + abs +
    rel*|max|]`: what a verdict reads as reproduced, and what the report draws. An open side
    stays open."""
    return (
        None if low is None else low - tol_abs - tol_rel * abs(low),
        None if high is None else high + tol_abs + tol_rel * abs(high),
    )


def deviation(value: float, low: float | None, high: float | None) -> float:
    """How far `value` lies outside `[low, high]` (0 inside; an open side never counts)."""
    below = low - value if low is not None else 0.0
    above = value - high if high is not None else 0.0
    return max(0.0, below, above)


def _decide(
    obs: Observation, low: float | None, high: float | None, tol_abs: float, tol_rel: float
) -> tuple[Verdict, float | None]:
    value = obs.value
    if value is None or isinstance(value, bool):
        raise TypeError("a numeric observation is needed")
    wide_low, wide_high = widen(low, high, tol_abs, tol_rel)
    lo = None if wide_low is None else wide_low - EPSILON
    hi = None if wide_high is None else wide_high + EPSILON
    gap = deviation(value, low, high)
    if obs.at_least:
        if hi is not None and value > hi:
            return "not_reproduced", gap
        if hi is None and (lo is None or value >= lo):
            return "reproduced", gap
        return "not_observable", None
    inside = (lo is None or value >= lo) and (hi is None or value <= hi)
    return ("reproduced" if inside else "not_reproduced"), gap


def _decide_seen(obs: Observation, reported: bool) -> tuple[Verdict, float | None]:
    seen = bool(obs.value)
    if obs.at_least and not seen:  # not seen before a cut: it could still have come
        return "not_observable", None
    return ("reproduced", 0.0) if seen == reported else ("not_reproduced", 1.0)


def _margin(
    obs: Observation, unit: Unit, verdict: Verdict, widened: tuple[float | None, float | None]
) -> float | None:
    """A timing's distance to the nearest edge of the widened range, where a verdict hangs on it."""
    value = obs.value
    timed = unit in ("duration", "event_time") and verdict in ("reproduced", "not_reproduced")
    if not timed or obs.at_least or value is None or isinstance(value, bool):
        return None
    edges = [abs(value - edge) for edge in widened if edge is not None]
    return min(edges) if edges else None


def judge(
    fact: Fact,
    obs: Observation,
    resolution_s: float | None = None,
    sources_unverified: bool = False,
) -> FactVerdict:
    """The verdict of one fact given its observation; `resolution_s`: how far the run's
    timings can move from one run to the next (a verdict closer than that to a tolerance edge
    is marked marginal); `sources_unverified`: every source the fact cites is unverified."""
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
    margin = None
    if not isinstance(low, bool) and not isinstance(high, bool):
        margin = _margin(obs, unit, verdict, widen(low, high, tol_abs, tol_rel))
    marginal = bool(resolution_s) and margin is not None and margin < (resolution_s or 0.0)
    reason = obs.reason if verdict != "reproduced" or obs.at_least else ""
    if not fact.scored:
        reason = _claim(obs, unit, low, high) if obs.value is not None else obs.reason
        verdict = "claim"
    window: EventWindow | None = getattr(fact, "window", None)
    verdict_ = FactVerdict(
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
        margin=margin,
        marginal=marginal,
        about=fact.about,
        sources_unverified=sources_unverified,
    )
    return _as_context(verdict_, obs) if fact.about == "other_event" else verdict_


def _as_context(verdict: FactVerdict, obs: Observation) -> FactVerdict:
    """A fact about another event: the run's view beside it, never judged against it, never
    scored, and not placed on this event's clock."""
    about = f"about another event (reported {format_reported(verdict)})"
    if obs.value is None:
        reason = f"{about}; this run cannot show it: {obs.reason}"
    else:
        reason = f"{about}; {obs.view}" + (f" ({obs.reason})" if obs.at_least else "")
    return verdict.model_copy(
        update={
            "verdict": "context",
            "scored": False,
            "reason": reason,
            "deviation": None,
            "margin": None,
            "marginal": False,
            "at": None,
            "observed_at": None,
        }
    )


def _claim(
    obs: Observation, unit: Unit, low: float | bool | None, high: float | bool | None
) -> str:
    """What the run says about a claim: its view, and how that sits with the claimed value."""
    value, view = obs.value, obs.view or obs.reason
    if value is None or isinstance(value, bool) or isinstance(low, bool) or isinstance(high, bool):
        return view
    if obs.at_least:
        return f"{view} ({obs.reason})"
    if low is not None and value < low - EPSILON:
        return f"{view}: below the claimed {format_value(unit, low)}"
    if high is not None and value > high + EPSILON:
        return f"{view}: above the claimed {format_value(unit, high)}"
    return f"{view}: consistent with the claim"
