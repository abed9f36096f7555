"""A listener against a real HLS service (target mode): the same listener life as on the stub,
composed with the real-time player and the target's route.

With `join_api` it first joins through the Spaces API exactly as on the stub (waiting room, stream
status, start watching), pings while playing and stops watching when it leaves; without, it plays
the target's playlist as soon as it is there.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from simspace.clock import Clock
from simspace.load.actions import Call, Script
from simspace.load.fetching import DEFAULT_MAX_BITRATE_BPS
from simspace.load.hls_playlist import PlaylistError, resolve
from simspace.load.listener import Listener, Recorder
from simspace.load.listening import Refusal
from simspace.load.realtime_player import RealTimePlayer, SegmentRecorder
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy, Restream
from simspace.target import refusal_message

__all__ = ["TargetListener", "TargetRecorder", "TargetRoute"]


class TargetRecorder(Recorder, SegmentRecorder, Protocol):
    """A `Recorder` that also keeps segment download times."""


@dataclass(frozen=True)
class TargetRoute:
    """Every request goes to an absolute URL on the target, weighted as one listener (a real
    target gets real requests: no coalescing), and never outside what `url_allowed` accepts."""

    base_url: str
    url_allowed: Callable[[str], bool]
    weight: float

    def address(self, call: Call) -> Call | Refusal:
        call = replace(call, weight=self.weight)
        try:
            url = resolve(self.base_url, call.path)
        except PlaylistError as error:
            return Refusal(call.tier, call.weight, str(error))
        if not self.url_allowed(url):
            return Refusal(call.tier, call.weight, refusal_message(url))
        return replace(call, path=url)

    def locate(self, location: str) -> str | Refusal:
        try:
            return resolve(self.base_url, location)
        except PlaylistError as error:
            return Refusal("api", self.weight, str(error))


@dataclass
class TargetListener:
    """One listener of a real service, standing for `plan.listener_weight` event listeners.

    `playlist_url` is the live playlist (master or media); with `join_api` the playlist comes
    from the Spaces API and `playlist_url` is only the base the API paths resolve against (e.g.
    the target's root). No URL for which `url_allowed` is False is ever requested. A segment is
    read up to the size `max_bitrate_bps` gives its duration (`fetching.segment_cap_bytes`).
    """

    ident: int
    arrival_t: float
    plan: Plan
    client: ClientPolicy
    listening_s: float
    clock: Clock
    recorder: TargetRecorder
    rng: random.Random
    playlist_url: str
    join_api: bool
    url_allowed: Callable[[str], bool]
    restreams: Sequence[Restream] = ()
    max_bitrate_bps: float = DEFAULT_MAX_BITRATE_BPS

    def listener(self) -> Listener:
        """The listener's life, with the real-time player and the target's route."""
        return Listener(
            self.ident,
            self.arrival_t,
            self.plan,
            self.client,
            self.listening_s,
            self.clock,
            self.recorder,
            self.rng,
            player=RealTimePlayer(self.recorder, self.url_allowed, self.max_bitrate_bps),
            route=TargetRoute(self.playlist_url, self.url_allowed, self.plan.listener_weight),
            direct_playlist=None if self.join_api else self.playlist_url,
            restreams=self.restreams,
        )

    def script(self) -> Script:
        return self.listener().script()
