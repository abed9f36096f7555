"""What a scenario assumes rather than knows: an operator action, a tier or an attack marked
`fitted: true` was chosen to fit what was reported, and its `range` says which values of its
fields are still plausible. Robustness checks and sweeps vary the fitted fields within it.

```yaml
- {action: set_capacity, at: "20:40", tier: api, capacity_rps: 200k,
   fitted: true, range: {at: ["20:35", "20:45"], capacity_rps: [150k, 300k]}}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    Field,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.fields import FieldInfo

from simspace.scenario.base import Loc, Strict

NOT_VARIED = frozenset({"fitted", "range", "note", "sources", "id", "tier", "action", "path"})
TIME_FIELDS = frozenset({"at", "start", "end"})
_BOUND = {"anyOf": [{"type": "string"}, {"type": "number"}]}
_RANGE_SCHEMA = {
    "anyOf": [
        {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": _BOUND,
                "minItems": 2,
                "maxItems": 2,
            },
        },
        {"type": "null"},
    ]
}


def read_as_field(field: FieldInfo, value: object, context: object) -> float:
    """`value` read as the field reads it (`20:35` for an event time with the event in
    `context`, `150k` for a count, `90s` for a duration); ValueError with pydantic's reason."""
    # the field's own type with its validators (a type form mypy cannot follow: Any)
    declared: Any = (
        Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation
    )
    reader: TypeAdapter[float] = TypeAdapter(declared)
    try:
        return float(reader.validate_python(value, context=context))
    except ValidationError as exc:
        raise ValueError(exc.errors()[0]["msg"].removeprefix("Value error, ")) from None


class Fittable(Strict):
    """A part of the scenario that may be a fitted hypothesis, with its plausible range."""

    fitted: bool = Field(
        False,
        description="a hypothesis chosen to fit the reported facts, not itself reported; "
        "needs `range`",
    )
    range: Annotated[dict[str, tuple[float, float]] | None, WithJsonSchema(_RANGE_SCHEMA)] = Field(
        None,
        description="plausible values of fitted fields, low and high, in the field's own "
        'format: {at: ["20:35", "20:45"], capacity_rps: [150k, 300k]}; robustness and '
        "sweeps vary the field within it",
    )

    @field_validator("range", mode="before")
    @classmethod
    def _parse_bounds(cls, value: object, info: ValidationInfo) -> object:
        """Each bound read as its field reads a value (`20:35`, `150k`, `90s`); every problem
        of the range in one message."""
        if not isinstance(value, dict):
            return value
        parsed: dict[str, Any] = {}
        problems = []
        for key, bounds in value.items():
            try:
                parsed[key] = cls._bounds(key, bounds, info)
            except ValueError as exc:
                problems.append(str(exc))
        if problems:
            raise ValueError("; ".join(problems))
        return parsed

    @classmethod
    def _bounds(cls, key: object, bounds: object, info: ValidationInfo) -> tuple[float, ...]:
        field = cls.model_fields.get(key) if isinstance(key, str) else None
        if field is None or key in NOT_VARIED or field.annotation is not float:
            numeric = sorted(
                k
                for k, f in cls.model_fields.items()
                if f.annotation is float and k not in NOT_VARIED
            )
            raise ValueError(f"{key!r} is not a number field here (one of: {', '.join(numeric)})")
        if not isinstance(bounds, list | tuple) or len(bounds) != 2:
            raise ValueError(f"{key}: a range is [low, high]")
        try:
            return tuple(read_as_field(field, b, info.context) for b in bounds)
        except ValueError as exc:
            raise ValueError(f"{key}: {exc}") from None

    @model_validator(mode="after")
    def _fitted_has_a_range(self) -> Fittable:
        problems = []
        if self.fitted and not self.range:
            problems.append(
                "fitted: true needs a range of plausible values, e.g. range: {at: [..]}"
            )
        if self.range and not self.fitted:
            problems.append("range is for a fitted part: add fitted: true")
        for key, (low, high) in (self.range or {}).items():
            value = getattr(self, key)
            if not low < high:
                problems.append(f"range.{key}: low must be below high")
            elif not low <= value <= high:
                problems.append(f"range.{key}: the value itself ({value:g}) must lie in its range")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@dataclass(frozen=True)
class FittedParameter:
    """One fitted field: where it is, its value and its plausible range."""

    loc: Loc
    value: float
    low: float
    high: float
    owner: str
    """What it belongs to, in words: `operator_actions[2] (set_capacity)`."""

    @property
    def kind(self) -> Literal["event_time", "number"]:
        return "event_time" if self.loc[-1] in TIME_FIELDS else "number"


def fitted_parts(data: object, loc: Loc = ()) -> list[tuple[Loc, Fittable]]:
    """Every fitted part of a (validated) scenario model, with where it is."""
    found: list[tuple[Loc, Fittable]] = []
    if isinstance(data, Fittable) and data.fitted:
        found.append((loc, data))
    if isinstance(data, Strict):
        for name in type(data).model_fields:
            found += fitted_parts(getattr(data, name), (*loc, name))
    elif isinstance(data, dict):
        for key, value in data.items():
            found += fitted_parts(value, (*loc, key))
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            found += fitted_parts(value, (*loc, index))
    return found
