"""What a simulated client asks its driver to do, and what it gets back.

Client behaviour is written as plain generators that yield `Call` or `Wait` and receive a
`Reply`: pure code with no HTTP library and no gevent, driven by Locust in the load process and
by a fake driver in tests.
"""

from __future__ import annotations

import json
from collections.abc import Generator
from dataclasses import dataclass, field
from typing import Any, Literal

from simspace.wire.observations import RequestTier as Tier


@dataclass(frozen=True)
class Call:
    """One HTTP request."""

    method: Literal["GET", "POST"]
    path: str
    tier: Tier
    name: str
    weight: float
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Wait:
    """Sleep until this event time."""

    until_t: float


@dataclass(frozen=True)
class Watch:
    """Sleep until `until_t`, unless a Space changes (is created, goes live, ends, or its
    listener cap changes) after `since_t`: then resume `phase_s` after that change, if that is
    earlier. A simulated client standing for many polls is woken when one of the real clients
    it stands for, polling every `phase_s`-long interval, would have noticed: coalescing then
    never delays what a client notices by more than one real poll interval. The driver tells
    only that something changed; what changed the client learns from its own next request.
    """

    until_t: float
    since_t: float
    phase_s: float

    def wake_t(self, changed_at: float | None, now: float) -> float:
        """When to resume, given the latest change a driver knows of (None: none yet)."""
        if changed_at is None or changed_at <= self.since_t:
            return self.until_t
        return max(now, min(self.until_t, changed_at + self.phase_s))


@dataclass(frozen=True)
class Reply:
    """What came back: status 0 means no answer (connection error or client timeout)."""

    status: int
    body: bytes = b""
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> dict[str, Any]:
        try:
            value = json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            return {}
        return value if isinstance(value, dict) else {}

    def error_message(self) -> str:
        """The platform's error text, as the app would show it."""
        errors = self.json().get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            return str(errors[0].get("message", ""))
        return self.error or f"HTTP {self.status}"


Action = Call | Wait | Watch
"""What a script may ask of its driver."""
Script = Generator[Action, Reply | None, None]
