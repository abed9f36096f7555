"""Scenario parameters addressed by dotted path, as `validate` prints them
(`platform.tiers.api.capacity_rps`, `operator_actions[2].at`, `attacks[0].rate_rps`): read one,
parse a value for one as the file would write it, and make the scenario with some of them set.

What sweeps and robustness checks vary; pure (no files but the scenario's own positions for
messages)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from simspace import units
from simspace.scenario.base import Loc
from simspace.scenario.hypotheses import Fittable, FittedParameter, fitted_parts, read_as_field
from simspace.scenario.loader import format_loc
from simspace.scenario.model import Scenario
from simspace.scenario.types import EventContext

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")


class ParameterError(ValueError):
    """A path or value that does not name a number in the scenario; `loc` is as far as the path
    got, for a position in the file."""

    def __init__(self, loc: Loc, message: str) -> None:
        self.loc = loc
        super().__init__(message)


def parse_path(text: str) -> Loc:
    """`operator_actions[2].at` -> ('operator_actions', 2, 'at')."""
    loc: list[str | int] = []
    position = 0
    while position < len(text):
        step = _STEP.match(text, position)
        if step is None or (position == 0 and text.startswith(".")):
            raise ParameterError((), f"{text!r} is not a path like platform.tiers.api.capacity_rps")
        loc.append(step[1] if step[1] is not None else int(step[2]))
        position = step.end()
    if not loc:
        raise ParameterError((), "an empty path")
    return tuple(loc)


def value_at(scenario: Scenario, loc: Loc) -> float:
    """The number at `loc` (seconds for times and durations, a count, a fraction)."""
    node: Any = scenario.model_dump(mode="json")
    for depth, step in enumerate(loc):
        found = _child(node, step)
        if found is _MISSING:
            raise ParameterError(loc[:depth], f"{format_loc(loc)}: no {step!r} here{_known(node)}")
        node = found
    if isinstance(node, bool) or not isinstance(node, int | float):
        raise ParameterError(loc, f"{format_loc(loc)}: not a number (it is {node!r})")
    return float(node)


_MISSING = object()


def _child(node: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return node[step] if isinstance(node, list) and 0 <= step < len(node) else _MISSING
    return node.get(step, _MISSING) if isinstance(node, dict) else _MISSING


def _known(node: Any) -> str:
    if isinstance(node, dict):
        return f" (has: {', '.join(sorted(map(str, node)))})"
    if isinstance(node, list):
        return f" (a list of {len(node)})"
    return ""


def field_at(scenario: Scenario, loc: Loc) -> FieldInfo | None:
    """The model field `loc` names (None where the path ends in a mapping the model does not
    type field by field). `loc` must exist (`value_at`)."""
    node: Any = scenario
    for step in loc[:-1]:
        node = (
            node[step] if isinstance(step, int) or isinstance(node, dict) else getattr(node, step)
        )
    return type(node).model_fields.get(str(loc[-1])) if isinstance(node, BaseModel) else None


def parse_value(scenario: Scenario, loc: Loc, text: str) -> float:
    """A value for `loc` as the file would write it, read as its field reads one: `20:40` or
    `+40m` for an event time, `200k` for a count, `90s` for a duration, `2.5%` for a ratio."""
    value_at(scenario, loc)  # the path must name a number
    event = scenario.event
    field = field_at(scenario, loc)
    if field is not None:
        context = {"event": EventContext(event.date, event.scheduled_start, event.time_zone)}
        try:
            return read_as_field(field, text, context)
        except ValueError as exc:
            raise ParameterError(loc, f"{format_loc(loc)}: {text!r}: {exc}") from None
    for parse in (
        units.parse_count,
        units.parse_duration_s,
        lambda v: units.parse_event_time_s(v, event.date, event.scheduled_start, event.time_zone),
        units.parse_ratio,
    ):
        try:
            return float(parse(text))
        except (ValueError, TypeError):
            continue
    raise ParameterError(loc, f"{format_loc(loc)}: {text!r} is not a number, time or duration")


def with_values(scenario: Scenario, values: Mapping[Loc, float]) -> Scenario:
    """The scenario with these numbers set, validated again (a value can break a cross-field
    check, e.g. an action moved outside the window: ParameterError)."""
    data: Any = scenario.model_dump(mode="json")
    for loc, value in values.items():
        value_at(scenario, loc)
        node = data
        for step in loc[:-1]:
            node = node[step]
        node[loc[-1]] = value
        stated = (node.get("range") or {}).get(loc[-1])
        if stated:  # a sweep may go beyond a fitted field's plausible range
            node["range"][loc[-1]] = [min(stated[0], value), max(stated[1], value)]
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = format_loc(tuple(first["loc"]))
        settings = ", ".join(f"{format_loc(loc)}={value:g}" for loc, value in values.items())
        raise ParameterError(
            next(iter(values), ()), f"with {settings}: {where}: {first['msg']}"
        ) from None


def fitted_parameters(scenario: Scenario) -> list[FittedParameter]:
    """Every fitted field of the scenario, with its range, in file order."""
    found = []
    for loc, part in fitted_parts(scenario):
        for key, (low, high) in (part.range or {}).items():
            found.append(
                FittedParameter((*loc, key), getattr(part, key), low, high, owner_text(loc, part))
            )
    return found


def owner_text(loc: Loc, part: Fittable) -> str:
    """`operator_actions[2] (set_capacity at +40m)`, `platform.tiers.api`, `attacks[0] (flood)`."""
    kind = getattr(part, "action", None) or getattr(part, "id", None)
    at = getattr(part, "at", None)
    detail = f"{kind}" + (f" at {units.format_offset_s(at)}" if isinstance(at, float) else "")
    return f"{format_loc(loc)} ({detail})" if kind else format_loc(loc)


@dataclass(frozen=True)
class Setting:
    """One parameter set to one value, for display: `operator_actions[2].at = +40m`."""

    loc: Loc
    value: float

    def __str__(self) -> str:
        shown = (
            units.format_offset_s(self.value)
            if self.loc[-1] in ("at", "start", "end")
            else f"{self.value:g}"
        )
        return f"{format_loc(self.loc)} = {shown}"
