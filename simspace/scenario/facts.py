"""Reported facts (what the press and the platform said happened) and gates (thresholds a run
must meet). Each fact names a metric from a fixed vocabulary, documented in docs/metrics.md."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simspace import units
from simspace.scenario import reported
from simspace.scenario.base import Strict
from simspace.scenario.platform import RefusalReason
from simspace.scenario.reported import (
    CountTolerance,
    ReportedCount,
    ReportedDuration,
    ReportedRatio,
    ReportedTime,
    ToleranceOfCount,
)
from simspace.scenario.types import Count, Duration, EventTime, Ratio, Slug, TierName

# Part of the facts' vocabulary, defined with the reported values (`scenario.reported`).
Reported = reported.Reported
Percent = reported.Percent


class FactBase(Strict):
    id: Slug = Field(description="unique fact id")
    statement: str = Field(min_length=1, description="the reported sentence, as reported")
    sources: list[str] = Field(min_length=1, description="ids of event.sources")
    scored: bool = Field(
        True, description="false for claims nobody verified: shown with the run's view, not scored"
    )
    note: str = Field("", description="why this reading, what is uncertain")
    about: Literal["this_event", "other_event"] = Field(
        "this_event",
        description='other_event: context about another event ("the previous record was '
        "57k\"), shown beside the run's view, never judged against this run",
    )


class StartDelayFact(FactBase):
    """How late the Space went live (first Running) after the scheduled start."""

    metric: Literal["start_delay"] = Field(description="start_delay")
    reported: ReportedDuration = Field(description="delay: 41m or [40m, 42m]")
    tolerance: Duration = Field(0.0, description="allowed deviation beyond the range")


class ListenersAtFact(FactBase):
    """Listeners waiting (not yet hearing audio) or listening at a moment."""

    metric: Literal["waiting_listeners_at", "concurrent_listeners_at"] = Field(
        description="waiting_listeners_at or concurrent_listeners_at"
    )
    at: EventTime = Field(description="when")
    reported: ReportedCount = Field(description="count or range")
    tolerance: ToleranceOfCount = Field(default_factory=CountTolerance, description="10% or 50k")


LISTENER_TIERS = ("api", "cdn")
"""The tiers the listeners' own requests go to (flood traffic is tier `attack`)."""


class PeakListenersFact(FactBase):
    """Highest concurrent listeners, of one Space incarnation or one room, or within a window."""

    metric: Literal["peak_listeners", "unique_listeners"] = Field(
        description="peak_listeners (concurrent) or unique_listeners (heard any audio)"
    )
    space: int | None = Field(None, ge=1, le=20, description="1 = first Space, 2 = relaunch...")
    room: Slug | None = Field(
        None,
        description="peak_listeners only: the highest peak of that room's Spaces (main, or an "
        "overflow room's id)",
    )
    window: EventWindow | None = Field(None, description="only within this window")
    reported: ReportedCount = Field(description="count or range")
    tolerance: ToleranceOfCount = Field(default_factory=CountTolerance, description="10% or 50k")

    @field_validator("room")
    @classmethod
    def _one_scope(cls, room: str | None, info: ValidationInfo) -> str | None:
        metric = info.data.get("metric")
        if room is not None and metric != "peak_listeners":
            raise ValueError(f"room applies to peak_listeners only (got it on {metric})")
        if room is not None and info.data.get("space") is not None:
            raise ValueError("give space or room, not both")
        return room


class ArrivalRatioFact(FactBase):
    """Of the listeners who arrived (within `window`), the share who heard audio or gave up."""

    metric: Literal["join_success_ratio", "gave_up_ratio"] = Field(
        description="join_success_ratio (heard audio) or gave_up_ratio (gave up)"
    )
    window: EventWindow | None = Field(None, description="only the listeners who arrived in it")
    reported: ReportedRatio = Field(description="ratio or range")
    tolerance: Ratio = Field(0.0, description="allowed deviation beyond the range")


class GaveUpListenersFact(FactBase):
    """Listeners who gave up waiting (of those who arrived within `window`)."""

    metric: Literal["gave_up_listeners"] = Field(description="gave_up_listeners")
    window: EventWindow | None = Field(None, description="only the listeners who arrived in it")
    reported: ReportedCount = Field(description="count or range")
    tolerance: ToleranceOfCount = Field(default_factory=CountTolerance, description="10% or 50k")


class RefusalsFact(FactBase):
    """API requests the platform refused (for `reason`), or the joins one `room`'s cap refused."""

    metric: Literal["refusals"] = Field(description="refusals")
    room: Slug | None = Field(
        None,
        description="only this room's cap refusals over the whole run (main, or an overflow "
        "room's id)",
    )
    reason: RefusalReason | None = Field(
        None,
        description="cap (room full), not_started, ended (or not found), overload (rejected, "
        "rate-limited or timed out); unset: every reason",
    )
    window: EventWindow | None = Field(None, description="only within this window")
    reported: ReportedCount = Field(description="count or range")
    tolerance: ToleranceOfCount = Field(default_factory=CountTolerance, description="10% or 50k")

    @field_validator("reason")
    @classmethod
    def _room_reason(
        cls, reason: RefusalReason | None, info: ValidationInfo
    ) -> RefusalReason | None:
        check_room_reason(info.data.get("room"), reason)
        return reason

    @field_validator("window")
    @classmethod
    def _room_total(cls, window: EventWindow | None, info: ValidationInfo) -> EventWindow | None:
        check_room_window(info.data.get("room"), window)
        return window


class SpaceTimeFact(FactBase):
    """When a Space ended (crashed or closed) or when the relaunched Space went live."""

    metric: Literal["space_ended_at", "relaunched_at"] = Field(
        description="space_ended_at or relaunched_at"
    )
    space: int = Field(1, ge=1, le=20, description="which Space incarnation (1 = first)")
    reported: ReportedTime = Field(description="time or range")
    tolerance: Duration = Field(0.0, description="allowed deviation beyond the range")


class ErrorSeenFact(FactBase):
    """Listeners saw this error text (or, with `reported: false`, never saw it)."""

    metric: Literal["error_message_seen"] = Field(description="error_message_seen")
    message: str = Field(min_length=1, description="the exact error text")
    reported: bool = Field(True, description="true: seen; false: never seen")


class ErrorRatioFact(FactBase):
    """Failed requests / requests, optionally on one tier and within a window."""

    metric: Literal["error_ratio"] = Field(description="error_ratio")
    tier: TierName | None = Field(None, description="only this tier")
    listener_visible: bool = Field(
        False,
        description="only failures showing one of the platform's error texts (platform.errors), "
        "over the listeners' requests (api and cdn tiers)",
    )
    window: EventWindow | None = Field(None, description="only within this window")
    reported: ReportedRatio = Field(description="ratio or range")
    tolerance: Ratio = Field(0.0, description="allowed deviation beyond the range")

    @field_validator("listener_visible")
    @classmethod
    def _listener_tier(cls, listener_visible: bool, info: ValidationInfo) -> bool:
        check_listener_tier(listener_visible, info.data.get("tier"))
        return listener_visible


# A room's refusals are its cap refusals over the whole run (its Spaces' totals).


def check_room_reason(room: str | None, reason: RefusalReason | None) -> None:
    if room is not None and reason not in (None, "cap"):
        raise ValueError(f"a room counts its cap refusals only: reason must be cap (got {reason})")


def check_room_window(room: str | None, window: EventWindow | None) -> None:
    if room is not None and window is not None:
        raise ValueError(
            "a room's refusals are a whole-run total (its Spaces' refused joins): "
            "a window does not apply"
        )


def check_listener_tier(listener_visible: bool, tier: str | None) -> None:
    if listener_visible and tier is not None and tier not in LISTENER_TIERS:
        raise ValueError(
            f"listener_visible counts the listeners' tiers ({', '.join(LISTENER_TIERS)}); "
            f"got tier {tier}"
        )


class EventWindow(Strict):
    """A stretch of event time."""

    start: EventTime = Field(description="from (event time)")
    end: EventTime = Field(description="until (event time)")

    @model_validator(mode="after")
    def _ordered(self) -> EventWindow:
        if self.end <= self.start:
            raise ValueError(
                f"end must be after start (got {units.format_offset_s(self.start)} .. "
                f"{units.format_offset_s(self.end)})"
            )
        return self


ReportedFact = Annotated[
    StartDelayFact
    | ListenersAtFact
    | PeakListenersFact
    | SpaceTimeFact
    | ErrorSeenFact
    | ErrorRatioFact
    | ArrivalRatioFact
    | GaveUpListenersFact
    | RefusalsFact,
    Field(discriminator="metric"),
]

GateMetric = Literal[
    "ttfa_p50",
    "ttfa_p95",
    "ttfa_p99",
    "join_success_ratio",
    "stall_ratio",
    "error_ratio",
    "peak_listeners",
    "start_delay",
    "gave_up_ratio",
    "gave_up_listeners",
    "refusals",
    "segment_download_p95",
    "slow_segment_ratio",
]
GATE_UNITS: dict[str, str] = {
    "ttfa_p50": "duration",
    "ttfa_p95": "duration",
    "ttfa_p99": "duration",
    "start_delay": "duration",
    "join_success_ratio": "ratio",
    "stall_ratio": "ratio",
    "error_ratio": "ratio",
    "gave_up_ratio": "ratio",
    "peak_listeners": "count",
    "gave_up_listeners": "count",
    "refusals": "count",
    "segment_download_p95": "duration",
    "slow_segment_ratio": "ratio",
}
_SEGMENT_METRICS = ("segment_download_p95", "slow_segment_ratio")  # real targets only
GATE_SCOPES = {
    "tier": "error_ratio",
    "message": "error_ratio",
    "listener_visible": "error_ratio",
    "reason": "refusals",
    "room": "refusals",
}
"""Each scope field of a gate, and the one metric it narrows."""
_GATE_PARSERS = {
    "duration": units.parse_duration_s,
    "ratio": units.parse_ratio,
    "count": units.parse_count,
}


class Gate(Strict):
    """A threshold on an observed metric: `ttfa_p95 <= 5s` after +5m."""

    id: Slug = Field(description="gate id")
    metric: GateMetric = Field(description="observed metric (see docs/metrics.md)")
    op: Literal["<", "<=", ">", ">="] = Field(description="comparison")
    value: float = Field(description="threshold, in the metric's unit (5s, 99%, 500k)")
    window: EventWindow | None = Field(None, description="only within this window")
    tier: TierName | None = Field(None, description="for error_ratio: only this tier")
    message: str | None = Field(
        None, min_length=1, description="for error_ratio: only failures showing this error text"
    )
    listener_visible: bool = Field(
        False,
        description="for error_ratio: only failures showing one of the platform's error texts, "
        "over the listeners' requests (api and cdn tiers)",
    )
    reason: RefusalReason | None = Field(
        None, description="for refusals: cap, not_started, ended or overload; unset: every reason"
    )
    room: Slug | None = Field(
        None, description="for refusals: only this room's cap refusals (whole run)"
    )
    abort_on_fail: bool = Field(
        False,
        description="stop the run early once this gate has failed beyond recovery (keeps the data)",
    )

    @field_validator("value", mode="before", json_schema_input_type=Duration | Ratio | Count)
    @classmethod
    def _value_in_unit(cls, value: object, info: ValidationInfo) -> object:
        metric = info.data.get("metric")
        if metric in GATE_UNITS:
            return _GATE_PARSERS[GATE_UNITS[metric]](value)
        return value

    @model_validator(mode="after")
    def _scope_fits_metric(self) -> Gate:
        for scope, metric in GATE_SCOPES.items():
            if self.metric != metric and getattr(self, scope) not in (None, False):
                raise ValueError(f"{scope} applies to {metric} only (got it on {self.metric})")
        if self.listener_visible and self.message is not None:
            raise ValueError("give message or listener_visible, not both")
        check_listener_tier(self.listener_visible, self.tier)
        check_room_reason(self.room, self.reason)
        check_room_window(self.room, self.window)
        if self.metric == "start_delay" and self.window is not None:
            raise ValueError("start_delay is one moment: a window does not apply")
        if self.metric in _SEGMENT_METRICS and self.window is not None:
            raise ValueError(f"{self.metric} is over the whole run: a window does not apply")
        return self


class Gates(Strict):
    """Thresholds and what the run is expected to show."""

    expect: Literal["survive", "reproduce"] = Field(
        "survive",
        description="survive: every gate must hold; reproduce: the run must reproduce the "
        "scored facts (keeps a scenario calibrated)",
    )
    checks: list[Gate] = Field(default_factory=list, max_length=200, description="gates")


PeakListenersFact.model_rebuild()
ErrorRatioFact.model_rebuild()
ArrivalRatioFact.model_rebuild()
GaveUpListenersFact.model_rebuild()
RefusalsFact.model_rebuild()
