"""The load process's ear on the stub: a long poll of `/_sim/changes` that tells simulated
clients sleeping in a `Watch` when a Space changed (gevent: Locust processes only)."""

from __future__ import annotations

import json
import time
import urllib.request
from urllib.error import URLError

import gevent
from gevent.event import Event

from simspace.clock import EventClock
from simspace.load.actions import Watch

LONG_POLL_WAIT_S = 5.0
RETRY_S = 0.5


class SpaceChanges:
    """The latest change the stub reported, and an event set at each new one."""

    def __init__(self) -> None:
        self.count = -1
        self.changed_at: float | None = None
        self._event = Event()

    def follow(self, base_url: str) -> None:
        """Long-poll the stub forever (run it in its own greenlet)."""
        while True:
            url = f"{base_url}/_sim/changes?after={self.count}&wait_s={LONG_POLL_WAIT_S}"
            try:
                with urllib.request.urlopen(url, timeout=LONG_POLL_WAIT_S + 5) as answer:
                    data = json.loads(answer.read())
            except (URLError, OSError, ValueError):
                gevent.sleep(RETRY_S)
                continue
            self.seen(int(data["changes"]), data.get("changed_at"))

    def seen(self, count: int, changed_at: float | None) -> None:
        if count == self.count:
            return
        self.count, self.changed_at = count, changed_at
        event, self._event = self._event, Event()
        event.set()

    def sleep(self, watch: Watch, clock: EventClock) -> None:
        """Sleep as `watch` says: until its time, or until a change would be noticed."""
        while True:
            wake_t = watch.wake_t(self.changed_at, clock.now())
            delay_s = clock.wall_time_at(wake_t) - time.time()
            if delay_s <= 0:
                return
            if wake_t < watch.until_t:
                gevent.sleep(delay_s)  # a change is known: wake when it is noticed
                return
            if not self._event.wait(delay_s):
                return
