"""The scenario: one real event described completely enough to rehearse and to score.

Top level: event, window, audience, speakers, platform, operator actions, attacks, reported facts,
variants (hypotheses as overrides), gates and simulation defaults. Cross-field checks run after the
structure validated and report each problem at its own path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from simspace import units
from simspace.scenario.audience import Audience
from simspace.scenario.base import Loc, ScenarioCheckError, Strict
from simspace.scenario.facts import EventWindow, Gates, ReportedFact
from simspace.scenario.platform import Flood, OperatorAction, Platform, RestartSpace
from simspace.scenario.types import Count, EventTime, Fraction, Slug


class Source(Strict):
    """A public report the scenario cites."""

    id: Slug = Field(description="id that facts and actions cite")
    outlet: str = Field(min_length=1, description="publisher, e.g. AP")
    title: str = Field("", description="headline")
    url: str = Field("", pattern=r"^(https?://\S+)?$", description="link")


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
        except (ZoneInfoNotFoundError, ValueError):
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
    max_wall: float = Field(300.0, gt=0, description="wall seconds a default run may take")
    seed: int = Field(1, description="random seed: same seed, same arrivals")

    @field_validator("speedup")
    @classmethod
    def _positive(cls, value: float | str) -> float | str:
        if isinstance(value, float) and not 0 < value <= 10_000:
            raise ValueError(f"speedup must be in (0, 10000] (got {value:g})")
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


def _unique(items: list[Any], attr: str, where: str) -> list[tuple[Loc, str]]:
    seen: set[str] = set()
    problems: list[tuple[Loc, str]] = []
    for i, item in enumerate(items):
        value = getattr(item, attr)
        if value in seen:
            problems.append(((where, i, attr), f"duplicate id {value!r}"))
        seen.add(value)
    return problems


def _inside(t: float, window: EventWindow) -> bool:
    return window.start <= t <= window.end


def check_scenario(s: Scenario) -> list[tuple[Loc, str]]:
    """Cross-field problems, each with the path of the value at fault."""
    problems: list[tuple[Loc, str]] = []
    span = f"{units.format_offset_s(s.window.start)} .. {units.format_offset_s(s.window.end)}"
    source_ids = {src.id for src in s.event.sources}
    problems += _unique(s.event.sources, "id", "event")
    problems = [(("event", "sources", *loc[1:]), msg) for loc, msg in problems]
    problems += _unique(s.speakers, "id", "speakers")
    problems += _unique(s.facts, "id", "facts")
    problems += _unique(s.attacks, "id", "attacks")

    points = s.audience.arrivals.points
    for i in range(1, len(points)):
        loc: Loc = ("audience", "arrivals", "points", i)
        if points[i].at <= points[i - 1].at:
            problems.append(
                (
                    (*loc, "at"),
                    "must be after the previous point "
                    f"(got {units.format_offset_s(points[i].at)} after "
                    f"{units.format_offset_s(points[i - 1].at)})",
                )
            )
        elif s.audience.arrivals.kind == "cumulative" and points[i].count < points[i - 1].count:
            problems.append(
                (
                    (*loc, "count"),
                    "a cumulative count cannot fall "
                    f"(got {units.format_count(points[i].count)} after "
                    f"{units.format_count(points[i - 1].count)})",
                )
            )
    if points[0].at > s.window.start:
        problems.append(
            (
                ("audience", "arrivals", "points", 0, "at"),
                f"the curve must start at or before the window start ({span})",
            )
        )

    for tier in ("api", "cdn"):
        if tier not in s.platform.tiers:
            problems.append((("platform", "tiers"), f"missing required tier {tier!r}"))
    hosts = [i for i, sp in enumerate(s.speakers) if sp.role == "host"]
    if len(hosts) != 1:
        problems.append((("speakers",), f"exactly one speaker must be the host (got {len(hosts)})"))
    speaker_ids = {sp.id for sp in s.speakers}

    for i, action in enumerate(s.operator_actions):
        loc = ("operator_actions", i)
        if not _inside(action.at, s.window):
            problems.append(((*loc, "at"), f"must be inside the window {span}"))
        if isinstance(action, RestartSpace) and action.host not in speaker_ids:
            problems.append(((*loc, "host"), f"unknown speaker {action.host!r}"))
        problems += _cited(action.sources, source_ids, (*loc, "sources"))
        action_tier: str | None = getattr(action, "tier", None)
        if action_tier is not None and action_tier not in s.platform.tiers:
            problems.append(((*loc, "tier"), f"no tier {action_tier!r} in platform.tiers"))
    for i, rule in enumerate(s.platform.failure_rules):
        loc = ("platform", "failure_rules", i)
        rule_tiers: list[tuple[str, str | None]] = [
            ("when", rule.when.tier),
            ("target", getattr(rule, "target", None)),
        ]
        for key, rule_tier in rule_tiers:
            if rule_tier is not None and rule_tier not in s.platform.tiers:
                problems.append(((*loc, key), f"no tier {rule_tier!r} in platform.tiers"))
    for i, attack in enumerate(s.attacks):
        loc = ("attacks", i)
        if attack.end <= attack.start:
            problems.append(((*loc, "end"), "must be after start"))
        if attack.tier not in s.platform.tiers:
            problems.append(((*loc, "tier"), f"no tier {attack.tier!r} in platform.tiers"))
    for i, marker in enumerate(s.event.markers):
        problems += _cited(marker.sources, source_ids, ("event", "markers", i, "sources"))
    for i, fact in enumerate(s.facts):
        loc = ("facts", i)
        problems += _cited(fact.sources, source_ids, (*loc, "sources"))
        at = getattr(fact, "at", None)
        if at is not None and not _inside(at, s.window):
            problems.append(((*loc, "at"), f"must be inside the window {span}"))
        window = getattr(fact, "window", None)
        if window is not None and not (
            _inside(window.start, s.window) and _inside(window.end, s.window)
        ):
            problems.append(((*loc, "window"), f"must be inside the window {span}"))
    return problems


def _cited(cited: list[str], known: set[str], loc: Loc) -> list[tuple[Loc, str]]:
    return [
        ((*loc, i), f"unknown source {ref!r} (event.sources has: {', '.join(sorted(known))})")
        for i, ref in enumerate(cited)
        if ref not in known
    ]
