"""Listener sessions (start/ping/stop watching), bounded in number, expired in O(expired)."""

from __future__ import annotations

import random
from collections import OrderedDict
from dataclasses import dataclass

__all__ = ["MAX_SESSIONS", "Session", "SessionTable"]

MAX_SESSIONS = 500_000
_MAX_SESSION_ID_CHARS = 32


@dataclass(slots=True)
class Session:
    """One simulated listener watching one Space; it stands for `weight` event listeners."""

    space_index: int
    weight: float
    last_ping_t: float


class SessionTable:
    """Sessions kept in last-ping order, so expiry pops from the front only what expired."""

    def __init__(self, rng: random.Random, max_sessions: int = MAX_SESSIONS) -> None:
        self._rng = rng
        self._max = max_sessions
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._counter = 0

    def __len__(self) -> int:
        return len(self._sessions)

    @property
    def full(self) -> bool:
        return len(self._sessions) >= self._max

    def start(self, space_index: int, weight: float, t: float) -> str:
        """A new session id (check `full` first)."""
        self._counter += 1
        session_id = f"{self._counter:x}{self._rng.getrandbits(32):08x}"
        self._sessions[session_id] = Session(space_index, weight, t)
        return session_id

    def get(self, session_id: str, space_index: int) -> Session | None:
        if len(session_id) > _MAX_SESSION_ID_CHARS:
            return None
        session = self._sessions.get(session_id)
        return session if session is not None and session.space_index == space_index else None

    def ping(self, session_id: str, space_index: int, t: float) -> bool:
        session = self.get(session_id, space_index)
        if session is None:
            return False
        session.last_ping_t = max(session.last_ping_t, t)
        self._sessions.move_to_end(session_id)
        return True

    def stop(self, session_id: str, space_index: int) -> Session | None:
        session = self.get(session_id, space_index)
        if session is not None:
            del self._sessions[session_id]
        return session

    def expire(self, before_t: float) -> list[Session]:
        """Remove sessions whose last ping is older than `before_t`."""
        expired: list[Session] = []
        while self._sessions:
            session_id, session = next(iter(self._sessions.items()))
            if session.last_ping_t >= before_t:
                break
            del self._sessions[session_id]
            expired.append(session)
        return expired

    def drop_space(self, space_index: int) -> list[Session]:
        """Remove every session of a Space (it ended or crashed)."""
        gone = [sid for sid, s in self._sessions.items() if s.space_index == space_index]
        return [self._sessions.pop(sid) for sid in gone]

    def boot(self, space_index: int, fraction: float) -> list[Session]:
        """Remove a random `fraction` of a Space's sessions (rounded at random, unbiased)."""
        candidates = [sid for sid, s in self._sessions.items() if s.space_index == space_index]
        exact = fraction * len(candidates)
        count = min(len(candidates), int(exact + self._rng.random()))
        return [self._sessions.pop(sid) for sid in self._rng.sample(candidates, count)]
