"""A fake driver and platform for running client scripts without HTTP, on a fake clock."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import cast

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply, Script, Wait, Watch
from simspace.wire.observations import RequestTier, StateDetails, StateLine

Responder = Callable[[Call, float], Reply]


@dataclass
class ListRecorder:
    states: list[tuple[float, int, str, StateDetails]] = field(default_factory=list)
    failures: list[tuple[float, str, str, float]] = field(default_factory=list)

    def state(self, line: StateLine) -> None:
        fields = line.model_dump(include=set(StateDetails.__annotations__), exclude_none=True)
        self.states.append((line.t, line.id, line.kind, cast(StateDetails, fields)))

    def failure(self, t: float, tier: RequestTier, message: str, weight: float) -> None:
        self.failures.append((t, tier, message, weight))

    def kinds(self) -> list[str]:
        return [kind for _, _, kind, _ in self.states]


def drive(
    script: Script,
    clock: FakeClock,
    respond: Responder,
    limit: int = 100_000,
    changes: Sequence[float] | None = None,
) -> list[Call]:
    """Run a script to its end; each call takes `latency` 0 and Waits move the fake clock.
    A Watch wakes at the first of `changes` (default: the responder's, if it has them) after
    its `since_t`, as a driver that is told of them would."""
    calls: list[Call] = []
    known = sorted(changes if changes is not None else getattr(respond, "changes", ()))
    action = next(script)
    for _ in range(limit):
        reply: Reply | None = None
        if isinstance(action, Wait):
            clock.t = max(clock.t, action.until_t)
        elif isinstance(action, Watch):
            watch = action
            change = next((c for c in known if watch.since_t < c <= watch.until_t), None)
            clock.t = max(clock.t, watch.wake_t(change, clock.t))
        else:
            calls.append(action)
            reply = respond(action, clock.t)
        try:
            action = script.send(reply)
        except StopIteration:
            return calls
    raise AssertionError("script did not end")


def ok(body: dict[str, object]) -> Reply:
    return Reply(200, json.dumps(body).encode())


def error(status: int, message: str, code: str) -> Reply:
    return Reply(status, json.dumps({"errors": [{"message": message, "code": code}]}).encode())


def playlist(sequence: int, ended: bool = False) -> Reply:
    lines = ["#EXTM3U", "#EXT-X-TARGETDURATION:3", f"#EXT-X-MEDIA-SEQUENCE:{sequence}"]
    for seq in range(sequence, sequence + 3):
        lines += ["#EXTINF:3.008,", f"chunk_{seq}_{seq}_a.aac"]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return Reply(200, ("\n".join(lines) + "\n").encode())


@dataclass
class FakeSpaces:
    """A tiny platform: the Space goes live at `live_at`; optional failures by path prefix."""

    live_at: float
    ends_at: float = 1e9
    fail: Callable[[Call, float], Reply | None] = lambda call, t: None
    booted_at: float = 1e9

    @property
    def changes(self) -> tuple[float, ...]:
        """When the Space changes: it goes live, it ends."""
        return (self.live_at, self.ends_at)

    def __call__(self, call: Call, t: float) -> Reply:
        failed = self.fail(call, t)
        if failed is not None:
            return failed
        state = (
            "Running"
            if self.live_at <= t < self.ends_at
            else ("Ended" if t >= self.ends_at else "NotStarted")
        )
        path = call.path
        if path == "/api/spaces/live":
            return ok({"space_id": "s1", "media_key": "m1", "host": "musk", "state": state})
        if path == "/api/spaces/s1":
            meta = {"rest_id": "s1", "state": state, "media_key": "m1"}
            return ok({"data": {"audioSpace": {"metadata": meta}}})
        if path.startswith("/api/live_video_stream/status/"):
            return ok({"source": {"location": "/hls/m1/dynamic_playlist.m3u8"}})
        if path.endswith("/watching/start"):
            return ok({"session_id": "x"})
        if "/watching/ping" in path:
            if t >= self.booted_at:
                return error(410, "This Space is not available", "booted")
            return ok({"ok": True})
        if "/watching/stop" in path:
            return ok({"ok": True})
        if path.endswith(".m3u8"):
            return playlist(int(max(t - self.live_at, 0) // 3), ended=t >= self.ends_at)
        if path.endswith(".aac"):
            return Reply(200, b"\xff\xf1" + b"\0" * 100)
        return error(404, "This Space is not available", "not_found")
