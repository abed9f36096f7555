"""What facts and gates both measure on a run, computed once: the arrival cohorts of a window,
error ratios, refusals by reason, a room's Spaces. Pure: no I/O, no clock.

Windows follow the series they read: cohorts and timeline steps count when their grid step
starts inside the window, request buckets when they start inside it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from simspace.judge.verdicts import format_when
from simspace.results.model import RunResult, SpaceRecord, TierSeries
from simspace.scenario.facts import LISTENER_TIERS, EventWindow
from simspace.scenario.platform import RefusalReason

CohortMetric = Literal["join_success_ratio", "gave_up_ratio", "stall_ratio", "gave_up_listeners"]
COHORT_METRICS: tuple[CohortMetric, ...] = (
    "join_success_ratio",
    "gave_up_ratio",
    "stall_ratio",
    "gave_up_listeners",
)
REFUSAL_COLUMNS: dict[RefusalReason, tuple[str, ...]] = {
    "cap": ("listener_cap", "session_limit"),
    "not_started": ("not_started",),
    "ended": ("space_ended", "not_found"),
    "overload": ("overload", "rate_limited"),
}
"""The platform timeline's rejection reasons behind each refusal reason; `overload` adds the
api tier's timeouts (`timed_out_rps`)."""
NOT_RUNNING = "not_running"
"""Older results' one reason for a Space not live, before it was split into not started and
ended: counted in the total of every reason, and unknown for either of the two."""


@dataclass(frozen=True)
class Measured:
    """A measured value, or None and why not."""

    value: float | None
    reason: str = ""


def window_text(window: EventWindow) -> str:
    """`+5m..+10m`."""
    return f"{format_when(window.start)}..{format_when(window.end)}"


def _inside(t: float, window: EventWindow | None) -> bool:
    return window is None or window.start <= t < window.end


# -- arrival cohorts ---------------------------------------------------------------------------


def cohort_measure(metric: CohortMetric, result: RunResult, window: EventWindow | None) -> Measured:
    """Of the listeners who arrived (within `window`): the share who heard audio or gave up,
    their stalls per listener who heard audio, or how many gave up. The whole run reads the run
    metrics; a window reads `result.cohorts`."""
    if window is None:
        return _whole_run_cohort(metric, result)
    if not result.cohorts:
        if metric == "gave_up_listeners" and result.metrics.arrived <= 0:
            return Measured(0.0)
        return Measured(None, "the result has no arrival cohorts (older format, or nobody arrived)")
    rows = [c for c in result.cohorts if _inside(c.t, window)]
    arrived = sum(c.arrived for c in rows)
    heard = sum(c.heard for c in rows)
    if metric == "gave_up_listeners":
        return Measured(sum(c.gave_up for c in rows))
    if metric == "stall_ratio":
        if heard <= 0:
            return Measured(None, f"no listener who arrived in {window_text(window)} heard audio")
        return Measured(sum(c.stalls for c in rows) / heard)
    if arrived <= 0:
        return Measured(None, f"no listener arrived in {window_text(window)}")
    if metric == "join_success_ratio":
        return Measured(heard / arrived)
    return Measured(sum(c.gave_up for c in rows) / arrived)


def _whole_run_cohort(metric: CohortMetric, result: RunResult) -> Measured:
    m = result.metrics
    if metric == "gave_up_listeners":
        return Measured(m.gave_up)
    value = {
        "join_success_ratio": m.join_success_ratio,
        "gave_up_ratio": m.gave_up_ratio,
        "stall_ratio": m.stall_ratio,
    }[metric]
    if value is None:
        who = "heard audio" if metric == "stall_ratio" else "arrived"
        return Measured(None, f"no listener {who}")
    return Measured(value)


# -- error ratios ------------------------------------------------------------------------------


def error_ratio(
    result: RunResult,
    tier: str | None,
    window: EventWindow | None,
    messages: Collection[str] | None = None,
    listener_tiers: bool = False,
) -> Measured:
    """Failed requests / requests in the buckets that start inside `window`, on `tier` (or the
    listeners' tiers only), counting only failures showing one of `messages` when given."""

    def counted(t: float, request_tier: str) -> bool:
        if listener_tiers and request_tier not in LISTENER_TIERS:
            return False
        return _inside(t, window) and (tier is None or request_tier == tier)

    if not result.requests:
        return Measured(None, "the result has no per-bucket request counts (older format)")
    total = sum(r.ok + r.failed for r in result.requests if counted(r.t, r.tier))
    if total <= 0:
        return Measured(None, f"no requests were sent{error_scope(tier, window, listener_tiers)}")
    if messages is None:
        failed = sum(r.failed for r in result.requests if counted(r.t, r.tier))
    else:
        failed = sum(
            e.weight for e in result.errors if e.message in messages and counted(e.t, e.tier)
        )
    return Measured(failed / total)


def error_scope(tier: str | None, window: EventWindow | None, listener_tiers: bool = False) -> str:
    """` on the api tier in +5m..+10m`, as the verdicts word an error ratio's scope."""
    where = f" on the {tier} tier" if tier else " on the listeners' tiers" if listener_tiers else ""
    return where + (f" in {window_text(window)}" if window else "")


# -- refusals ----------------------------------------------------------------------------------


def refusals(
    result: RunResult, reason: RefusalReason | None, window: EventWindow | None
) -> Measured:
    """Event-scale API requests refused for `reason` (every reason when None), from the api
    tier's timeline: each rate per event-second times its grid step, over the steps that start
    inside `window`."""
    api = result.tiers.get("api")
    if api is None or not api.t:
        return Measured(None, "the result has no timeline of the api tier")
    old = any(api.rejected_rps.get(NOT_RUNNING, []))
    if reason in ("not_started", "ended") and old:
        return Measured(
            None,
            f"this result records `{NOT_RUNNING}`, which does not tell a Space not started from "
            "one that ended (an older result)",
        )
    reasons: Collection[RefusalReason] = REFUSAL_COLUMNS if reason is None else (reason,)
    columns = [api.rejected_rps.get(c, []) for r in reasons for c in REFUSAL_COLUMNS[r]]
    if reason is None:
        columns.append(api.rejected_rps.get(NOT_RUNNING, []))
    if reason in (None, "overload"):
        columns.append(api.timed_out_rps)
    step_s = _step_s(api, result)
    steps = [i for i, t in enumerate(api.t) if _inside(t, window)]
    if not steps and window is not None:
        return Measured(None, f"the timeline has no step starting in {window_text(window)}")
    total = sum(column[i] * step_s for column in columns for i in steps if i < len(column))
    return Measured(total)


def _step_s(series: TierSeries, result: RunResult) -> float:
    if len(series.t) > 1:
        return series.t[1] - series.t[0]
    return max(0.0, result.plan.t_end - series.t[0])


def room_spaces(result: RunResult, room: str) -> list[SpaceRecord]:
    """The Spaces of one room, in order (a room's Spaces follow each other: a relaunch goes
    live after the previous one ended)."""
    return [s for s in result.spaces if s.room == room]


def room_refusals(records: list[SpaceRecord]) -> float:
    """The join attempts a room's listener cap refused, over its Spaces."""
    return sum(s.refused_listeners for s in records)
