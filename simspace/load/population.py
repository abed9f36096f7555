"""The simulated audience of a plan as scripts: one per arrival slot (its own seeded generator,
listening time and arrival time) and one per host or speaker. Every driver builds them here, so
the Locust engine and the virtual engine play the very same listeners."""

from __future__ import annotations

import random
from collections.abc import Sequence

from simspace.audience_math import sample_listening_s
from simspace.clock import Clock
from simspace.load.actions import Script
from simspace.load.listener import Listener, Recorder
from simspace.load.speaker import HostScript
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy, ListeningTime, Restream
from simspace.scenario.model import Speaker


def listener_rng(plan: Plan, slot: int) -> random.Random:
    return random.Random(plan.seed * 1_000_003 + slot)


def stub_listener(
    slot: int,
    plan: Plan,
    client: ClientPolicy,
    listening_time: ListeningTime,
    clock: Clock,
    recorder: Recorder,
    restreams: Sequence[Restream] = (),
) -> Script:
    """The listener of arrival slot `slot`, against the stub's API and its coalesced playlist."""
    rng = listener_rng(plan, slot)
    listening_s = sample_listening_s(listening_time, rng)
    arrival_t = plan.arrivals[slot]
    return Listener(
        slot, arrival_t, plan, client, listening_s, clock, recorder, rng, restreams=restreams
    ).script()


def host_scripts(
    speakers: Sequence[Speaker], client: ClientPolicy, clock: Clock, seed: int, recorder: Recorder
) -> list[Script]:
    """Every host and speaker, each with its own seeded generator."""
    return [
        HostScript(
            speaker.id, speaker.joins_at, client, clock, recorder, random.Random(seed + index)
        ).script()
        for index, speaker in enumerate(speakers)
    ]
