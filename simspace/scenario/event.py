"""The event a scenario rehearses: what it was, when it was scheduled, the public reports it cites,
the moments drawn on its timeline, and who hosted and spoke."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator

from simspace import units
from simspace.scenario.base import Strict
from simspace.scenario.types import URL_PATTERN, Count, EventTime, Slug


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
