"""The Locust side of a run: user classes built from the scenario, driven on the shared event clock.

Run by the orchestrator as `python -m locust -f <this file> --headless ...` in its own process,
because `import locust` monkey-patches the process with gevent. Nothing on the asyncio side may
import this module. Plain `locust -f` with the web UI works too: see docs/load.md.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
from pathlib import Path
from typing import Any

import gevent
from locust import FastHttpUser, LoadTestShape, events, task

from simspace.audience_math import sample_listening_s
from simspace.load.actions import Call, Reply, Script, Wait
from simspace.load.config import LoadConfig
from simspace.load.listener import Listener
from simspace.load.recorder import JsonlRecorder

CONFIG = LoadConfig.from_env()
CLOCK = CONFIG.clock
PLAN = CONFIG.plan
LEAD_WALL_S = 3.0  # spawn users this early; each sleeps until its own arrival time
RECORDER = JsonlRecorder(Path(CONFIG.observations_dir), bucket_s=PLAN.speedup)
_slots = itertools.count()


@events.init.add_listener
def _on_init(**_: Any) -> None:
    gevent.spawn(_flush_loop)


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
            else:
                reply = _request(user, action)
            action = script.send(reply)
    except StopIteration:
        return


def _request(user: FastHttpUser, call: Call) -> Reply:
    headers = {"X-Sim-Weight": f"{call.weight:.6g}", **call.headers}
    with user.client.request(
        call.method, call.path, name=call.name, headers=headers, catch_response=True
    ) as response:
        status = int(response.status_code or 0)
        body = response.content or b""
        if 200 <= status < 300:
            response.success()
        else:
            reply = Reply(status, body, str(response.error or ""))
            response.failure(f"{status} {reply.error_message()}")
    ok = 200 <= status < 300
    RECORDER.request(CLOCK.now(), call.tier, ok, call.weight)
    return Reply(status, body, "" if ok else str(response.error or ""))


def _idle() -> None:
    while True:
        gevent.sleep(3600)


class ListenerUser(FastHttpUser):
    """A simulated listener; once gone (left, gave up) it idles: arrivals are an open model.

    Hosts and speakers are driven by the orchestrator itself (a handful of requests), so that
    they never depend on how Locust spreads users over processes."""

    weight = 1
    network_timeout = max(CONFIG.client.request_timeout / PLAN.speedup * 1.5, 2.0)
    connection_timeout = network_timeout
    max_retries = 0

    @task
    def live(self) -> None:
        # Worker i of N takes arrivals i, i+N, i+2N...: each arrival is played exactly once.
        worker_index = int(getattr(self.environment.runner, "worker_index", 0) or 0)
        slot = worker_index + CONFIG.workers * next(_slots)
        if slot < len(PLAN.arrivals):
            rng = random.Random(PLAN.seed * 1_000_003 + slot)
            listener = Listener(
                ident=slot,
                arrival_t=PLAN.arrivals[slot],
                plan=PLAN,
                client=CONFIG.client,
                listening_s=sample_listening_s(CONFIG.listening_time, rng),
                clock=CLOCK,
                recorder=RECORDER,
                rng=rng,
            )
            _drive(self, listener.script())
        _idle()


class ArrivalShape(LoadTestShape):
    """Users follow the arrival schedule; departed listeners are never replaced."""

    use_common_options = True

    def tick(self) -> tuple[int, float] | None:
        now = CLOCK.now()
        if now >= PLAN.t_end:
            return None
        arrived = bisect.bisect_right(PLAN.arrivals, now + LEAD_WALL_S * PLAN.speedup)
        return arrived, 500.0
