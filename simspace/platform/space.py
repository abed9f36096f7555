"""A Space incarnation: its ids, host, state machine and the times the reporter needs."""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from simspace.platform.stream import SpaceStream
from simspace.wire.ground_truth import SpaceSnapshot
from simspace.wire.spaces_api import SpaceState

__all__ = ["STATE_CODES", "SpaceIncarnation", "SpaceState", "new_media_key", "new_space_id"]

_ID_ALPHABET = string.ascii_letters + string.digits


STATE_CODES: tuple[SpaceState, ...] = tuple(SpaceState)


def new_space_id(rng: random.Random) -> str:
    """13 characters like real Space ids (`1YqJDqWqOrXJV`), from the seeded generator."""
    return "1" + "".join(rng.choice(_ID_ALPHABET) for _ in range(12))


def new_media_key(rng: random.Random) -> str:
    """`28_` and 19 digits, the shape of a Periscope media key."""
    return "28_" + str(rng.randrange(10**18, 10**19))


@dataclass(slots=True)
class SpaceIncarnation:
    """One Space incarnation (1 = the first, 2 = the first relaunch...)."""

    index: int
    space_id: str
    media_key: str
    host: str
    title: str
    created_t: float
    state: SpaceState = SpaceState.NOT_STARTED
    running_t: float | None = None
    ended_t: float | None = None
    end_cause: str | None = None
    listeners: float = 0.0
    sessions: int = 0
    peak_listeners: float = 0.0
    room: str = "main"
    """main, or the overflow room it is (relaying the main Space `relays`)."""
    relays: int | None = None
    refused_listeners: float = 0.0
    """Event-scale join attempts its room's listener cap refused."""
    stream: SpaceStream | None = field(default=None, repr=False)

    def add_listeners(self, weight: float, sessions: int) -> None:
        self.listeners = max(0.0, self.listeners + weight)
        self.sessions = max(0, self.sessions + sessions)
        if self.sessions == 0:
            self.listeners = 0.0  # no float residue once everyone left
        self.peak_listeners = max(self.peak_listeners, self.listeners)

    def snapshot(self) -> SpaceSnapshot:
        return SpaceSnapshot(
            index=self.index,
            space_id=self.space_id,
            media_key=self.media_key,
            host=self.host,
            state=self.state.value,
            created_at=self.created_t,
            running_at=self.running_t,
            ended_at=self.ended_t,
            end_cause=self.end_cause,
            listeners=self.listeners,
            sessions=self.sessions,
            peak_listeners=self.peak_listeners,
            room=self.room,
            refused_listeners=self.refused_listeners,
        )
