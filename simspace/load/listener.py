"""A simulated listener's whole life as a pure script: arrive, wait for the Space, join, play,
leave — with the scenario's client policy on every failure. Retry storms emerge from here.

States recorded (see docs/metrics.md): arrived, waiting, joining, playing (first audio), stall,
gave_up, booted, space_ended, left, rejoin. Every failed request records the message the app
would have shown.
"""

from __future__ import annotations

import random
import re
from collections.abc import Generator
from dataclasses import dataclass
from typing import Protocol, Unpack

from simspace.clock import Clock
from simspace.load.actions import Call, Reply, Script, Wait
from simspace.load.policy import backoff_s, retryable
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy
from simspace.wire.observations import ListenerState, RequestTier, SpeakerState, StateDetails

_MEDIA_SEQUENCE = re.compile(rb"#EXT-X-MEDIA-SEQUENCE:(\d+)")


class Recorder(Protocol):
    """Where observations go (a file per load process in a run; a list in tests)."""

    def state(
        self,
        t: float,
        listener: int,
        kind: ListenerState | SpeakerState,
        weight: float,
        details: StateDetails | None = None,
    ) -> None: ...

    def failure(self, t: float, tier: RequestTier, message: str, weight: float) -> None: ...


@dataclass
class Listener:
    """One simulated listener standing for `plan.listener_weight` event listeners."""

    ident: int
    arrival_t: float
    plan: Plan
    client: ClientPolicy
    listening_s: float
    clock: Clock
    recorder: Recorder
    rng: random.Random

    def script(self) -> Script:
        yield Wait(self.arrival_t)
        self._state("arrived")
        rejoins = 0
        space_id: str | None = None
        while True:
            outcome, space_id = yield from self._session(space_id)
            if outcome in ("gave_up", "left"):
                return
            # booted or the Space ended: maybe try again, perhaps on a relaunched Space
            policy = self.client.rejoin
            if rejoins >= policy.max_times or self.rng.random() >= policy.probability:
                return
            rejoins += 1
            yield Wait(self.clock.now() + policy.delay)
            self._state("rejoin")
            if outcome == "space_ended":
                space_id = None

    # -- one attempt at listening: waiting room, join, play --------------------------------------

    def _session(
        self, space_id: str | None
    ) -> Generator[Call | Wait, Reply | None, tuple[str, str | None]]:
        waiting_since = self.clock.now()
        self._state("waiting")
        poll = self.plan.metadata_poll
        next_poll = waiting_since
        while True:
            if self.clock.now() - waiting_since > self.client.patience:
                self._state("gave_up", waited_s=self.clock.now() - waiting_since)
                return "gave_up", space_id
            if space_id is None:
                reply = yield from self._call(
                    Call("GET", "/api/spaces/live", "api", "api: live space", poll.weight)
                )
                space_id = str(reply.json().get("space_id") or "") or None if reply.ok else None
            metadata: dict[str, object] = {}
            if space_id is not None:
                reply = yield from self._call(
                    Call(
                        "GET", f"/api/spaces/{space_id}", "api", "api: space metadata", poll.weight
                    )
                )
                if reply.ok:
                    metadata = _metadata(reply)
            state = metadata.get("state")
            if state in ("Ended", "TimedOut", "Canceled"):
                # The app says the Space has ended; whether and when this listener looks again
                # (perhaps finding a relaunch) is the rejoin policy's call.
                self._state("space_ended", space=space_id)
                return "space_ended", None
            if state == "Running":
                outcome = yield from self._join_and_play(
                    space_id or "", str(metadata.get("media_key")), waiting_since
                )
                if outcome != "join_failed":
                    return outcome, space_id
            next_poll += poll.wall_interval_s * self.clock.speedup * self.rng.uniform(0.8, 1.2)
            yield Wait(max(next_poll, self.clock.now()))

    def _join_and_play(
        self, space_id: str, media_key: str, waiting_since: float
    ) -> Generator[Call | Wait, Reply | None, str]:
        w = self.plan.listener_weight
        self._state("joining")
        joined_at = self.clock.now()
        status = yield from self._call(
            Call(
                "GET", f"/api/live_video_stream/status/{media_key}", "api", "api: stream status", w
            )
        )
        if not status.ok:
            self._state("waiting")
            return "join_failed"
        location = str(status.json().get("source", {}).get("location", ""))
        start = yield from self._call(
            Call("POST", f"/api/spaces/{space_id}/watching/start", "api", "api: start watching", w)
        )
        if not start.ok or not location:
            self._state("waiting")
            return "join_failed"
        session = str(start.json().get("session_id", ""))
        return (yield from self._play(space_id, location, session, joined_at, waiting_since))

    def _play(
        self, space_id: str, location: str, session: str, joined_at: float, waiting_since: float
    ) -> Generator[Call | Wait, Reply | None, str]:
        """Reload the playlist and fetch new audio until leaving, booted or the Space ends.

        One coalesced reload stands for all the reloads a real player made in its interval:
        if it succeeds they did, and playback went on; if it fails they did too, and playback
        stalls once the player's holdback (three segments) has run out.
        """
        w = self.plan.listener_weight
        reload, ping = self.plan.playlist_poll, self.plan.ping
        segment_s = self.plan.segment_duration_s
        holdback_s = 3 * segment_s
        base = location.rsplit("/", 1)[0]
        last_seq, first_audio_t, last_audio_t = -1, None, self.clock.now()
        stalled_since: float | None = None
        leave_at: float | None = None
        # Pings go out at the coalesced cadence their weight was computed for.
        ping_every_s = ping.wall_interval_s * self.clock.speedup
        next_ping = self.clock.now() + ping_every_s
        stop_path = f"/api/spaces/{space_id}/watching/stop?session_id={session}"
        ping_path = f"/api/spaces/{space_id}/watching/ping?session_id={session}"
        while True:
            if leave_at is not None and self.clock.now() >= leave_at:
                yield from self._call(Call("POST", stop_path, "api", "api: stop watching", w))
                self._state("left")
                return "left"
            playlist = yield from self._call(
                Call("GET", location, "cdn", "cdn: playlist", reload.weight), retry=False
            )
            if playlist.status in (404, 410) or (
                playlist.ok and b"#EXT-X-ENDLIST" in playlist.body
            ):
                self._state("space_ended", space=space_id)
                return "space_ended"
            newest = _newest_chunk(playlist.body) if playlist.ok else None
            got_audio = False
            if newest is not None and newest[0] > last_seq:
                seq, chunk = newest
                fresh = 1 if last_seq < 0 else seq - last_seq
                got = yield from self._call(
                    Call("GET", f"{base}/{chunk}", "cdn", "cdn: chunk", w * fresh), retry=False
                )
                if got.ok:
                    last_seq, got_audio = seq, True
            now = self.clock.now()
            if got_audio:
                if stalled_since is not None:
                    self._state("stall", stall_s=now - stalled_since)
                    stalled_since = None
                last_audio_t = now
                if first_audio_t is None:
                    first_audio_t = now
                    leave_at = now + self.listening_s
                    self._state("playing", ttfa_s=now - joined_at, waited_s=now - waiting_since)
            elif (
                first_audio_t is not None
                and stalled_since is None
                and (now - last_audio_t > holdback_s)
            ):
                stalled_since = last_audio_t + holdback_s
            if first_audio_t is None and now - waiting_since > self.client.patience:
                self._state("gave_up", waited_s=now - waiting_since)
                return "gave_up"
            if now >= next_ping:
                next_ping = now + ping_every_s
                pong = yield from self._call(
                    Call("POST", ping_path, "api", "api: ping watching", ping.weight), retry=False
                )
                if pong.status == 410:
                    self._state("booted", space=space_id)
                    return "booted"
            step = reload.wall_interval_s * self.clock.speedup * self.rng.uniform(0.9, 1.1)
            yield Wait(self.clock.now() + step)

    # -- helpers ---------------------------------------------------------------------------------

    def _call(self, call: Call, retry: bool = True) -> Generator[Call | Wait, Reply | None, Reply]:
        """One request with the policy's retries; every failure is recorded with its message."""
        policy = self.client.retries
        attempts = policy.attempts if retry else 1
        reply = Reply(0, error="not sent")
        for attempt in range(1, attempts + 1):
            answer = yield call
            reply = answer if answer is not None else Reply(0, error="no answer")
            if reply.ok:
                return reply
            self.recorder.failure(self.clock.now(), call.tier, reply.error_message(), call.weight)
            if attempt == attempts or not retryable(reply.status):
                break
            yield Wait(self.clock.now() + backoff_s(policy, attempt, self.rng))
        return reply

    def _state(self, kind: ListenerState, **details: Unpack[StateDetails]) -> None:
        self.recorder.state(self.clock.now(), self.ident, kind, self.plan.listener_weight, details)


def _metadata(reply: Reply) -> dict[str, object]:
    data = reply.json().get("data", {})
    space = data.get("audioSpace", {}) if isinstance(data, dict) else {}
    meta = space.get("metadata", {}) if isinstance(space, dict) else {}
    return meta if isinstance(meta, dict) else {}


def _newest_chunk(playlist: bytes) -> tuple[int, str] | None:
    """(sequence, uri) of the last segment in a media playlist."""
    match = _MEDIA_SEQUENCE.search(playlist)
    uris = [
        line
        for line in playlist.decode("ascii", "replace").splitlines()
        if line and not line.startswith("#")
    ]
    if match is None or not uris:
        return None
    return int(match[1]) + len(uris) - 1, uris[-1]
