"""What a listener's life shares with the collaborators it is given: the player that plays a stream
once joined (the stub's coalesced polling, or a real-time HLS player) and the route its requests
take to the service (paths on the stub, or fenced URLs on a real target)."""

from __future__ import annotations

import random
from collections.abc import Generator
from dataclasses import dataclass
from typing import Literal, Protocol, Unpack

from simspace.clock import Clock
from simspace.load.actions import Action, Call, Reply
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy
from simspace.wire.observations import ListenerState, RequestTier, StateDetails

Departure = Literal["gave_up", "left", "booted", "space_ended", "restreamed"]
"""How a listener's stay ends; each is also the `ListenerState` recorded when it does."""
FINAL_DEPARTURES: frozenset[Departure] = frozenset({"gave_up", "left", "restreamed"})
"""Departures after which a listener never comes back (the others may rejoin, per policy)."""
NotStarted = Literal["stream_gone", "stream_failed"]
"""Why a player could not start playing a stream: its playlist was not there (404, 410), or it
could not be loaded or read. Not states: the listener's life decides what they mean."""
PlayEnd = Departure | NotStarted


@dataclass(frozen=True)
class Watching:
    """A Spaces watching session: pinged while playing, stopped on leaving."""

    space_id: str
    ping_path: str
    stop_path: str


@dataclass(frozen=True)
class Stream:
    """A stream a listener has joined, as its player gets it."""

    location: str  # the live playlist: a path on the stub, an absolute URL on a real target
    joined_at: float  # event time the join began (time to first audio counts from it)
    waiting_since: float  # event time the wait began (patience counts from it)
    watching: Watching | None  # None: joined without the Spaces API, so nothing to ping


class Listening(Protocol):
    """What a player may use of the listener it plays for."""

    @property
    def plan(self) -> Plan: ...

    @property
    def client(self) -> ClientPolicy: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def rng(self) -> random.Random: ...

    @property
    def listening_s(self) -> float: ...

    def call(self, call: Call, retry: bool = True) -> Generator[Action, Reply | None, Reply]: ...

    def state(self, kind: ListenerState, **details: Unpack[StateDetails]) -> None: ...

    def failure(self, tier: RequestTier, message: str) -> None: ...


class Player(Protocol):
    """How a listener plays a stream it has joined: until it is time to leave, patience runs out
    before the first audio, a ping says it was booted, or the stream ends. It records `playing`
    and `stall`; the listener records how it departed (and stops watching when it leaves)."""

    def play(
        self, listener: Listening, stream: Stream
    ) -> Generator[Action, Reply | None, PlayEnd]: ...


@dataclass(frozen=True)
class Refusal:
    """A request that was never sent, and why: it counts as a failed request."""

    tier: RequestTier
    weight: float
    message: str


class Route(Protocol):
    """How a listener's requests reach the service it uses."""

    def address(self, call: Call) -> Call | Refusal:
        """The call as it is sent, or why it may not be."""
        ...

    def locate(self, location: str) -> str | Refusal:
        """A playlist location the API gave, as the player requests it."""
        ...


class StubRoute:
    """The stub: paths as the API gives them, each request weighted by its own cadence."""

    def address(self, call: Call) -> Call | Refusal:
        return call

    def locate(self, location: str) -> str | Refusal:
        return location


def stood_for(
    last_t: float | None, now: float, real_interval_s: float, woken_by_change: bool
) -> float:
    """The real requests a coalesced one stands for: those since the previous one; one if it
    is the first, or if a change woke it (the real clients' requests before the change are
    not charged at once: that would stack every sleeper's interval on one moment)."""
    if last_t is None or woken_by_change:
        return 1.0
    return (now - last_t) / real_interval_s
