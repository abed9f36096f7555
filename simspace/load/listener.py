"""A simulated listener's whole life as a pure script: arrive, wait for the Space, join, play,
leave — with the scenario's client policy on every failure. Retry storms emerge from here.

How the audio is played once joined is the injected `Player`'s business (the stub's coalesced
polling by default), and how requests reach the service the injected `Route`'s (see
`simspace.load.listening`). States recorded (see docs/metrics.md): arrived, waiting, joining,
playing (first audio), stall, gave_up, booted, space_ended, left, rejoin. Every failed request
records the message the app would have shown.
"""

from __future__ import annotations

import random
from collections.abc import Generator, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, Unpack
from urllib.parse import quote

from simspace.clock import Clock
from simspace.load.actions import Action, Call, Reply, Script, Wait, Watch
from simspace.load.coalesced_player import CoalescedPlayer
from simspace.load.listening import (
    FINAL_DEPARTURES,
    Departure,
    Player,
    Refusal,
    Route,
    Stream,
    StubRoute,
    Watching,
    stood_for,
)
from simspace.load.policy import backoff_s, has_room, over_cap, retryable
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy, Restream
from simspace.wire.observations import ListenerState, RequestTier, StateDetails, StateLine
from simspace.wire.spaces_api import LISTENERS_HEADER, SpaceState, weight_header

SPACE_OVER: tuple[str, ...] = (SpaceState.ENDED, SpaceState.TIMED_OUT, "Canceled")
"""Space states in which the app says the Space has ended (Canceled: a real platform's only).
A tuple, not a set: a real target's metadata may hold anything, hashable or not."""


JoinFailure = Literal["refused", "retry", "full"]
"""Why a join failed: refused (the Space is not running...: the client looks again at its
coalesced cadence), for the moment (overload, a timeout: it tries again at the real one), or
full (its room's listener cap: the client policy's `on_refused` says what next)."""
CAP_REFUSED_STATUS = 403
"""How the platform answers a join its room's listener cap refuses (docs/platform-api.md)."""


class Recorder(Protocol):
    """Where observations go (a file per load process in a run; a list in tests)."""

    def state(self, line: StateLine) -> None: ...

    def failure(self, t: float, tier: RequestTier, message: str, weight: float) -> None: ...


@dataclass
class Listener:
    """One simulated listener standing for `plan.listener_weight` event listeners.

    With `direct_playlist` (a real target without the Spaces API) there is no waiting room to
    poll: the listener plays that playlist as soon as it is there.
    """

    ident: int
    arrival_t: float
    plan: Plan
    client: ClientPolicy
    listening_s: float
    clock: Clock
    recorder: Recorder
    rng: random.Random
    player: Player = field(default_factory=CoalescedPlayer)
    route: Route = field(default_factory=StubRoute)
    direct_playlist: str | None = None
    restreams: Sequence[Restream] = ()

    def script(self) -> Script:
        yield Wait(self.arrival_t)
        self.state("arrived")
        rejoins = 0
        space_id: str | None = None
        while True:
            departure, space_id = yield from self._stay(space_id)
            if departure in FINAL_DEPARTURES:
                return
            if self._goes_to_restream():
                self.state("restreamed")
                return
            # booted or the Space ended: maybe try again, perhaps on a relaunched Space
            policy = self.client.rejoin
            if rejoins >= policy.max_times or self.rng.random() >= policy.probability:
                return
            rejoins += 1
            yield Wait(self.clock.now() + policy.delay)
            self.state("rejoin")
            if departure == "space_ended":
                space_id = None

    # -- what players and routes use ---------------------------------------------------------

    def call(self, call: Call, retry: bool = True) -> Generator[Action, Reply | None, Reply]:
        """One request along the route, with the policy's retries; every failure (a refusal
        too) is recorded with its message."""
        addressed = self.route.address(call)
        if isinstance(addressed, Refusal):
            self._refused(addressed)
            return Reply(0, error=addressed.message)
        policy = self.client.retries
        attempts = policy.attempts if retry else 1
        reply = Reply(0, error="not sent")
        for attempt in range(1, attempts + 1):
            answer = yield addressed
            reply = answer if answer is not None else Reply(0, error="no answer")
            if reply.ok:
                return reply
            self.recorder.failure(
                self.clock.now(), addressed.tier, reply.error_message(), addressed.weight
            )
            if attempt == attempts or not retryable(reply.status):
                break
            yield Wait(self.clock.now() + backoff_s(policy, attempt, self.rng))
        return reply

    def state(self, kind: ListenerState, **details: Unpack[StateDetails]) -> None:
        weight = self.plan.listener_weight
        self.recorder.state(
            StateLine(t=self.clock.now(), id=self.ident, kind=kind, w=weight, **details)
        )

    def failure(self, tier: RequestTier, message: str) -> None:
        """A failure the player found in an answer (an unreadable playlist, a segment that
        expired before its download), as the app would show it."""
        self.recorder.failure(self.clock.now(), tier, message, self.plan.listener_weight)

    # -- one stay: waiting room, join, play ----------------------------------------------------

    def _stay(
        self, space_id: str | None
    ) -> Generator[Action, Reply | None, tuple[Departure, str | None]]:
        if self.direct_playlist is not None:
            return (yield from self._play_directly(self.direct_playlist)), None
        return (yield from self._waiting_room(space_id))

    def _waiting_room(
        self, space_id: str | None
    ) -> Generator[Action, Reply | None, tuple[Departure, str | None]]:
        """Poll the Space's metadata until it runs (then join), it has ended, or patience runs
        out; a join that fails sends the listener back here.

        Each coalesced poll stands for the real polls since the previous one (the first for
        one): the load is what the real clients sent, when they sent it. Between polls the
        listener is woken when a real client would have noticed a change (see `Watch`), and it
        gives up when its patience runs out, not at its next poll."""
        waiting_since = self.clock.now()
        self.state("waiting")
        give_up_t = waiting_since + self.client.patience
        real_s = self.client.metadata_poll_interval
        last_poll_t: float | None = None
        saw_running = False
        woken_by_change = False
        noticing = False  # woken by a change, and no poll has answered since
        while True:
            now = self.clock.now()
            if now >= give_up_t:
                return (yield from self._depart("gave_up", waiting_since, space_id)), space_id
            first_poll = last_poll_t is None
            polls = stood_for(last_poll_t, now, real_s, woken_by_change)
            # Join attempts: one per real poll that found the Space running (1 on noticing it).
            attempts = polls if saw_running else 1.0
            last_poll_t = now
            space_id, metadata = yield from self._look_up(space_id, polls)
            noticing = (noticing or woken_by_change) and not metadata
            space_state = metadata.get("state")
            saw_running = space_state == SpaceState.RUNNING
            if space_state in SPACE_OVER:
                # The app says the Space has ended; whether and when this listener looks again
                # (perhaps finding a relaunch) is the rejoin policy's call.
                return (yield from self._depart("space_ended", waiting_since, space_id)), None
            join_failed: JoinFailure | None = None
            if saw_running and self._waits_for_room(metadata):
                saw_running = False  # it does not try while the room shows full
            elif saw_running:
                media_key = str(metadata.get("media_key"))
                joined = yield from self._join(space_id or "", media_key, waiting_since, attempts)
                if joined == "full":
                    gone, space_id = yield from self._room_full(waiting_since, space_id)
                    if gone is not None:
                        return gone, space_id
                    join_failed = "retry" if self.client.on_refused == "overflow" else "refused"
                elif joined == "refused" or joined == "retry":  # noqa: PLR1714 (mypy narrows ==)
                    join_failed = joined
                else:
                    return joined, space_id
            # a join that failed for the moment, or a failed poll after a change: look again
            # as soon as a real client would
            retry_soon = join_failed == "retry" or noticing
            fresh = first_poll or woken_by_change
            until_t = min(now + self._poll_step_s(retry_soon, fresh), give_up_t)
            yield Watch(until_t, now, self.rng.uniform(0.0, real_s))
            woken_by_change = self.clock.now() < until_t

    def _waits_for_room(self, metadata: dict[str, object]) -> bool:
        """With `on_refused: wait`, the app does not try to join while the metadata shows no
        room under the cap for the listeners it stands for."""
        if self.client.on_refused != "wait":
            return False
        cap, listeners = metadata.get("listener_cap"), metadata.get("total_live_listeners")
        return over_cap(cap, listeners, self.plan.listener_weight)

    def _room_full(
        self, waiting_since: float, space_id: str | None
    ) -> Generator[Action, Reply | None, tuple[Departure | None, str | None]]:
        """The room's cap refused the join: a restream may take the listener, else the client
        policy says: give up, look for an overflow room with room, or stay and try again.
        Returns how the stay ended (None: it goes on) and the Space to try next."""
        if self._goes_to_restream():
            return (yield from self._depart("restreamed", waiting_since, space_id)), space_id
        policy = self.client.on_refused
        if policy == "give_up":
            return (yield from self._depart("gave_up", waiting_since, space_id)), space_id
        if policy == "overflow":
            room = yield from self._overflow_room(space_id)
            return None, room or space_id
        return None, space_id

    def _overflow_room(self, space_id: str | None) -> Generator[Action, Reply | None, str | None]:
        """Ask where to go: the first open overflow room (other than this one) under its cap,
        else back to the main room (whose cap may be raised); None if the answer failed."""
        reply = yield from self.call(
            Call("GET", "/api/spaces/live", "api", "api: live space", self.plan.listener_weight)
        )
        if not reply.ok:
            return None
        live = reply.json()
        rooms = live.get("rooms")
        for room in rooms if isinstance(rooms, list) else []:
            if (
                isinstance(room, dict)
                and has_room(room, self.plan.listener_weight)
                and room.get("space_id") != space_id
            ):
                return str(room.get("space_id"))
        return str(live.get("space_id") or "") or None

    def _goes_to_restream(self) -> bool:
        """Whether the listener leaves for a restream open now (each tried in turn)."""
        now = self.clock.now()
        return any(
            restream.opens_at <= now and self.rng.random() < restream.share
            for restream in self.restreams
        )

    def _poll_step_s(self, retry_soon: bool, fresh: bool) -> float:
        """Until the next poll: the real interval after a join that failed for the moment, or
        a poll that failed after a change woke the listener (overload, a timeout: the client
        tries again at its next poll, and coalescing must not delay its getting in); else the
        coalesced interval, starting at a random phase on arrival and after a change
        (listeners woken together do not poll in lumps)."""
        rng = self.rng
        if retry_soon:
            return self.client.metadata_poll_interval * rng.uniform(0.8, 1.2)
        step_s = self.plan.metadata_poll.wall_interval_s * self.clock.speedup
        return step_s * (rng.random() if fresh else rng.uniform(0.8, 1.2))

    def _look_up(
        self, space_id: str | None, polls: float
    ) -> Generator[Action, Reply | None, tuple[str | None, dict[str, object]]]:
        """The live Space (unless known) and its metadata ({} if it could not be read), each
        request standing for `polls` real ones."""
        weight = self.plan.listener_weight * polls
        if space_id is None:
            reply = yield from self.call(
                Call("GET", "/api/spaces/live", "api", "api: live space", weight)
            )
            space_id = str(reply.json().get("space_id") or "") or None if reply.ok else None
        if space_id is None:
            return None, {}
        reply = yield from self.call(
            Call("GET", f"/api/spaces/{space_id}", "api", "api: space metadata", weight)
        )
        return space_id, _metadata(reply) if reply.ok else {}

    def _join(
        self, space_id: str, media_key: str, waiting_since: float, attempts: float
    ) -> Generator[Action, Reply | None, Departure | JoinFailure]:
        """Stream status, start watching, then play; how the stay ended, or how the join
        failed (the listener is back in the waiting room). The requests stand for `attempts`
        real join attempts; the session registers the listeners this one stands for."""
        w = self.plan.listener_weight
        self.state("joining")
        joined_at = self.clock.now()
        status_path = f"/api/live_video_stream/status/{media_key}"
        status = yield from self.call(
            Call("GET", status_path, "api", "api: stream status", w * attempts)
        )
        if not status.ok:
            self.state("waiting")
            return _join_failure(status)
        location = str(status.json().get("source", {}).get("location", ""))
        start_path = f"/api/spaces/{space_id}/watching/start"
        session_of_w = {LISTENERS_HEADER: weight_header(w)}
        start = yield from self.call(
            Call("POST", start_path, "api", "api: start watching", w * attempts, session_of_w)
        )
        if not start.ok or not location:
            self.state("waiting")
            return "full" if start.status == CAP_REFUSED_STATUS else _join_failure(start)
        located = self.route.locate(location)
        if isinstance(located, Refusal):
            self._refused(located)
            self.state("waiting")
            return "refused"
        watching = _watching(space_id, str(start.json().get("session_id", "")))
        end = yield from self.player.play(self, Stream(located, joined_at, waiting_since, watching))
        if end == "stream_failed":
            self.state("waiting")
            return "retry"
        departure: Departure = "space_ended" if end == "stream_gone" else end
        return (yield from self._depart(departure, waiting_since, space_id, watching))

    def _play_directly(self, playlist: str) -> Generator[Action, Reply | None, Departure]:
        """Without the Spaces API: look for the playlist, as the app would, every metadata poll
        interval until it plays or patience runs out."""
        waiting_since = self.clock.now()
        self.state("waiting")
        self.state("joining")
        give_up_at = waiting_since + self.client.patience
        stream = Stream(playlist, waiting_since, waiting_since, watching=None)
        while True:
            match (yield from self.player.play(self, stream)):
                case "stream_gone" | "stream_failed":
                    pass  # not there yet (or failing): look again until patience runs out
                case departure:
                    return (yield from self._depart(departure, waiting_since, None))
            retry_at = self.clock.now() + self.client.metadata_poll_interval * self.rng.uniform(
                0.8, 1.2
            )
            if retry_at >= give_up_at:
                yield Wait(give_up_at)
                return (yield from self._depart("gave_up", waiting_since, None))
            yield Wait(retry_at)

    def _depart(
        self,
        departure: Departure,
        waiting_since: float,
        space_id: str | None,
        watching: Watching | None = None,
    ) -> Generator[Action, Reply | None, Departure]:
        """Record how the stay ended; a listener who leaves first stops watching."""
        if departure == "left" and watching is not None:
            stop = Call(
                "POST", watching.stop_path, "api", "api: stop watching", self.plan.listener_weight
            )
            yield from self.call(stop)
        if departure == "gave_up":
            self.state("gave_up", waited_s=self.clock.now() - waiting_since)
        elif departure == "left" or space_id is None:
            self.state(departure)
        else:
            self.state(departure, space=space_id)
        return departure

    def _refused(self, refusal: Refusal) -> None:
        self.recorder.failure(self.clock.now(), refusal.tier, refusal.message, refusal.weight)


def _join_failure(reply: Reply) -> JoinFailure:
    return "retry" if retryable(reply.status) else "refused"


def _watching(space_id: str, session_id: str) -> Watching:
    # Ids come from the platform's answers: quoted, they stay one path segment or query value.
    api = f"/api/spaces/{quote(space_id, safe='')}/watching/"
    query = f"?session_id={quote(session_id, safe='')}"
    return Watching(space_id, f"{api}ping{query}", f"{api}stop{query}")


def _metadata(reply: Reply) -> dict[str, object]:
    data = reply.json().get("data", {})
    space = data.get("audioSpace", {}) if isinstance(data, dict) else {}
    meta = space.get("metadata", {}) if isinstance(space, dict) else {}
    return meta if isinstance(meta, dict) else {}
