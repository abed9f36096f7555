"""Reported facts (what the press and the platform said happened) and gates (thresholds a run
must meet). Each fact names a metric from a fixed vocabulary, documented in docs/metrics.md."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from simspace import units
from simspace.scenario.base import Strict
from simspace.scenario.types import Count, Duration, EventTime, Ratio, Slug, TierName

V = TypeVar("V")


def _range_input(value: object) -> object:
    # `41m`, `[40m, 42m]` and `{min: 878k}` all mean a reported range.
    if isinstance(value, list):
        if len(value) != 2:
            raise ValueError(f"a range is [low, high] (got {len(value)} values)")
        return {"min": value[0], "max": value[1]}
    if isinstance(value, dict):
        return value
    return {"min": value, "max": value}


class Reported(Strict, Generic[V]):
    """A reported value: exact (`min == max`), a range, or open on one side."""

    min: V | None = Field(None, description="lowest reported value")
    max: V | None = Field(None, description="highest reported value")

    @model_validator(mode="after")
    def _ordered(self) -> Reported[V]:
        if self.min is None and self.max is None:
            raise ValueError("give a value, [low, high], or min/max")
        return self


def _reported(kind: Any, show: Callable[[float], str], name: str) -> Any:
    """A `Reported` model named `Reported<name>` read from a value (`41m`), a `[low, high]` list
    or a `{min, max}` mapping; `show` prints a value back for messages."""
    model: Any = create_model(
        f"Reported{name}",
        __base__=Reported[kind],
        __doc__=f"A reported {name.lower()}: one value, a range `[low, high]`, or a mapping "
        "with `min`, `max` or both (open on the other side).",
    )

    def ordered(value: Reported[Any]) -> Reported[Any]:
        low, high = value.min, value.max
        if isinstance(low, float) and isinstance(high, float) and low > high:
            raise ValueError(f"min must not exceed max (got {show(low)} > {show(high)})")
        return value

    pair = Annotated[list[kind], Field(min_length=2, max_length=2)]
    return Annotated[
        model,
        BeforeValidator(_range_input, json_schema_input_type=kind | pair | model),
        AfterValidator(ordered),
    ]


if TYPE_CHECKING:
    ReportedDuration = Reported[float]
    ReportedCount = Reported[float]
    ReportedTime = Reported[float]
    ReportedRatio = Reported[float]
else:
    ReportedDuration = _reported(Duration, units.format_duration_s, "Duration")
    ReportedCount = _reported(Count, units.format_count, "Count")
    ReportedTime = _reported(EventTime, units.format_offset_s, "Time")
    ReportedRatio = _reported(Ratio, units.format_ratio, "Ratio")


def _tolerance_input(value: object) -> object:
    if isinstance(value, str) and value.strip().endswith("%"):
        return {"relative": units.parse_ratio(value)}
    if isinstance(value, dict):
        return value
    return {"absolute": value}


class CountTolerance(Strict):
    """How far an observed count may be from the reported range: absolute, relative, or both."""

    absolute: Count = Field(0.0, description="listeners")
    relative: Ratio = Field(0.0, description="share of the reported value, e.g. 10%")


Percent = Annotated[
    str, Field(pattern=r"^\s*\d+(\.\d+)?\s*%\s*$", description="a share of the reported value: 10%")
]
ToleranceOfCount = Annotated[
    CountTolerance,
    BeforeValidator(_tolerance_input, json_schema_input_type=Count | Percent | CountTolerance),
]


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
        description="other_event: context about another event (\"the previous record was "
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


class PeakListenersFact(FactBase):
    """Highest concurrent listeners, optionally of one Space incarnation or within a window."""

    metric: Literal["peak_listeners", "unique_listeners"] = Field(
        description="peak_listeners (concurrent) or unique_listeners (heard any audio)"
    )
    space: int | None = Field(None, ge=1, le=20, description="1 = first Space, 2 = relaunch...")
    window: EventWindow | None = Field(None, description="only within this window")
    reported: ReportedCount = Field(description="count or range")
    tolerance: ToleranceOfCount = Field(default_factory=CountTolerance, description="10% or 50k")


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
    window: EventWindow | None = Field(None, description="only within this window")
    reported: ReportedRatio = Field(description="ratio or range")
    tolerance: Ratio = Field(0.0, description="allowed deviation beyond the range")


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
    | ErrorRatioFact,
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
    "segment_download_p95": "duration",
    "slow_segment_ratio": "ratio",
}
_SEGMENT_METRICS = ("segment_download_p95", "slow_segment_ratio")  # real targets only
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
        if self.metric != "error_ratio" and (self.tier is not None or self.message is not None):
            scope = "tier" if self.tier is not None else "message"
            raise ValueError(f"{scope} applies to error_ratio only (got it on {self.metric})")
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
