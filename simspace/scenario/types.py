"""Field types for scenario files: human units parsed on input, canonical numbers in the model.

Durations and offsets are stored in seconds, counts as floats, ratios as fractions. Clock times
(`20:42`) are resolved against the event's date, time zone and scheduled start, which the loader
passes in the validation context (`EventContext`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, ValidationInfo, WithJsonSchema

from simspace import units


@dataclass(frozen=True)
class EventContext:
    """What a clock time needs to become an offset from the scheduled start."""

    day: date
    scheduled_start: time
    time_zone: str


CLOCK_NEEDS_EVENT = (
    "a clock time needs a valid event.date, event.time_zone and event.scheduled_start"
)


def _event_time(value: object, info: ValidationInfo) -> float:
    if units.is_clock_time(value):
        context = info.context.get("event") if isinstance(info.context, dict) else None
        if not isinstance(context, EventContext):
            raise ValueError(CLOCK_NEEDS_EVENT)
        clock = units.parse_clock_time(value)
        return units.clock_to_offset_s(
            clock, context.day, context.scheduled_start, context.time_zone
        )
    return units.parse_offset_s(value)


def _json_schema(description: str, pattern: str | None = None) -> WithJsonSchema:
    text_schema: dict[str, Any] = {"type": "string"}
    if pattern:
        text_schema["pattern"] = pattern
    return WithJsonSchema({"anyOf": [text_schema, {"type": "number"}], "description": description})


DURATION_PATTERN = r"^\s*(\d+(\.\d+)?\s*(ms|h|m|s)\s*)+$"
OFFSET_PATTERN = (
    r"^\s*[+-]?(\d+(\.\d+)?\s*(ms|h|m|s)\s*)+$|^\s*([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?\s*$"
)
SLUG_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"
URL_PATTERN = r"^(https?://\S+)?$"
_DECIMAL = r"(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?"
RATIO_PATTERN = rf"^\s*{_DECIMAL}\s*%?\s*$"
FRACTION_PATTERN = rf"^\s*{_DECIMAL}(\s*/\s*{_DECIMAL})?\s*$"
COUNT_PATTERN = r"^\s*\d[\d_]*(\.\d+)?\s*[kKmMbB]?\s*$"

Duration = Annotated[
    float,
    BeforeValidator(units.parse_duration_s),
    _json_schema("a duration: 90s, 40m, 2h15m (or seconds)", DURATION_PATTERN),
]
EventTime = Annotated[
    float,
    BeforeValidator(_event_time),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "pattern": OFFSET_PATTERN}, {"type": "number"}],
            "description": "event time: an offset from the scheduled start (-15m, +1h40m) "
            "or a clock time in the event's time zone (20:42)",
        }
    ),
]
Count = Annotated[
    float,
    BeforeValidator(units.parse_count),
    _json_schema("a count: 878k, 1.3M, 8_000_000", COUNT_PATTERN),
]
Ratio = Annotated[
    float,
    BeforeValidator(units.parse_ratio),
    _json_schema("a ratio: 2.5% or 0.025", RATIO_PATTERN),
]
Fraction = Annotated[
    float,
    BeforeValidator(units.parse_fraction),
    _json_schema("a fraction in (0, 1]: 1/5000 or 0.0002", FRACTION_PATTERN),
]
Slug = Annotated[
    str,
    Field(pattern=SLUG_PATTERN, description="lower-case id: letters, digits, _ -"),
]
TierName = Literal["api", "cdn", "chat"]
