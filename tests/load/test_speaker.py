"""The host script on a fake clock: it publishes its own Space once, and only while NotStarted."""

from __future__ import annotations

import random

import pytest

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply
from simspace.load.speaker import HostScript
from simspace.scenario.audience import ClientPolicy
from tests.load.fakes import ListRecorder, drive, error, ok


class _Platform:
    """One Space hosted by `host`; publishing it makes it Running. Ends the script at `stop_t`."""

    def __init__(self, host: str, stop_t: float) -> None:
        self.host, self.stop_t, self.state = host, stop_t, "NotStarted"
        self.publishes: list[float] = []

    def __call__(self, call: Call, t: float) -> Reply:
        if t >= self.stop_t:
            raise _Stop
        if call.path == "/api/spaces/live":
            return ok({"space_id": "s1", "host": self.host, "state": self.state})
        if call.path == "/api/spaces/s1/publish" and call.headers["X-Sim-Speaker"] == self.host:
            self.publishes.append(t)
            self.state = "Running"
            return ok({"ok": True, "state": "Running"})
        return error(403, "not yours", "bad_request")


class _Stop(Exception):
    pass


def _run(ident: str, platform: _Platform, clock: FakeClock) -> tuple[ListRecorder, list[Call]]:
    recorder = ListRecorder()
    script = HostScript(ident, 10.0, ClientPolicy(), clock, recorder, random.Random(1)).script()
    calls: list[Call] = []

    def respond(call: Call, t: float) -> Reply:
        calls.append(call)
        return platform(call, t)

    with pytest.raises(_Stop):  # a host script never ends by itself: the run cancels it
        drive(script, clock, respond)
    return recorder, calls


def test_the_host_publishes_its_space_once_it_joins_and_only_once() -> None:
    clock = FakeClock(t=0.0, speedup=1.0)
    platform = _Platform("host", stop_t=60.0)
    recorder, calls = _run("host", platform, clock)
    assert platform.publishes == [10.0]
    assert recorder.states == [(10.0, -1, "published", {"speaker": "host", "space": "s1"})]
    assert len(calls) > 3  # it keeps looking (a relaunch would be its to publish too)
    assert recorder.failures == []


def test_a_guest_never_publishes_someone_elses_space() -> None:
    clock = FakeClock(t=0.0, speedup=1.0)
    platform = _Platform("host", stop_t=60.0)
    recorder, calls = _run("guest", platform, clock)
    assert platform.publishes == []
    assert {c.path for c in calls} == {"/api/spaces/live"}
    assert recorder.states == []
