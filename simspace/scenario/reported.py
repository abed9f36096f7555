"""Reported values as facts write them: one value (`41m`), a range (`[40m, 42m]`) or a mapping
open on one side (`{min: 878k}`), in the fact's unit; and the tolerance of a count (`10%`, `50k`,
or both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BeforeValidator, Field, create_model, model_validator

from simspace import units
from simspace.scenario.base import Strict
from simspace.scenario.types import Count, Duration, EventTime, Ratio

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
    if isinstance(value, str):
        try:
            units.parse_count(value)
        except ValueError:
            # A count tolerance is either: say so, not only what a count looks like.
            raise ValueError(
                f"expected a count like 50k or a share like 10% (got {value!r})"
            ) from None
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
