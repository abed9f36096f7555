"""A discrete-event driver: every script's next action is an event on one virtual clock, taken
in time order (ties in the order they were scheduled). A `Call` is routed to the platform at its
time and its reply arrives after the modelled latency, or the client's timeout, whichever is
first; a `Wait` resumes the script at its time. Deterministic by construction."""

from __future__ import annotations

import heapq
import itertools
import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from simspace.clock import VirtualClock
from simspace.engine.recorder import MemoryRecorder
from simspace.load.actions import Call, Reply, Script, Watch
from simspace.load.population import host_scripts, stub_listener
from simspace.plan import Plan, request_timeout_wall_s
from simspace.platform import PlatformApi, PlatformModel
from simspace.platform.router import PlatformRouter, RoutedAnswer
from simspace.scenario.model import Scenario
from simspace.wire.ground_truth import GroundTruth
from simspace.wire.spaces_api import LISTENERS_HEADER, SPEAKER_HEADER, weight_header


class Router(Protocol):
    def handle(
        self,
        method: str,
        path: str,
        weight: float = 1.0,
        speaker: str | None = None,
        listeners: float | None = None,
    ) -> RoutedAnswer: ...


CLIENT_TIMEOUT_ERROR = "timed out"
SLICE_S = 60.0
"""Event seconds played between two flushes (and two looks at the console)."""


@dataclass(slots=True)
class _Actor:
    """A running script; `records` says whether its requests count as the listeners' (hosts
    are driven apart, as in the Locust engine, and their requests are not counted)."""

    script: Script | None
    """None until the actor's first event: a listener's script is built when it arrives, so
    memory holds the listeners present, not all those yet to come."""
    records: bool
    started: bool = False
    slot: int = -1
    watch: _Watching | None = None
    """The queue entry of the watch the actor sleeps in, if any: only it may resume it."""


@dataclass(slots=True)
class _Pending:
    """A reply on its way back to an actor, and the request to record when it arrives (None:
    not counted), `latency_s` after it was sent."""

    reply: Reply | None = None
    call: Call | None = None
    latency_s: float = 0.0


_NOTHING = _Pending()  # no reply to hand over, nothing to record (never changed)


class _Watching:
    """The queue entry of a `Watch` an actor sleeps in, known by its identity: a change
    moves the watch to a new entry, and the old one is skipped."""

    __slots__ = ()


class VirtualDriver:
    """One run of a plan against the platform model, advanced by `run_until`."""

    def __init__(self, scenario: Scenario, plan: Plan) -> None:
        self.plan = plan
        self.clock = VirtualClock(t=plan.t_begin, speedup=plan.speedup)
        self.model = PlatformModel(
            scenario,
            self.clock,
            seed=plan.seed,
            session_timeout_s=plan.session_timeout_s,
            utilisation_window_s=plan.utilisation_window_s,
        )
        self.router: Router = PlatformRouter(PlatformApi(self.model))
        self.recorder = MemoryRecorder(bucket_s=plan.speedup)
        client = scenario.audience.client
        # The Locust engine's client timeout, on the event clock.
        self.timeout_s = request_timeout_wall_s(client, plan.speedup) * plan.speedup
        self._queue: list[tuple[float, int, _Actor, _Pending | _Watching]] = []
        self._watchers: dict[int, tuple[_Actor, Watch]] = {}  # by id(): those asleep in one
        self._changes_seen = self.model.changes
        self._order = itertools.count()
        self.requests = 0
        self.requests_per_wall_s: Counter[int] | None = None
        """Set to a Counter to count requests per wall second of the plan (see calibrate)."""
        for script in host_scripts(scenario.speakers, client, self.clock, plan.seed,
                                   self.recorder):  # fmt: skip
            self.add(plan.t_begin, script, counted=False)
        self._client, self._listening = client, scenario.audience.listening_time
        self._restreams = scenario.audience.restreams
        for slot, arrival_t in enumerate(plan.arrivals):
            self._schedule(arrival_t, _Actor(None, records=True, slot=slot), _NOTHING)

    def add(self, t: float, script: Script, *, counted: bool = True) -> None:
        """Start a script at event time t; `counted`: its requests are the listeners'."""
        self._schedule(t, _Actor(script, records=counted), _NOTHING)

    def _schedule(self, t: float, actor: _Actor, pending: _Pending | _Watching) -> None:
        heapq.heappush(self._queue, (t, next(self._order), actor, pending))

    def run_until(self, t_stop: float) -> None:
        """Take every event before `t_stop`, then bring the platform up to it."""
        queue, clock = self._queue, self.clock
        while queue and queue[0][0] < t_stop:
            t, _, actor, pending = heapq.heappop(queue)
            if isinstance(pending, _Watching):
                if actor.watch is not pending:
                    continue  # moved by a change: a newer entry resumes it
                actor.watch = None
                del self._watchers[id(actor)]
                pending = _NOTHING
            clock.t = max(clock.t, t)
            self._resume(actor, pending)
        clock.t = max(clock.t, t_stop)
        self.model.advance()
        self._wake_watchers()

    def _resume(self, actor: _Actor, pending: _Pending) -> None:
        call = pending.call
        if call is not None and pending.reply is not None:
            self.recorder.request(
                self.clock.t, call.tier, call.name, pending.reply.ok, call.weight, pending.latency_s
            )
        if actor.script is None:
            actor.script = stub_listener(
                actor.slot, self.plan, self._client, self._listening, self.clock, self.recorder,
                self._restreams,
            )  # fmt: skip
        try:
            if actor.started:
                action = actor.script.send(pending.reply)
            else:
                actor.started = True
                action = next(actor.script)
        except StopIteration:
            return
        if isinstance(action, Call):
            self._call(actor, action)
        elif isinstance(action, Watch):
            self._watch(actor, action)
        else:
            self._schedule(max(action.until_t, self.clock.t), actor, _NOTHING)

    def _watch(self, actor: _Actor, watch: Watch) -> None:
        """Sleep in `watch` until it wakes, as far as the changes known now say (a later
        change moves it: the old entry is then skipped)."""
        watching = _Watching()
        actor.watch = watching
        self._schedule(watch.wake_t(self.model.changed_at, self.clock.t), actor, watching)
        self._watchers[id(actor)] = (actor, watch)

    def _wake_watchers(self) -> None:
        """After a change, move every sleeping watcher to when it would notice it."""
        if self.model.changes == self._changes_seen:
            return
        self._changes_seen = self.model.changes
        for actor, watch in list(self._watchers.values()):
            self._watch(actor, watch)

    def _call(self, actor: _Actor, call: Call) -> None:
        self.requests += 1
        if self.requests_per_wall_s is not None:
            wall_s = (self.clock.t - self.plan.t_begin) / self.plan.speedup
            self.requests_per_wall_s[math.floor(wall_s)] += 1
        listeners = call.headers.get(LISTENERS_HEADER)
        answer = self.router.handle(
            call.method,
            call.path,
            _as_sent(call.weight),
            call.headers.get(SPEAKER_HEADER),
            None if listeners is None else float(listeners),
        )
        self._wake_watchers()
        if answer.latency_s > self.timeout_s:
            reply, delay_s = Reply(0, b"", CLIENT_TIMEOUT_ERROR), self.timeout_s
        else:
            reply, delay_s = Reply(answer.status, answer.body), answer.latency_s
        # a client timeout's latency is the time it waited (docs/metrics.md)
        recorded = call if actor.records else None
        self._schedule(self.clock.t + delay_s, actor, _Pending(reply, recorded, delay_s))

    def slices(self, slice_s: float = SLICE_S) -> Iterator[float]:
        """Play the plan to its end, `slice_s` event seconds at a time, flushing after each;
        yields where it got. The slices are event time: the result never depends on who
        iterates, or how fast."""
        t = self.plan.t_begin
        while t < self.plan.t_end:
            t = min(t + slice_s, self.plan.t_end)
            self.run_until(t)
            self.flush()
            yield t

    def play_to_end(self) -> None:
        """`slices()` run through: the whole plan at once."""
        for _ in self.slices():
            pass

    def flush(self) -> None:
        """Hand the bucketed aggregates to the observations (call at event-time boundaries
        only: where it is called must not depend on the wall clock)."""
        self.recorder.flush()

    def ground_truth(self) -> GroundTruth:
        return GroundTruth(timeline=self.model.timeline_dump(), ledger=self.model.ledger_dump())


def _as_sent(weight: float) -> float:
    """The weight as the Locust engine's header carries it."""
    return float(weight_header(weight))
