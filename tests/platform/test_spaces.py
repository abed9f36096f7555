"""Spaces and listeners: the host start, the join sequence, caps, restarts, ends and expiry."""

from __future__ import annotations

from simspace.clock import FakeClock
from simspace.platform import PlatformApi, PlatformModel, SpaceState
from tests.platform.scenarios import (
    FETCH_FAILED_TEXT,
    OVERLOAD_TEXT,
    UNAVAILABLE_TEXT,
    make_scenario,
)


def test_space_one_waits_for_its_host(api: PlatformApi, clock: FakeClock) -> None:
    space = api.model.current
    assert (space.index, space.host, space.state) == (1, "host", SpaceState.NOT_STARTED)
    assert space.created_t == -600.0
    live = api.live_space()
    assert live.data == {
        "space_id": space.space_id,
        "media_key": space.media_key,
        "host": "host",
        "state": "NotStarted",
        "rooms": [],
    }
    # the waiting room: metadata answers, joining does not
    metadata = api.space_metadata(space.space_id)
    assert metadata.data is not None
    assert metadata.data["data"]["audioSpace"]["metadata"]["state"] == "NotStarted"
    assert api.stream_status(space.media_key).code == "not_started"
    assert api.start_watching(space.space_id).code == "not_started"
    assert api.playlist(space.media_key).code == "not_found"


def test_only_the_host_starts_the_space(api: PlatformApi, clock: FakeClock) -> None:
    space = api.model.current
    assert api.publish(space.space_id, "guest").code == "not_started"
    assert api.publish(space.space_id, "stranger").code == "bad_request"
    assert api.publish(space.space_id, None).code == "bad_request"
    assert api.publish("1nope", "host").code == "not_found"
    clock.advance(30.0)
    reply = api.publish(space.space_id, "host")
    assert reply.code is None
    assert reply.data == {"ok": True, "state": "Running"}
    assert space.state is SpaceState.RUNNING
    assert space.running_t == -570.0
    assert api.publish(space.space_id, "guest").code is None  # speakers join a Running Space
    assert [e["kind"] for e in api.model.ledger.events()] == ["space_created", "space_running"]


def test_the_whole_listener_join_sequence(api: PlatformApi, clock: FakeClock) -> None:
    space = api.model.current
    api.publish(space.space_id, "host")
    clock.advance(10.0)
    live = api.live_space(weight=50)
    assert live.data is not None
    assert live.data["state"] == "Running"
    status = api.stream_status(live.data["media_key"], weight=50)
    assert status.data == {
        "source": {
            "location": f"/hls/{space.media_key}/dynamic_playlist.m3u8",
            "status": "LIVE",
        }
    }
    started = api.start_watching(space.space_id, weight=50)
    assert started.code is None
    assert started.data is not None
    session_id = started.data["session_id"]
    metadata = api.space_metadata(space.space_id)
    assert metadata.data is not None
    assert metadata.data["data"]["audioSpace"]["metadata"]["total_live_listeners"] == 50
    playlist = api.playlist(space.media_key, weight=50)
    assert playlist.body is not None
    assert b"chunk_" in playlist.body
    chunk_name = playlist.body.decode().splitlines()[-1]
    chunk = api.chunk(space.media_key, chunk_name, weight=50)
    assert chunk.body is not None
    assert len(chunk.body) > 10_000
    assert api.ping_watching(space.space_id, session_id).data == {"ok": True}
    assert api.stop_watching(space.space_id, session_id).data == {"ok": True}
    assert space.listeners == 0.0
    assert space.peak_listeners == 50.0
    assert api.ping_watching(space.space_id, session_id).code == "booted"
    assert api.stop_watching(space.space_id, session_id).code is None  # idempotent


def test_listener_cap_from_the_platform_refuses_joins_beyond_it(clock: FakeClock) -> None:
    api = PlatformApi(PlatformModel(make_scenario({"platform": {"listener_cap": 100}}), clock))
    space = api.model.current
    api.publish(space.space_id, "host")
    assert api.start_watching(space.space_id, weight=60).code is None
    assert api.start_watching(space.space_id, weight=60).code == "listener_cap"
    assert api.start_watching(space.space_id, weight=40).code is None
    assert api.message("listener_cap") == UNAVAILABLE_TEXT


def test_operator_cap_applies_at_its_time(clock: FakeClock) -> None:
    scenario = make_scenario(
        {"operator_actions": [{"action": "cap_listeners", "at": 60, "listeners": 10}]}
    )
    api = PlatformApi(PlatformModel(scenario, clock))
    space = api.model.current
    api.publish(space.space_id, "host")
    clock.t = 59.9
    assert api.start_watching(space.space_id, weight=20).code is None
    clock.t = 60.0
    assert api.start_watching(space.space_id, weight=1).code == "listener_cap"
    (event,) = api.model.ledger.events("operator_action")
    assert event["t"] == 60.0
    assert event["action"] == "cap_listeners"
    assert event["listeners"] == 10


def test_restart_moves_everyone_to_a_new_space_at_its_time(clock: FakeClock) -> None:
    scenario = make_scenario(
        {"operator_actions": [{"action": "restart_space", "at": 120, "host": "relauncher"}]}
    )
    api = PlatformApi(PlatformModel(scenario, clock))
    first = api.model.current
    clock.t = 100.0
    api.publish(first.space_id, "host")
    started = api.start_watching(first.space_id, weight=10)
    assert started.data is not None
    clock.t = 119.0
    assert api.ping_watching(first.space_id, started.data["session_id"]).code is None
    clock.t = 121.0
    api.model.advance()  # the server's ticker does this; the model never moves by itself
    assert first.state is SpaceState.ENDED
    assert first.ended_t == 120.0
    assert first.end_cause == "restart_space"
    assert api.ping_watching(first.space_id, started.data["session_id"]).code == "booted"
    second = api.model.current
    assert second.index == 2
    assert second.host == "relauncher"
    assert second.state is SpaceState.NOT_STARTED
    assert second.created_t == 120.0
    assert second.space_id != first.space_id
    assert second.media_key != first.media_key
    live = api.live_space()
    assert live.data is not None
    assert live.data["space_id"] == second.space_id
    assert api.publish(second.space_id, "host").code == "not_started"  # not its host
    assert api.publish(second.space_id, "relauncher").code is None
    assert second.running_t == 121.0
    # the first Space's stream is over: its playlist ends
    playlist = api.playlist(first.media_key)
    assert playlist.body is not None
    assert playlist.body.endswith(b"#EXT-X-ENDLIST\n")


def test_end_space_action_and_host_end(clock: FakeClock) -> None:
    scenario = make_scenario({"operator_actions": [{"action": "end_space", "at": 300}]})
    api = PlatformApi(PlatformModel(scenario, clock))
    space = api.model.current
    api.publish(space.space_id, "host")
    clock.t = 301.0
    api.model.advance()
    assert (space.state, space.ended_t, space.end_cause) == (SpaceState.ENDED, 300.0, "end_space")
    assert api.start_watching(space.space_id).code == "space_ended"
    other = PlatformApi(PlatformModel(make_scenario(), FakeClock(t=0.0)))
    own = other.model.current
    other.publish(own.space_id, "host")
    assert other.end(own.space_id, "guest").code == "bad_request"
    assert other.end(own.space_id, "host").data == {"ok": True, "state": "Ended"}
    assert own.end_cause == "host"


def test_silent_sessions_expire_after_the_ping_timeout(api: PlatformApi, clock: FakeClock) -> None:
    space = api.model.current
    api.publish(space.space_id, "host")
    quiet = api.start_watching(space.space_id, weight=3)
    chatty = api.start_watching(space.space_id, weight=4)
    assert quiet.data is not None
    assert chatty.data is not None
    for _ in range(6):
        clock.advance(30.0)
        assert api.ping_watching(space.space_id, chatty.data["session_id"]).code is None
    assert space.listeners == 4.0
    assert api.ping_watching(space.space_id, quiet.data["session_id"]).code == "booted"
    (expired,) = [f for f in api.model.ledger.failures() if f.kind == "session"]
    assert (expired.reason, expired.count, expired.weight) == ("expired", 1, 3.0)


def test_rejections_carry_the_scenarios_texts(clock: FakeClock) -> None:
    api = PlatformApi(PlatformModel(make_scenario(), clock))
    space = api.model.current
    codes = [api.space_metadata(space.space_id, weight=1000).code for _ in range(10)]
    assert "overload" in codes
    assert api.message("overload") == OVERLOAD_TEXT
    assert api.message("rate_limited") == OVERLOAD_TEXT
    assert api.message("timeout") == FETCH_FAILED_TEXT
    for code in ("not_found", "not_started", "space_ended", "listener_cap", "booted"):
        assert api.message(code) == UNAVAILABLE_TEXT
    (overload,) = [f for f in api.model.ledger.failures() if f.reason == "overload"]
    assert overload.kind == "rejection"
    assert overload.tier == "api"
    assert overload.count == codes.count("overload")


def test_priority_speakers_start_through_an_overloaded_api(clock: FakeClock) -> None:
    scenario = make_scenario(
        {
            "speakers": [
                {"id": "host", "name": "H", "role": "host", "account": "h", "joins_at": 0,
                 "priority": True},
            ]
        }
    )  # fmt: skip
    api = PlatformApi(PlatformModel(scenario, clock))
    space = api.model.current
    api.space_metadata(space.space_id, weight=5000)
    assert api.space_metadata(space.space_id, weight=1).code == "overload"
    assert api.publish(space.space_id, "host").code is None
    assert space.state is SpaceState.RUNNING


def test_sessions_are_bounded_in_number(clock: FakeClock) -> None:
    api = PlatformApi(PlatformModel(make_scenario(), clock, max_sessions=3))
    space = api.model.current
    api.publish(space.space_id, "host")
    codes = [api.start_watching(space.space_id).code for _ in range(5)]
    assert codes == [None, None, None, "listener_cap", "listener_cap"]
    assert len(api.model.sessions) == 3
    (limit,) = [f for f in api.model.ledger.failures() if f.reason == "session_limit"]
    assert (limit.kind, limit.count) == ("rejection", 2)
