"""The target-mode listener with the Spaces API: waiting room, join, pings, boots and the stop
on leaving, against a fake origin whose /api/ paths are a fake Spaces platform."""

from __future__ import annotations

import pytest

from simspace.clock import FakeClock
from simspace.plan import Plan, make_plan
from simspace.scenario.audience import RejoinPolicy
from tests.load.fakes import FakeSpaces, error
from tests.load.scenarios import small_scenario
from tests.load.target_fakes import ORIGIN, FakeLive, SegmentRecorder, play, policy


@pytest.fixture
def plan() -> Plan:
    return make_plan(small_scenario(), speedup=1.0, population_scale=0.01)


def _spaces_target(clock: FakeClock, spaces: FakeSpaces) -> FakeLive:
    return FakeLive(clock, start_t=-600.0, api=spaces)


def test_join_api_flow_polls_joins_pings_and_stops(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-200.0), SegmentRecorder()
    live = _spaces_target(clock, FakeSpaces(live_at=0.0))
    calls = play(
        plan, live, recorder, arrival_t=-100.0, listening_s=100.0, join_api=True,
        playlist_url=ORIGIN + "/",
    )  # fmt: skip
    assert recorder.kinds() == ["arrived", "waiting", "joining", "playing", "left"]
    names = [c.name for c in calls]
    assert names[:2] == ["api: live space", "api: space metadata"]
    joined = names.index("api: stream status")
    assert names[joined : joined + 4] == [
        "api: stream status", "api: start watching", "cdn: playlist", "cdn: segment",
    ]  # fmt: skip
    assert calls[joined + 2].path == f"{ORIGIN}/hls/m1/dynamic_playlist.m3u8"
    assert calls[joined + 3].path.startswith(f"{ORIGIN}/hls/m1/live")
    pings = [t for t, path in live.log if path.endswith("/watching/ping")]
    join_t = recorder.at("joining")[0][0]
    assert pings == [join_t + 30.0, join_t + 60.0, join_t + 90.0]
    assert calls[-1].name == "api: stop watching"
    assert calls[-1].path == f"{ORIGIN}/api/spaces/s1/watching/stop?session_id=x"
    assert all(c.weight == plan.listener_weight for c in calls)
    assert recorder.at("left")[0][0] == recorder.at("playing")[0][0] + 100.0


def test_join_api_410_on_a_ping_boots_the_listener(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-200.0), SegmentRecorder()
    live = _spaces_target(clock, FakeSpaces(live_at=0.0, booted_at=200.0))
    client = policy(rejoin=RejoinPolicy(probability=1.0, delay=30.0, max_times=1))
    calls = play(plan, live, recorder, arrival_t=-100.0, join_api=True, client=client)
    assert recorder.kinds() == [
        "arrived", "waiting", "joining", "playing", "booted",
        "rejoin", "waiting", "joining", "playing", "booted",
    ]  # fmt: skip
    first_boot = recorder.at("booted")[0]
    assert 200.0 <= first_boot[0] < 230.0
    assert first_boot[1] == {"space": "s1"}
    assert "api: stop watching" not in {c.name for c in calls}


def test_join_api_space_end_seen_from_the_playlist(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-200.0), SegmentRecorder()
    live = FakeLive(clock, start_t=-600.0, end_t=300.0, api=FakeSpaces(live_at=0.0))
    play(plan, live, recorder, arrival_t=-100.0, join_api=True)
    assert recorder.kinds()[-1] == "space_ended"
    assert recorder.states[-1][0] > 300.0
    assert recorder.states[-1][3] == {"space": "s1"}


def test_join_api_missing_playlist_sends_the_listener_back_to_the_waiting_room(
    plan: Plan,
) -> None:
    clock, recorder = FakeClock(t=-200.0), SegmentRecorder()
    overloaded = error(503, "Service Unavailable", "overload")
    live = FakeLive(
        clock,
        start_t=-600.0,
        api=FakeSpaces(live_at=0.0),
        fail=lambda call, t: overloaded if call.path.endswith(".m3u8") and t < 60 else None,
    )
    play(plan, live, recorder, arrival_t=-100.0, join_api=True, listening_s=30.0)
    kinds = recorder.kinds()
    assert kinds[:4] == ["arrived", "waiting", "joining", "waiting"]
    assert kinds[-2:] == ["playing", "left"]
    assert recorder.at("playing")[0][0] >= 60.0
