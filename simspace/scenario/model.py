"""The scenario: one real event described completely enough to rehearse and to score.

Top level: event, window, audience, speakers, platform, operator actions, attacks, reported facts,
variants (hypotheses as overrides), gates and simulation defaults. Cross-field checks
(`checks.py`, `fact_checks.py`) report each problem at its own path; each reads only the parts it
names (`PARTS`), so the loader still runs it when another section, or another item of the same
list, is broken (`valid_sections`, `check_sections`).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    Field,
    TypeAdapter,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from simspace.clock import speedup_problem
from simspace.scenario import checks, fact_checks
from simspace.scenario.audience import Audience
from simspace.scenario.base import Loc, ScenarioCheckError, Strict
from simspace.scenario.event import Event, Speaker
from simspace.scenario.facts import EventWindow, Gates, ReportedFact
from simspace.scenario.platform import Flood, OperatorAction, Platform, TargetShape
from simspace.scenario.types import Count, Duration, Fraction, Slug
from simspace.scenario.variants import Variant

__all__ = [
    "PARTS",
    "Event",
    "Part",
    "Scenario",
    "Simulation",
    "Speaker",
    "Variant",
    "check_scenario",
    "check_sections",
    "valid_sections",
]


class Simulation(Strict):
    """Defaults for how a run maps the event onto this machine."""

    speedup: float | Literal["auto"] = Field(
        "auto", description="event seconds per wall second; auto lets the planner choose"
    )
    population_scale: Fraction | Literal["auto"] = Field(
        "auto", description="simulated listeners per event listener, e.g. 1/5000; auto: planner"
    )
    budget_rps: Count | None = Field(
        None, description="peak real requests/s the load side may send; default: measured"
    )
    max_wall: Duration = Field(
        270.0,
        gt=0,
        description="wall time the event window is compressed into when speedup is auto "
        "(start-up and wrap-up add ~10 s)",
    )
    seed: int = Field(1, description="random seed: same seed, same arrivals")

    @field_validator("speedup")
    @classmethod
    def _positive(cls, value: float | str) -> float | str:
        if isinstance(value, float) and (problem := speedup_problem(value)):
            raise ValueError(problem)
        return value


class Scenario(Strict):
    """A whole scenario file."""

    version: Literal[1] = Field(1, description="scenario format version")
    event: Event = Field(description="the real event")
    window: EventWindow = Field(description="the part of the event simulated")
    audience: Audience = Field(description="who wants to listen")
    speakers: list[Speaker] = Field(min_length=1, max_length=13, description="host and speakers")
    platform: Platform = Field(description="the system under test")
    operator_actions: list[OperatorAction] = Field(
        default_factory=list, max_length=200, description="what the operators did, when"
    )
    attacks: list[Flood] = Field(default_factory=list, max_length=50, description="floods")
    facts: list[ReportedFact] = Field(
        default_factory=list, max_length=500, description="reported facts and claims"
    )
    variants: dict[Slug, Variant] = Field(default_factory=dict, description="hypotheses")
    gates: Gates = Field(default_factory=Gates, description="CI thresholds")
    simulation: Simulation = Field(default_factory=Simulation, description="run defaults")
    target: TargetShape = Field(
        default_factory=TargetShape, description="the shape of a real target (--target URL)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        problems = check_scenario(self)
        if problems:
            raise ScenarioCheckError(problems)
        return self

    def speaker(self, speaker_id: str) -> Speaker:
        return next(s for s in self.speakers if s.id == speaker_id)

    @property
    def host(self) -> Speaker:
        return next(s for s in self.speakers if s.role == "host")


@dataclass(frozen=True)
class Part:
    """A part of the scenario the checks read by name: its path, and whether it is a list whose
    items are checked one by one (those that validate on their own, each with its index)."""

    path: tuple[str, ...]
    items: bool = False


PARTS: dict[str, Part] = {
    "sources": Part(("event", "sources")),
    "markers": Part(("event", "markers"), items=True),
    "window": Part(("window",)),
    "arrivals": Part(("audience", "arrivals")),
    "client": Part(("audience", "client")),
    "restreams": Part(("audience", "restreams"), items=True),
    "speakers": Part(("speakers",)),
    "tiers": Part(("platform", "tiers")),
    "errors": Part(("platform", "errors")),
    "rooms": Part(("platform", "rooms")),
    "failure_rules": Part(("platform", "failure_rules"), items=True),
    "operator_actions": Part(("operator_actions",), items=True),
    "attacks": Part(("attacks",), items=True),
    "facts": Part(("facts",), items=True),
    "variants": Part(("variants",)),
    "gate_checks": Part(("gates", "checks"), items=True),
}
_CHECKS = (*checks.CHECKS, *fact_checks.CHECKS)


def _reads(check: checks.Check) -> list[str]:
    """The parts a check reads: its parameters' names."""
    return list(inspect.signature(check).parameters)


def check_sections(parts: Mapping[str, Any]) -> list[tuple[Loc, str]]:
    """Cross-field problems among the validated parts of a scenario (`PARTS` name -> value).

    A check runs only when every part it reads is there, so a scenario with a broken tier still
    has its arrival curve, facts and sources checked.
    """
    problems: list[tuple[Loc, str]] = []
    for check in _CHECKS:
        names = _reads(check)
        if all(name in parts for name in names):
            problems += check(**{name: parts[name] for name in names})
    return problems


def check_scenario(s: Scenario) -> list[tuple[Loc, str]]:
    """Cross-field problems, each with the path of the value at fault."""
    parts: dict[str, Any] = {}
    for name, part in PARTS.items():
        value: Any = s
        for step in part.path:
            value = getattr(value, step)
        parts[name] = list(enumerate(value)) if part.items else value
    return check_sections(parts)


def _model_at(path: tuple[str, ...]) -> type[BaseModel]:
    model: type[BaseModel] = Scenario
    for step in path:
        inner = model.model_fields[step].annotation
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            raise TypeError(f"{step!r} of {path} is not a section of the scenario")
        model = inner
    return model


@functools.cache
def _part_model(name: str) -> type[Strict]:
    """A model of the part alone: its field, with its default, under its own key."""
    *parents, key = PARTS[name].path
    field = _model_at(tuple(parents)).model_fields[key]
    model: type[Strict] = create_model(  # type: ignore[call-overload]
        f"Part_{name}", __base__=Strict, **{key: (field.annotation, field)}
    )
    return model


@functools.cache
def _item_reader(name: str) -> TypeAdapter[Any]:
    *parents, key = PARTS[name].path
    (item,) = get_args(_model_at(tuple(parents)).model_fields[key].annotation)
    return TypeAdapter(item)


def _valid_items(name: str, given: list[Any], context: dict[str, Any]) -> list[tuple[int, Any]]:
    valid: list[tuple[int, Any]] = []
    for i, item in enumerate(given):
        try:
            valid.append((i, _item_reader(name).validate_python(item, context=context)))
        except ValidationError:
            continue
    return valid


def valid_sections(data: Mapping[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The parts of `data` (`PARTS`) that validate on their own, defaults included; of a list
    checked item by item, the items that validate on their own.

    A part whose parent is not a mapping in `data` is left out: its parent's problem is reported
    instead, and a default in its place would be checked as if it had been written.
    """
    parts: dict[str, Any] = {}
    for name, part in PARTS.items():
        *parents, key = part.path
        node: Any = data
        for step in parents:
            node = node.get(step) if isinstance(node, Mapping) else None
        if not isinstance(node, Mapping):
            continue
        given = {key: node[key]} if key in node else {}
        try:
            value = getattr(_part_model(name).model_validate(given, context=context), key)
        except ValidationError:
            if part.items and isinstance(given.get(key), list):
                parts[name] = _valid_items(name, given[key], context)
            continue
        parts[name] = list(enumerate(value)) if part.items else value
    return parts
