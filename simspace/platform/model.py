"""The stub platform's dynamics: tiers, Spaces, sessions, rules and actions on the event clock.

Pure and deterministic: no I/O, event time read from the injected clock, randomness from one
seeded generator. `PlatformApi` (api.py) adds the endpoint operations on top.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from zoneinfo import ZoneInfo

from simspace.clock import Clock
from simspace.platform.ledger import Ledger
from simspace.platform.listeners import MAX_SESSIONS, Session, SessionTable
from simspace.platform.rules import fire_rule
from simspace.platform.schedule import AttackEdge, RuleWatch, Schedule, Timed
from simspace.platform.space import SpaceIncarnation, SpaceState, new_media_key, new_space_id
from simspace.platform.stream import SpaceStream
from simspace.platform.tier import UTILISATION_WINDOW_S, TierModel
from simspace.platform.timeline import REASONS, SUMS, TimelineRecorder
from simspace.scenario.model import Scenario
from simspace.scenario.platform import (
    MAIN_ROOM,
    CapListeners,
    EndSpace,
    Flood,
    OpenRoom,
    RateLimit,
    RestartSpace,
    SetCapacity,
)
from simspace.wire.ground_truth import LedgerDump, PlatformState, TierState, TimelineDump

__all__ = ["PlatformModel", "event_epoch_unix_s"]


def event_epoch_unix_s(scenario: Scenario) -> float:
    """Unix time of event time 0: the scheduled start in the event's time zone."""
    event = scenario.event
    start = datetime.combine(event.date, event.scheduled_start, tzinfo=ZoneInfo(event.time_zone))
    return start.timestamp()


class PlatformModel:
    """State and dynamics. Space 1 exists from construction, NotStarted, hosted by the host."""

    def __init__(
        self,
        scenario: Scenario,
        clock: Clock,
        *,
        seed: int | None = None,
        max_sessions: int = MAX_SESSIONS,
        session_timeout_s: float | None = None,
        utilisation_window_s: float | None = None,
    ) -> None:
        self.scenario = scenario
        # A compressed run pings only as often as its coalesced cadence allows: the plan may
        # lengthen the expiry horizon so that living listeners are never expired between pings.
        self.session_timeout_s = max(scenario.platform.ping_timeout, session_timeout_s or 0.0)
        self.clock = clock
        self.errors = scenario.platform.errors
        self._rng = random.Random(scenario.simulation.seed if seed is None else seed)
        t = clock.now()
        self.t = t
        self.epoch_unix_s = event_epoch_unix_s(scenario)
        # A compressed run's requests come in coalesced lumps: utilisation is measured over
        # the plan's coalescing interval, as smooth as the real traffic it stands for.
        window_s = max(UTILISATION_WINDOW_S, round(utilisation_window_s or 0.0))
        self.tiers: dict[str, TierModel] = {
            name: TierModel(name, spec, t, random.Random(self._rng.getrandbits(64)), window_s)
            for name, spec in scenario.platform.tiers.items()
        }
        self.timeline = TimelineRecorder(
            scenario.window.start, scenario.window.end, list(self.tiers)
        )
        self.ledger = Ledger()
        self.sessions = SessionTable(random.Random(self._rng.getrandbits(64)), max_sessions)
        self.caps: dict[str, float | None] = {MAIN_ROOM: scenario.platform.listener_cap}
        """Each room's listener cap now (None: uncapped)."""
        self.caps.update({room.id: room.cap_listeners for room in scenario.platform.rooms})
        self._open_rooms: dict[str, SpaceIncarnation] = {}  # overflow room -> its newest Space
        self.changes = 0
        """How many times a Space was created, went live or ended, or the cap changed: what a
        waiting client would notice (simulated clients are woken by it, see `load.actions`)."""
        self.changed_at: float | None = None
        self.spaces: list[SpaceIncarnation] = []
        self._live_spaces: list[SpaceIncarnation] = []  # not over yet: sampled at every tick
        self._by_id: dict[str, SpaceIncarnation] = {}
        self._by_media_key: dict[str, SpaceIncarnation] = {}
        self._speakers = {s.id: s for s in scenario.speakers}
        self._schedule = Schedule(list(scenario.operator_actions), list(scenario.attacks))
        self._floods: dict[str, list[Flood]] = {name: [] for name in self.tiers}
        self._rules = [RuleWatch(rule) for rule in scenario.platform.failure_rules]
        self._next_tick = math.ceil(t)
        # Space 1 and its caps date from the window's start at the earliest: the stub's process
        # starts a few wall seconds before the run's clock reaches the window (its startup
        # margin), minutes of event time at speedup 48.
        opened_t = max(t, scenario.window.start)
        self._main = self._create_space(opened_t, scenario.host.id)
        for room, cap in self.caps.items():
            if cap is not None:
                self.ledger.event(opened_t, "listener_cap", room=room, listeners=cap)

    # --- lookups --------------------------------------------------------------------------

    @property
    def current(self) -> SpaceIncarnation:
        """The main room's newest Space incarnation (what `/api/spaces/live` answers)."""
        return self._main

    @property
    def listener_cap(self) -> float | None:
        """The main room's listener cap now."""
        return self.caps[MAIN_ROOM]

    def open_overflow_rooms(self) -> list[SpaceIncarnation]:
        """The overflow rooms open now (relaying the main Space), in the scenario's order."""
        return [
            space
            for space in self._open_rooms.values()
            if space.relays == self._main.index and not space.state.is_over
        ]

    def space(self, space_id: str) -> SpaceIncarnation | None:
        return self._by_id.get(space_id)

    def space_by_media_key(self, media_key: str) -> SpaceIncarnation | None:
        return self._by_media_key.get(media_key)

    def is_priority(self, speaker_id: str | None) -> bool:
        speaker = self._speakers.get(speaker_id) if speaker_id else None
        return speaker is not None and speaker.priority

    def is_speaker(self, speaker_id: str | None) -> bool:
        return speaker_id is not None and speaker_id in self._speakers

    # --- time -----------------------------------------------------------------------------

    def advance(self) -> float:
        """Bring everything up to the clock's event time (never backwards); returns it."""
        t = max(self.t, self.clock.now())
        if t < self._next_tick and t < self._schedule.next_t:
            self.t = t  # the common case between ticks: tiers move when charged (`move_tier`)
            return t
        while self._next_tick <= t:
            tick = self._next_tick
            self._run_until(tick)
            self._tick(tick)
            self._next_tick = tick + 1
        self._run_until(t)
        self.t = t
        return t

    def sync(self) -> float:
        """`advance()`, and every tier drained up to now too (for views of the whole state)."""
        t = self.advance()
        self._move_tiers(t)
        return t

    def _run_until(self, t: float) -> None:
        while (entry := self._schedule.pop_due(t)) is not None:
            at = max(entry.t, self.t)
            self._move_tiers(at)
            self._apply(entry, at)
        self._move_tiers(t)

    def _move_tiers(self, t: float) -> None:
        for name in self.tiers:
            self.move_tier(name, t)

    def move_tier(self, name: str, t: float) -> TierModel:
        """Drain one tier up to t (within the current second), booking any attack inflow."""
        tier = self.tiers[name]
        if not tier.attack_rps:
            tier.drain(t)
            return tier
        t0 = tier.t
        attack, rejected = tier.advance(t)
        if attack:
            self.timeline.add(name, t0, "attack_offered", attack)
            for flood in self._floods[name]:
                self.ledger.failure(
                    "attack", flood.id, name, t0, flood.rate_rps * (t - t0), count=0
                )
        if rejected:
            self.timeline.add(name, t0, "attack_rejected", rejected)
            self.ledger.failure("attack_rejection", "overload", name, t0, rejected, count=0)
        return tier

    def _tick(self, t: float) -> None:
        utilisation = {}
        for name, tier in self.tiers.items():
            utilisation[name] = u = tier.utilisation(t)
            self.timeline.sample_tier(name, t, u, tier.backlog, tier.capacity_rps)
        for watch in self._rules:
            if watch.check(t, utilisation[watch.rule.when.tier]):
                fire_rule(self, watch, t)
        expired = self.sessions.expire(t - self.session_timeout_s)
        if expired:
            weight = self.drop_sessions(expired)
            self.ledger.failure("session", "expired", None, t, weight, count=len(expired))
        for space in self._live_spaces:
            self.timeline.sample_space(space.index, t, space.listeners, space.state)

    # --- rules and actions ----------------------------------------------------------------

    def _apply(self, entry: Timed, t: float) -> None:
        item = entry.item
        if isinstance(item, AttackEdge):
            self._attack_edge(item, t)
            return
        details = item.model_dump(mode="json", exclude={"sources", "at"})
        self.ledger.event(t, "operator_action", scheduled_at=item.at, **details)
        if isinstance(item, CapListeners):
            self.caps[item.room] = item.listeners
            self.ledger.event(t, "listener_cap", room=item.room, listeners=item.listeners)
            if self.current.state is SpaceState.RUNNING:
                self._changed(t)  # news only to those refused by the cap
        elif isinstance(item, OpenRoom):
            self.open_room(item.room, t, "operator")
        elif isinstance(item, SetCapacity):
            self.tiers[item.tier].set_capacity(item.capacity_rps)
        elif isinstance(item, RateLimit):
            self.tiers[item.tier].set_rate_limit(item.rate_rps, t)
        elif isinstance(item, RestartSpace):
            if not self.current.state.is_over:
                self.end_space(self.current, t, "restart_space")
            self._create_space(t, item.host)
        elif isinstance(item, EndSpace) and not self.current.state.is_over:
            self.end_space(self.current, t, "end_space")

    def _attack_edge(self, edge: AttackEdge, t: float) -> None:
        flood = edge.flood
        floods = self._floods[flood.tier]
        if edge.starts:
            floods.append(flood)
        elif flood in floods:
            floods.remove(flood)
        self.tiers[flood.tier].attack_rps = sum(f.rate_rps for f in floods)
        kind = "attack_started" if edge.starts else "attack_ended"
        self.ledger.event(t, kind, attack=flood.id, tier=flood.tier, rate_rps=flood.rate_rps)

    # --- Spaces and sessions --------------------------------------------------------------

    def _changed(self, t: float) -> None:
        self.changes += 1
        self.changed_at = t

    def open_room(self, room: str, t: float, cause: str) -> SpaceIncarnation | None:
        """Open an overflow room for the main Space (live with it); None if it is open already
        or the main Space is over (there is nothing to relay)."""
        main = self._main
        existing = self._open_rooms.get(room)
        if main.state.is_over or (
            existing is not None and existing.relays == main.index and not existing.state.is_over
        ):
            return None
        space = self._create_space(t, main.host, room=room, relays=main.index)
        self._open_rooms[room] = space
        self.ledger.event(t, "room_opened", room=room, space=space.index, cause=cause)
        if main.state is SpaceState.RUNNING:
            self.start_space(space, t, cause="room_opened")
        return space

    def room_full(self, space: SpaceIncarnation, t: float) -> None:
        """A join was refused for `space`'s cap: count it, and open the next overflow room the
        platform opens by itself when full (if any is left closed)."""
        opened = {s.room for s in self.open_overflow_rooms()}
        for room in self.scenario.platform.rooms:
            if room.opens == "when_full" and room.id not in opened:
                self.open_room(room.id, t, f"{space.room}_full")
                return

    def _create_space(
        self, t: float, host: str, room: str = MAIN_ROOM, relays: int | None = None
    ) -> SpaceIncarnation:
        space_id = new_space_id(self._rng)
        while space_id in self._by_id:
            space_id = new_space_id(self._rng)
        media_key = new_media_key(self._rng)
        while media_key in self._by_media_key:
            media_key = new_media_key(self._rng)
        space = SpaceIncarnation(
            index=len(self.spaces) + 1,
            space_id=space_id,
            media_key=media_key,
            host=host,
            title=self.scenario.event.title + ("" if room == MAIN_ROOM else f" ({room})"),
            created_t=t,
            room=room,
            relays=relays,
        )
        if room == MAIN_ROOM:
            self._main = space
        self.spaces.append(space)
        self._live_spaces.append(space)
        self._by_id[space_id] = space
        self._by_media_key[media_key] = space
        self.timeline.add_space(space.index, space_id, host)
        self.ledger.event(t, "space_created", space=space.index, space_id=space_id, host=host)
        self._changed(t)
        return space

    def start_space(
        self,
        space: SpaceIncarnation,
        t: float,
        stream_start_t: float | None = None,
        cause: str = "host",
    ) -> None:
        """NotStarted -> Running at t; its audio starts at `stream_start_t` (default t)."""
        space.state = SpaceState.RUNNING
        space.running_t = t
        start_t = t if stream_start_t is None else stream_start_t
        space.stream = SpaceStream(self.scenario.platform.hls, start_t, self.epoch_unix_s)
        self._changed(t)
        self.ledger.event(
            t, "space_running", space=space.index, space_id=space.space_id, host=space.host,
            cause=cause,
        )  # fmt: skip
        for room in self._open_rooms.values():
            if room.relays == space.index and room.state is SpaceState.NOT_STARTED:
                self.start_space(room, t, cause="main_live")

    def end_space(
        self, space: SpaceIncarnation, t: float, cause: str, state: SpaceState = SpaceState.ENDED
    ) -> tuple[int, float]:
        """End a Space, drop its listeners; returns (sessions, listeners) dropped."""
        space.state = state
        space.ended_t = t
        space.end_cause = cause
        self._changed(t)
        self._live_spaces.remove(space)
        self.timeline.close_space(space.index, t, state)
        if space.stream is not None:
            space.stream.end(t)
        dropped = self.sessions.drop_space(space.index)
        weight = self.drop_sessions(dropped)
        self.ledger.event(
            t, "space_ended", space=space.index, space_id=space.space_id, state=state.value,
            cause=cause, sessions_dropped=len(dropped), listeners_dropped=weight,
        )  # fmt: skip
        for room in list(self._open_rooms.values()):
            if room.relays == space.index and not room.state.is_over:
                self.end_space(room, t, "main_ended", state)
        return len(dropped), weight

    def drop_sessions(self, sessions: list[Session]) -> float:
        total = 0.0
        for session in sessions:
            self.spaces[session.space_index - 1].add_listeners(-session.weight, -1)
            total += session.weight
        return total

    def go_live(self, prefill_s: float = 0.0) -> None:
        """Start the newest Space now with no host (demo mode); its audio began `prefill_s` ago."""
        t = self.advance()
        space = self.current
        if space.state is SpaceState.NOT_STARTED:
            self.start_space(space, t, t - max(0.0, prefill_s), "live")

    # --- JSON views -----------------------------------------------------------------------

    def state(self) -> PlatformState:
        """A compact live view: event time, each Space, each tier's state and totals so far."""
        t = self.sync()
        tiers = {}
        for name, tier in self.tiers.items():
            totals = self.timeline.totals(name)
            tiers[name] = TierState(
                capacity_rps=tier.capacity_rps,
                utilisation=tier.utilisation(t),
                backlog=tier.backlog,
                rate_limit_rps=tier.rate_limit_rps,
                attack_rps=tier.attack_rps,
                **{key: totals[key] for key in SUMS},
                rejected={reason: totals[reason] for reason in REASONS},
            )
        return PlatformState(
            t=t,
            sessions=len(self.sessions),
            listener_cap=self.listener_cap,
            spaces=[space.snapshot() for space in self.spaces],
            tiers=tiers,
        )

    def timeline_dump(self) -> TimelineDump:
        self.sync()
        return self.timeline.dump(now=self.t)

    def ledger_dump(self) -> LedgerDump:
        self.sync()
        return self.ledger.dump(now=self.t, spaces=[space.snapshot() for space in self.spaces])
