"""The Locust side of a run: user classes built from the scenario, driven on the shared event clock.

Run by a Locust backend (simspace/run/backends) as `python -m locust -f <this file> --headless
...` in its own process, because `import locust` monkey-patches the process with gevent. Nothing
on the asyncio side may import this module. Plain `locust -f` with the web UI works too: see
docs/load.md.
"""

from __future__ import annotations

import bisect
import itertools
import time
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, LoadTestShape, events, task

from simspace.audience_math import sample_listening_s
from simspace.load.actions import Call, Reply, Script, Wait, Watch
from simspace.load.attacker import FloodShare, flood_shares
from simspace.load.population import listener_rng, stub_listener
from simspace.load.recorder import JsonlRecorder
from simspace.load.space_changes import SpaceChanges
from simspace.load.target_listener import TargetListener
from simspace.plan import request_timeout_wall_s
from simspace.scenario.platform import Flood
from simspace.target import Target, url_allowed
from simspace.wire.load_config import LoadConfig
from simspace.wire.spaces_api import WEIGHT_HEADER, weight_header

CONFIG = LoadConfig.from_env()
CLOCK = CONFIG.clock
PLAN = CONFIG.plan
LEAD_WALL_S = 3.0  # spawn users this early; each sleeps until its own arrival time
TARGET = CONFIG.target
RECORDER = JsonlRecorder(Path(CONFIG.observations_dir), bucket_s=PLAN.speedup)
SPACE_CHANGES = SpaceChanges()  # against the stub: what wakes listeners asleep in a Watch
_slots = itertools.count()
_attack_slots = itertools.count()


@events.init.add_listener
def _on_init(environment: Any, **_: Any) -> None:
    gevent.spawn(_flush_loop)
    if TARGET is None and environment.host:
        gevent.spawn(SPACE_CHANGES.follow, environment.host.rstrip("/"))


@events.quitting.add_listener
def _on_quit(**_: Any) -> None:
    RECORDER.close()


def _flush_loop() -> None:
    while True:
        gevent.sleep(1.0)
        RECORDER.flush()


def _drive(user: FastHttpUser, script: Script) -> None:
    """Run a client script: HTTP for each Call, a gevent sleep for each Wait."""
    try:
        action = next(script)
        while True:
            reply: Reply | None = None
            if isinstance(action, Wait):
                delay = CLOCK.wall_time_at(action.until_t) - time.time()
                if delay > 0:
                    gevent.sleep(delay)
            elif isinstance(action, Watch):
                SPACE_CHANGES.sleep(action, CLOCK)
            else:
                reply = _request(user, action)
            action = script.send(reply)
    except StopIteration:
        return


def _request(user: FastHttpUser, call: Call) -> Reply:
    weight = {WEIGHT_HEADER: weight_header(call.weight)} if CONFIG.send_weights else {}
    headers = {**weight, **call.headers}
    sent = time.perf_counter()
    with user.client.request(
        call.method, call.path, name=call.name, headers=headers, catch_response=True
    ) as response:
        waited_s = time.perf_counter() - sent
        status = int(response.status_code or 0)
        body = response.content or b""
        if 200 <= status < 300:
            response.success()
        else:
            reply = Reply(status, body, str(response.error or ""))
            response.failure(f"{status} {reply.error_message()}")
    ok = 200 <= status < 300
    # the stub held the answer for its modelled latency / speedup (a real target: speedup 1)
    latency_s = waited_s * CLOCK.speedup if status or _timed_out(response) else None
    RECORDER.request(CLOCK.now(), call.tier, call.name, ok, call.weight, latency_s)
    return Reply(status, body, "" if ok else str(response.error or ""))


def _timed_out(response: Any) -> bool:
    """No answer because the client stopped waiting: its wait is the request's latency (a
    connection error has none; docs/metrics.md). Only a failed response has an `error`;
    geventhttpclient wraps a timeout in `RetriesExceeded(original=...)`."""
    error = getattr(response, "error", None)
    cause = getattr(error, "original", error)
    return isinstance(cause, TimeoutError | gevent.Timeout)


def _idle() -> None:
    while True:
        gevent.sleep(3600)


def _worker_slot(user: FastHttpUser, counter: itertools.count[int]) -> int:
    """Worker i of N takes slots i, i+N, i+2N...: each arrival is played exactly once."""
    worker_index = int(getattr(user.environment.runner, "worker_index", 0) or 0)
    return worker_index + CONFIG.workers * next(counter)


def _listener_script(slot: int, target: Target | None) -> Script:
    client, listening_time = CONFIG.client, CONFIG.listening_time
    if target is None:
        return stub_listener(slot, PLAN, client, listening_time, CLOCK, RECORDER, CONFIG.restreams)
    rng = listener_rng(PLAN, slot)
    listening_s = sample_listening_s(listening_time, rng)
    arrival_t = PLAN.arrivals[slot]
    return TargetListener(
        slot, arrival_t, PLAN, client, listening_s, CLOCK, RECORDER, rng,
        playlist_url=target.playlist_url or target.origin + "/",
        join_api=target.join_api == "spaces",
        url_allowed=lambda url: url_allowed(target, url),
        restreams=CONFIG.restreams,
    ).script()  # fmt: skip


def _attack_url(flood: Flood, target: Target) -> str:
    """What a flood requests: its own path, else the live playlist (cdn) or the live-Space API."""
    if flood.path:
        return target.origin + flood.path
    live = target.origin + "/api/spaces/live"
    return (target.playlist_url or live) if flood.tier == "cdn" else live


# Floods are sent from here only against a real target (the stub models them itself).
ATTACKERS: list[FloodShare] = flood_shares(
    CONFIG.attacks,
    PLAN.population_scale,
    [_attack_url(flood, TARGET) for flood in CONFIG.attacks if TARGET is not None],
)


class ListenerUser(FastHttpUser):
    """A simulated listener; once gone (left, gave up) it idles: arrivals are an open model.

    Hosts and speakers are driven by the stub backend itself (a handful of requests), so that
    they never depend on how Locust spreads users over processes. Against a real target the
    listener is a real-time HLS player (`TargetListener`) and hosts are the target's business."""

    weight = 1
    network_timeout = request_timeout_wall_s(CONFIG.client, PLAN.speedup)
    connection_timeout = network_timeout
    max_retries = 0

    @task
    def live(self) -> None:
        slot = _worker_slot(self, _slots)
        if slot < len(PLAN.arrivals):
            _drive(self, _listener_script(slot, TARGET))
        _idle()


if ATTACKERS:  # a user class with no fixed_count would take a share of the listeners' users

    class AttackerUser(FastHttpUser):
        """One share of a flood against a real target (against the stub, floods live in the model).

        A fixed number of them exist from the start; each waits for its flood's window."""

        fixed_count = len(ATTACKERS)
        network_timeout = ListenerUser.network_timeout
        connection_timeout = network_timeout
        max_retries = 0

        @task
        def flood(self) -> None:
            slot = _worker_slot(self, _attack_slots)
            if slot < len(ATTACKERS):
                _drive(self, ATTACKERS[slot].script(CLOCK))
            _idle()


class ArrivalShape(LoadTestShape):
    """Users follow the arrival schedule; departed listeners are never replaced."""

    use_common_options = True

    def tick(self) -> tuple[int, float] | None:
        now = CLOCK.now()
        if now >= PLAN.t_end:
            return None
        arrived = bisect.bisect_right(PLAN.arrivals, now + LEAD_WALL_S * PLAN.speedup)
        return arrived + len(ATTACKERS), 500.0
