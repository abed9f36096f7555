"""The scenario: one real event described completely enough to rehearse and to score.

Top level: event, window, audience, speakers, platform, operator actions, attacks, reported facts,
variants (hypotheses as overrides), gates and simulation defaults. Cross-field checks report each
problem at its own path; each reads only the sections it names, so the loader still runs it when
another section is broken (`check_sections`).
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, create_model, field_validator, model_validator

from simspace import units
from simspace.clock import speedup_problem
from simspace.scenario.audience import Audience
from simspace.scenario.base import Loc, ScenarioCheckError, Strict
from simspace.scenario.facts import EventWindow, Gates, ReportedFact
from simspace.scenario.platform import Flood, OperatorAction, Platform, RestartSpace, TargetShape
from simspace.scenario.types import URL_PATTERN, Count, Duration, EventTime, Fraction, Slug


class Source(Strict):
    """A public report the scenario cites."""

    id: Slug = Field(description="id that facts and actions cite")
    outlet: str = Field(min_length=1, description="publisher, e.g. AP")
    title: str = Field("", description="headline")
    url: str = Field("", pattern=URL_PATTERN, description="link")
    confidence: Literal["primary", "second_hand", "unverified"] = Field(
        "primary",
        description="primary: the outlet saw or measured it (or quotes the platform); "
        "second_hand: it repeats another report; unverified: nobody confirmed it",
    )


class Marker(Strict):
    """A reported moment drawn on the timeline, e.g. "Musk posts about a DDoS"."""

    at: EventTime = Field(description="when")
    label: str = Field(min_length=1, description="what happened")
    sources: list[str] = Field(default_factory=list, description="source ids")


class Event(Strict):
    """The real event."""

    name: Slug = Field(description="short id, used for run directories")
    title: str = Field(min_length=1, description="human title")
    date: dt.date = Field(description="the day of the scheduled start (YYYY-MM-DD)")
    time_zone: str = Field(description="IANA zone of every clock time, e.g. America/New_York")
    scheduled_start: dt.time = Field(description="announced start, clock time (20:00)")
    summary: str = Field("", description="one paragraph")
    sources: list[Source] = Field(default_factory=list, description="public reports cited")
    markers: list[Marker] = Field(default_factory=list, description="moments for the timeline")

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(f"unknown time zone {value!r} (use an IANA name)") from None
        return value

    @field_validator("scheduled_start", mode="before")
    @classmethod
    def _clock(cls, value: object) -> object:
        return units.parse_clock_time(value) if isinstance(value, str) else value


class Speaker(Strict):
    """A host or speaker, who starts and keeps the Space live through the same API."""

    id: Slug = Field(description="speaker id")
    name: str = Field(min_length=1, description="display name")
    role: Literal["host", "cohost", "speaker"] = Field(description="role in the Space")
    account: str = Field(min_length=1, description="account handle")
    followers: Count | None = Field(None, description="audience reach of the account")
    joins_at: EventTime = Field(description="when they try to start (host) or join")
    priority: bool = Field(False, description="true: their API calls bypass the listeners' queue")


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


class Variant(Strict):
    """A named hypothesis: overrides deep-merged into the scenario (lists are replaced)."""

    description: str = Field(min_length=1, description="the hypothesis in one sentence")
    overrides: dict[str, Any] = Field(default_factory=dict, description="partial scenario")


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


def _unique(items: list[Any], attr: str, where: Loc) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    problems: list[tuple[Loc, str]] = []
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            problems.append(((*where, i, attr), f"duplicate id {value!r}"))
        seen.add(value)
    return problems


def _inside(t: float, window: EventWindow) -> bool:
    return window.start <= t <= window.end


def _span(window: EventWindow) -> str:
    return f"{units.format_offset_s(window.start)} .. {units.format_offset_s(window.end)}"


def _cited(cited: list[str], event: Event, loc: Loc) -> list[tuple[Loc, str]]:
    known = {src.id for src in event.sources}
    return [
        ((*loc, i), f"unknown source {ref!r} (event.sources has: {', '.join(sorted(known))})")
        for i, ref in enumerate(cited)
        if ref not in known
    ]


# Each check's parameters name the top-level sections it reads, so that the loader can still run
# it when other, independent sections failed to validate (see `check_sections`).


def _check_event(event: Event) -> list[tuple[Loc, str]]:
    problems = _unique(event.sources, "id", ("event", "sources"))
    for i, marker in enumerate(event.markers):
        problems += _cited(marker.sources, event, ("event", "markers", i, "sources"))
    return problems


def _check_curve_start(audience: Audience, window: EventWindow) -> list[tuple[Loc, str]]:
    first = audience.arrivals.points[0].at
    if first <= window.start:
        return []
    return [
        (
            ("audience", "arrivals", "points", 0, "at"),
            f"the curve must start at or before the window start ({_span(window)}; "
            f"got {units.format_offset_s(first)})",
        )
    ]


def _check_speakers(speakers: list[Speaker]) -> list[tuple[Loc, str]]:
    problems = _unique(speakers, "id", ("speakers",))
    hosts = [sp for sp in speakers if sp.role == "host"]
    if len(hosts) != 1:
        problems.append((("speakers",), f"exactly one speaker must be the host (got {len(hosts)})"))
    return problems


def _check_platform(platform: Platform) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for tier in ("api", "cdn"):
        if tier not in platform.tiers:
            problems.append((("platform", "tiers"), f"missing required tier {tier!r}"))
    for i, rule in enumerate(platform.failure_rules):
        loc: Loc = ("platform", "failure_rules", i)
        rule_tiers: list[tuple[Loc, str | None]] = [
            (("when", "tier"), rule.when.tier),
            (("target",), getattr(rule, "target", None)),
        ]
        for key, rule_tier in rule_tiers:
            if rule_tier is not None and rule_tier not in platform.tiers:
                problems.append(((*loc, *key), f"no tier {rule_tier!r} in platform.tiers"))
    return problems


def _check_action_times(
    operator_actions: list[OperatorAction], window: EventWindow
) -> list[tuple[Loc, str]]:
    return [
        (
            ("operator_actions", i, "at"),
            f"must be inside the window {_span(window)} (got {units.format_offset_s(action.at)})",
        )
        for i, action in enumerate(operator_actions)
        if not _inside(action.at, window)
    ]


def _check_action_hosts(
    operator_actions: list[OperatorAction], speakers: list[Speaker]
) -> list[tuple[Loc, str]]:
    speaker_ids = {sp.id for sp in speakers}
    return [
        (("operator_actions", i, "host"), f"unknown speaker {action.host!r}")
        for i, action in enumerate(operator_actions)
        if isinstance(action, RestartSpace) and action.host not in speaker_ids
    ]


def _check_action_sources(
    operator_actions: list[OperatorAction], event: Event
) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for i, action in enumerate(operator_actions):
        problems += _cited(action.sources, event, ("operator_actions", i, "sources"))
    return problems


def _check_action_tiers(
    operator_actions: list[OperatorAction], platform: Platform
) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for i, action in enumerate(operator_actions):
        tier: str | None = getattr(action, "tier", None)
        if tier is not None and tier not in platform.tiers:
            problems.append(
                (("operator_actions", i, "tier"), f"no tier {tier!r} in platform.tiers")
            )
    return problems


def _check_attacks(attacks: list[Flood]) -> list[tuple[Loc, str]]:
    problems = _unique(attacks, "id", ("attacks",))
    for i, attack in enumerate(attacks):
        if attack.end <= attack.start:
            problems.append(
                (
                    ("attacks", i, "end"),
                    f"must be after start {units.format_offset_s(attack.start)} "
                    f"(got {units.format_offset_s(attack.end)})",
                )
            )
    return problems


def _check_attack_tiers(attacks: list[Flood], platform: Platform) -> list[tuple[Loc, str]]:
    return [
        (("attacks", i, "tier"), f"no tier {attack.tier!r} in platform.tiers")
        for i, attack in enumerate(attacks)
        if attack.tier not in platform.tiers
    ]


def _check_fact_ids(facts: list[ReportedFact]) -> list[tuple[Loc, str]]:
    return _unique(facts, "id", ("facts",))


def _check_fact_sources(facts: list[ReportedFact], event: Event) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for i, fact in enumerate(facts):
        problems += _cited(fact.sources, event, ("facts", i, "sources"))
    return problems


def _check_fact_times(facts: list[ReportedFact], window: EventWindow) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for i, fact in enumerate(facts):
        at: float | None = getattr(fact, "at", None)
        if at is not None and not _inside(at, window):
            problems.append(
                (
                    ("facts", i, "at"),
                    f"must be inside the window {_span(window)} (got {units.format_offset_s(at)})",
                )
            )
        fact_window: EventWindow | None = getattr(fact, "window", None)
        if fact_window is not None and not (
            _inside(fact_window.start, window) and _inside(fact_window.end, window)
        ):
            problems.append(
                (
                    ("facts", i, "window"),
                    f"must be inside the window {_span(window)} (got {_span(fact_window)})",
                )
            )
    return problems


_CHECKS: tuple[Callable[..., list[tuple[Loc, str]]], ...] = (
    _check_event,
    _check_curve_start,
    _check_speakers,
    _check_platform,
    _check_action_times,
    _check_action_hosts,
    _check_action_sources,
    _check_action_tiers,
    _check_attacks,
    _check_attack_tiers,
    _check_fact_ids,
    _check_fact_sources,
    _check_fact_times,
)


def check_sections(sections: Mapping[str, Any]) -> list[tuple[Loc, str]]:
    """Cross-field problems among validated top-level sections (field name -> value).

    A check runs only when every section it reads is there, so a scenario with a broken
    `platform` still has its arrival curve, facts and sources checked.
    """
    problems: list[tuple[Loc, str]] = []
    for check in _CHECKS:
        names = list(inspect.signature(check).parameters)
        if all(name in sections for name in names):
            problems += check(**{name: sections[name] for name in names})
    return problems


def check_scenario(s: Scenario) -> list[tuple[Loc, str]]:
    """Cross-field problems, each with the path of the value at fault."""
    return check_sections({name: getattr(s, name) for name in type(s).model_fields})


@functools.cache
def _section_model(name: str) -> type[Strict]:
    field = Scenario.model_fields[name]
    model: type[Strict] = create_model(  # type: ignore[call-overload]
        f"Scenario_{name}", __base__=Strict, **{name: (field.annotation, field)}
    )
    return model


def valid_sections(data: Mapping[str, Any], context: dict[str, Any]) -> dict[str, Any]:
    """The top-level sections of `data` that validate on their own, defaults included."""
    sections: dict[str, Any] = {}
    for name in Scenario.model_fields:
        given = {name: data[name]} if name in data else {}
        try:
            section = _section_model(name).model_validate(given, context=context)
        except ValidationError:
            continue
        sections[name] = getattr(section, name)
    return sections
