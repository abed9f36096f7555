"""The Locust side of a run: user classes built from the scenario, driven on the shared event clock.

Run by a Locust backend (simspace/run/backends) as `python -m locust -f <this file> --headless
...` in its own process, because `import locust` monkey-patches the process with gevent. Nothing
on the asyncio side may import this module. Plain `locust -f` with the web UI works too: see
docs/load.md.

Its configuration comes from the file named by `SIMSPACE_LOAD_CONFIG` (a local run, and the
master of a distributed one), or, on a worker started by `simspace worker` on another host, from
the master over Locust's message channel once the worker connects (`simspace.load.distributed`):
until then the module holds no configuration and no listener plays.
"""

from __future__ import annotations

import bisect
import itertools
import os
import signal
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, LoadTestShape, events, task

from simspace.audience_math import sample_listening_s
from simspace.clock import EventClock
from simspace.load.actions import Call, Reply, Script, Wait, Watch
from simspace.load.attacker import FloodShare, flood_shares
from simspace.load.distributed import MasterHooks, MessageRecorder, WorkerHooks
from simspace.load.exchange import Exchanged, exchange
from simspace.load.fetching import (
    ACCEPT_ENCODING,
    Answer,
    BoundedCall,
    follow_redirects,
    over_cap_message,
)
from simspace.load.population import listener_rng, stub_listener
from simspace.load.recorder import JsonlRecorder
from simspace.load.space_changes import SpaceChanges
from simspace.load.target_listener import TargetListener
from simspace.plan import request_timeout_wall_s
from simspace.scenario.platform import DEFAULT_MAX_PLAYLIST_BYTES, Flood
from simspace.target import Target, url_allowed
from simspace.wire.distributed import WorkerConfig
from simspace.wire.lifeline import (
    PARENT_WATCH_INTERVAL_S,
    death_signal_hook,
    die_with_parent,
    expected_parent,
    parent_alive,
)
from simspace.wire.load_config import CONFIG_ENV, WORKER_ENV, WORKER_SKEW_ENV, LoadConfig
from simspace.wire.spaces_api import WEIGHT_HEADER, weight_header

LEAD_WALL_S = 3.0  # spawn users this early; each sleeps until its own arrival time
SPACE_CHANGES = SpaceChanges()  # against the stub: what wakes listeners asleep in a Watch
_slots = itertools.count()
_attack_slots = itertools.count()
REMOTE_WORKER = os.environ.get(WORKER_ENV) == "1" and CONFIG_ENV not in os.environ
"""A worker started by `simspace worker`: its configuration comes from the master."""
IMPORTED_BY = os.getpid()
"""The Locust process that loaded this file: the parent of the workers it forks (--processes)."""
_FORKED_HOOK = death_signal_hook() if expected_parent() is not None else None
if _FORKED_HOOK is not None:  # a worker forked by --processes dies with this process at once
    os.register_at_fork(after_in_child=_FORKED_HOOK)  # (its init comes after its master's hello)
ORPHAN_EXIT_GRACE_S = 2.0
"""An orphaned Locust process stops like on SIGTERM; if it has not after this long, it exits."""


class _Setup:
    """The run this process plays: set at import, or when a remote worker gets it."""

    config: LoadConfig
    clock: EventClock
    recorder: JsonlRecorder | MessageRecorder | None = None
    attackers: tuple[FloodShare, ...] = ()
    master: MasterHooks | None = None
    allowed: Callable[[str], bool] | None = None
    """A real target's URL rule, which every redirect hop must pass (None: the stub)."""
    answer_cap_bytes: int = int(DEFAULT_MAX_PLAYLIST_BYTES)
    """The size cap of an answer with no cap of its own (playlists, the API)."""


RUN = _Setup()


def _install(
    config: LoadConfig, clock: EventClock, recorder: JsonlRecorder | MessageRecorder
) -> None:
    """Set the module's configuration (at import, or when a remote worker gets it)."""
    RUN.config, RUN.clock, RUN.recorder = config, clock, recorder
    RUN.attackers = tuple(_attackers(config))
    target = config.target
    RUN.allowed = None if target is None else partial(url_allowed, target)
    cap_bytes = DEFAULT_MAX_PLAYLIST_BYTES if target is None else target.max_playlist_bytes
    RUN.answer_cap_bytes = int(cap_bytes)
    timeout_s = request_timeout_wall_s(config.client, config.plan.speedup)
    for user_class in USER_CLASSES:  # those defined so far; a later one copies ListenerUser's
        user_class.network_timeout = user_class.connection_timeout = timeout_s


def _attackers(config: LoadConfig) -> list[FloodShare]:
    # Floods are sent from here only against a real target (the stub models them itself).
    target = config.target
    urls = [_attack_url(flood, target) for flood in config.attacks if target is not None]
    return flood_shares(config.attacks, config.plan.population_scale, urls)


def _parent_to_outlive() -> int | None:
    """Whom this process must not outlive: the Locust process that forked it (a worker of
    --processes), else the run or `simspace worker` that started it (None: started by hand)."""
    return IMPORTED_BY if os.getpid() != IMPORTED_BY else expected_parent()


def _watch_parent(parent_pid: int) -> None:
    """Stop once the parent is gone (killed, it could not stop its children): as on SIGTERM,
    observations flushed; exit anyway if that has not ended the process soon."""
    if die_with_parent(parent_pid):  # a parent-death signal (SIGTERM) on Linux, and this watch
        while parent_alive(parent_pid):
            gevent.sleep(PARENT_WATCH_INTERVAL_S)
    os.kill(os.getpid(), signal.SIGTERM)
    gevent.sleep(ORPHAN_EXIT_GRACE_S)
    os._exit(1)


@events.init.add_listener
def _on_init(environment: Any, **_: Any) -> None:
    parent_pid = _parent_to_outlive()
    if parent_pid is not None:
        gevent.spawn(_watch_parent, parent_pid)
    gevent.spawn(_flush_loop)
    if REMOTE_WORKER:
        WORKER.environment = environment
        WORKER.install()
        return
    if RUN.config.master is not None and type(environment.runner).__name__ == "MasterRunner":
        run_dir = Path(RUN.config.observations_dir).parent
        RUN.recorder = None  # the master plays no listener: its workers do
        RUN.master = MasterHooks(RUN.config, RUN.config.master, environment, run_dir, RUN.clock)
        RUN.master.install()
        return
    if RUN.config.target is None and environment.host:
        gevent.spawn(SPACE_CHANGES.follow, environment.host.rstrip("/"))


def _worker_configured(config: WorkerConfig, clock: EventClock, recorder: MessageRecorder) -> None:
    _install(config.load, clock, recorder)
    if config.load.target is None and config.host:
        gevent.spawn(SPACE_CHANGES.follow, config.host.rstrip("/"))


WORKER = WorkerHooks(None, _worker_configured, float(os.environ.get(WORKER_SKEW_ENV, "0") or 0))


@events.quitting.add_listener
def _on_quit(**_: Any) -> None:
    if RUN.recorder is not None:  # a remote worker may never have been configured
        RUN.recorder.close()


def _recorder() -> JsonlRecorder | MessageRecorder:
    recorder = RUN.recorder
    if recorder is None:
        raise RuntimeError("no load configuration yet")  # a listener plays only once configured
    return recorder


def _flush_loop() -> None:
    while True:
        gevent.sleep(1.0)
        if RUN.recorder is not None:
            RUN.recorder.flush()


def _drive(user: FastHttpUser, script: Script) -> None:
    """Run a client script: HTTP for each Call, a gevent sleep for each Wait."""
    try:
        action = next(script)
        while True:
            reply: Reply | None = None
            if isinstance(action, Wait):
                delay = RUN.clock.wall_time_at(action.until_t) - time.time()
                if delay > 0:
                    gevent.sleep(delay)
            elif isinstance(action, Watch):
                SPACE_CHANGES.sleep(action, RUN.clock)
            else:
                reply = _request(user, action)
            action = script.send(reply)
    except StopIteration:
        return


def _request(user: FastHttpUser, call: Call) -> Reply:
    """One call: against a real target, with the redirects it answers followed hop by hop, each
    hop a request of its own, allowed by the same rule as the first URL, and recorded (a hop
    followed as a success); the stub never redirects: its answers are taken as they come."""
    hops: list[Exchanged] = []

    def send(method: str, url: str) -> Answer:
        hops.append(_exchange(user, call, method, url))
        return hops[-1].answer

    if RUN.allowed is None:
        reply = send(call.method, call.path).reply()
    else:
        reply = follow_redirects(call.method, call.path, send, RUN.allowed)
    for hop, done in enumerate(hops, 1):
        ok = reply.ok if hop == len(hops) else True
        # the stub held the answer for its modelled latency / speedup (a real target: speedup 1)
        latency_s = done.waited_s * RUN.clock.speedup if done.has_latency else None
        _recorder().request(RUN.clock.now(), call.tier, call.name, ok, call.weight, latency_s)
    return reply


def _exchange(user: FastHttpUser, call: Call, method: str, url: str) -> Exchanged:
    """One HTTP request for `call`, its answer read up to the call's size cap."""
    weight = {WEIGHT_HEADER: weight_header(call.weight)} if RUN.config.send_weights else {}
    headers = {**weight, **call.headers, "Accept-Encoding": ACCEPT_ENCODING}
    return exchange(user.client, method, url, name=call.name, headers=headers,
                    max_body_bytes=_body_cap(call), over_cap=over_cap_message(call))  # fmt: skip


def _body_cap(call: Call) -> int:
    """A segment's own cap, else the target's playlist cap (the stub's: the default one)."""
    if isinstance(call, BoundedCall) and call.max_body_bytes is not None:
        return call.max_body_bytes
    return RUN.answer_cap_bytes


def _idle() -> None:
    while True:
        gevent.sleep(3600)


def _worker_slot(user: FastHttpUser, counter: itertools.count[int]) -> int:
    """Worker i of N takes slots i, i+N, i+2N...: each arrival is played exactly once."""
    worker_index = int(getattr(user.environment.runner, "worker_index", 0) or 0)
    return worker_index + RUN.config.workers * next(counter)


def _listener_script(slot: int, target: Target | None) -> Script:
    client, listening_time = RUN.config.client, RUN.config.listening_time
    if target is None:
        return stub_listener(
            slot,
            RUN.config.plan,
            client,
            listening_time,
            RUN.clock,
            _recorder(),
            RUN.config.restreams,
        )
    rng = listener_rng(RUN.config.plan, slot)
    listening_s = sample_listening_s(listening_time, rng)
    arrival_t = RUN.config.plan.arrivals[slot]
    return TargetListener(
        slot, arrival_t, RUN.config.plan, client, listening_s, RUN.clock, _recorder(), rng,
        playlist_url=target.playlist_url or target.origin + "/",
        join_api=target.join_api == "spaces",
        url_allowed=partial(url_allowed, target),
        max_bitrate_bps=target.max_bitrate_bps,
        restreams=RUN.config.restreams,
    ).script()  # fmt: skip


def _attack_url(flood: Flood, target: Target) -> str:
    """What a flood requests: its own path, else the live playlist (cdn) or the live-Space API."""
    if flood.path:
        return target.origin + flood.path
    live = target.origin + "/api/spaces/live"
    return (target.playlist_url or live) if flood.tier == "cdn" else live


class ListenerUser(FastHttpUser):
    """A simulated listener; once gone (left, gave up) it idles: arrivals are an open model.

    Hosts and speakers are driven by the stub backend itself (a handful of requests), so that
    they never depend on how Locust spreads users over processes. Against a real target the
    listener is a real-time HLS player (`TargetListener`) and hosts are the target's business."""

    weight = 1
    network_timeout = 60.0  # set from the configuration by `_install`
    connection_timeout = network_timeout
    max_retries = 0
    max_redirects = 0  # `_request` follows them, checking each hop

    @task
    def live(self) -> None:
        if REMOTE_WORKER:
            WORKER.ready.wait()  # the configuration and a settled clock
        slot = _worker_slot(self, _slots)
        if slot < len(RUN.config.plan.arrivals):
            _drive(self, _listener_script(slot, RUN.config.target))
        _idle()


USER_CLASSES: list[type[FastHttpUser]] = [ListenerUser]
"""The user classes whose timeouts `_install` sets from the configuration."""

if not REMOTE_WORKER:
    _local = LoadConfig.from_env()
    _install(
        _local, _local.clock, JsonlRecorder(Path(_local.observations_dir), _local.plan.speedup)
    )


if RUN.attackers or REMOTE_WORKER:
    # A user class with no fixed_count would take a share of the listeners' users. A remote
    # worker learns of floods only from the master, so it has the class in case it is asked.

    class AttackerUser(FastHttpUser):
        """One share of a flood against a real target (against the stub, floods live in the model).

        A fixed number of them exist from the start; each waits for its flood's window."""

        # spares: see ArrivalShape (a remote worker has no floods yet: the master counts them)
        fixed_count = len(RUN.attackers) + RUN.config.workers - 1 if RUN.attackers else 0
        network_timeout = ListenerUser.network_timeout
        connection_timeout = network_timeout
        max_retries = 0
        max_redirects = 0

        @task
        def flood(self) -> None:
            if REMOTE_WORKER:
                WORKER.ready.wait()
            slot = _worker_slot(self, _attack_slots)
            if slot < len(RUN.attackers):
                _drive(self, RUN.attackers[slot].script(RUN.clock))
            _idle()

    USER_CLASSES.append(AttackerUser)


class ArrivalShape(LoadTestShape):
    """Users follow the arrival schedule; departed listeners are never replaced.

    The shape sets the user count (one per arrival so far) and the spawn rate: `-u/--users` and
    `-r/--spawn-rate` do not apply. It stops at the plan's end, or after `-t/--run-time` if that
    comes first: Locust leaves the run time to a shape (headless, its own timer starts only
    once the shape has stopped; in the web UI it only records the value)."""

    use_common_options = True  # it reads --run-time

    def tick(self) -> tuple[int, float] | None:
        now = RUN.clock.now()
        if now >= RUN.config.plan.t_end or self._run_time_over():
            if RUN.master is not None:
                RUN.master.finish()  # the workers' last observations, before the master quits
            return None
        arrived = bisect.bisect_right(
            RUN.config.plan.arrivals, now + LEAD_WALL_S * RUN.config.plan.speedup
        )
        # Locust spreads users over workers evenly but in its own order: N - 1 more users make
        # sure worker i has one for each of its slots (i, i + N, ...) that has arrived; a user
        # whose slot lies ahead sleeps until that arrival, like any other. Flood shares, a fixed
        # count of users, get N - 1 spares too.
        spare = RUN.config.workers - 1
        attackers = len(RUN.attackers) + spare if RUN.attackers else 0
        return arrived + spare + attackers, 500.0

    def _run_time_over(self) -> bool:
        """`-t/--run-time` (or the web UI's run time) has passed since the shape started."""
        environment = self.runner.environment if self.runner is not None else None
        run_time_s = getattr(getattr(environment, "parsed_options", None), "run_time", None)
        if not isinstance(run_time_s, int | float) or run_time_s <= 0:
            return False
        return time.perf_counter() - self.start_time >= run_time_s  # as get_run_time() counts
