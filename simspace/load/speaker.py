"""A host or speaker as a pure script: from their join time, find the Space they host and publish
it, through the same API and retry policy as listeners (priority is the platform's business)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from simspace.clock import Clock
from simspace.load.actions import Call, Script, Wait
from simspace.load.listener import Recorder
from simspace.load.policy import backoff_s
from simspace.scenario.audience import ClientPolicy
from simspace.wire.observations import StateLine
from simspace.wire.spaces_api import SPEAKER_HEADER, SpaceState

SPEAKER_WEIGHT = 1.0  # one person, one request
MIN_WALL_RETRY_S = 0.25


@dataclass
class HostScript:
    """A host or speaker (the scenario's `Speaker`) as a script: publishes every Space that names
    them as host, as soon as the API lets it."""

    ident: str
    joins_at: float
    client: ClientPolicy
    clock: Clock
    recorder: Recorder
    rng: random.Random

    def script(self) -> Script:
        yield Wait(self.joins_at)
        headers = {SPEAKER_HEADER: self.ident}
        published: set[str] = set()
        failures = 0
        while True:
            live = yield Call("GET", "/api/spaces/live", "api", "api: live space (speaker)",
                              SPEAKER_WEIGHT, headers)  # fmt: skip
            info = live.json() if live is not None and live.ok else {}
            space_id = str(info.get("space_id", ""))
            mine = info.get("host") == self.ident and info.get("state") == SpaceState.NOT_STARTED
            ok = live is not None and live.ok
            if mine and space_id not in published:
                reply = yield Call("POST", f"/api/spaces/{space_id}/publish", "api",
                                   "api: publish (speaker)", SPEAKER_WEIGHT, headers)  # fmt: skip
                ok = reply is not None and reply.ok
                if ok:
                    published.add(space_id)
                    self.recorder.state(
                        StateLine(
                            t=self.clock.now(),
                            id=-1,
                            kind="published",
                            w=0.0,
                            speaker=self.ident,
                            space=space_id,
                        )
                    )
                elif reply is not None:
                    self.recorder.failure(self.clock.now(), "api", reply.error_message(), 1.0)
            failures = 0 if ok else failures + 1
            delay = backoff_s(self.client.retries, max(failures, 1), self.rng) if failures else 5.0
            wall_floor = MIN_WALL_RETRY_S * self.clock.speedup
            yield Wait(self.clock.now() + max(delay, wall_floor))
