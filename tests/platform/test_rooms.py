"""Rooms: the main room's cap (set, raised), overflow rooms opened when full or by an operator,
their own caps, the texts of each refusal reason, and rooms ending with the main Space."""

from __future__ import annotations

from typing import Any

from simspace.clock import FakeClock
from simspace.platform import PlatformApi, PlatformModel, SpaceState
from simspace.platform.router import PlatformRouter
from tests.platform.scenarios import UNAVAILABLE_TEXT, make_scenario

ROOMS: dict[str, Any] = {
    "platform": {
        "listener_cap": 10,
        "rooms": [
            {"id": "overflow_a", "cap_listeners": 5, "opens": "when_full"},
            {"id": "overflow_b", "cap_listeners": 5, "opens": "by_action"},
        ],
    },
}


def _api(overrides: dict[str, Any] | None = None, t: float = 0.0) -> PlatformApi:
    merged = {**ROOMS, **(overrides or {})}
    return PlatformApi(PlatformModel(make_scenario(merged), FakeClock(t=t)))


def _live(api: PlatformApi) -> str:
    space = api.model.current
    assert api.publish(space.space_id, "host").code is None
    return space.space_id


def _rooms(api: PlatformApi) -> list[dict[str, Any]]:
    live = api.live_space().data
    assert live is not None
    rooms: list[dict[str, Any]] = live["rooms"]
    return rooms


def test_a_full_main_room_refuses_and_opens_its_when_full_room() -> None:
    api = _api()
    main_id = _live(api)
    assert _rooms(api) == []
    assert api.start_watching(main_id, weight=8).code is None
    assert api.start_watching(main_id, weight=3).code == "listener_cap"
    main = api.model.current
    assert main.refused_listeners == 3.0
    (room,) = _rooms(api)
    assert (room["room"], room["state"], room["listeners"], room["listener_cap"]) == (
        "overflow_a", "Running", 0, 5,
    )  # fmt: skip
    # the overflow room takes listeners up to its own cap, and opens no other room by itself
    assert api.start_watching(room["space_id"], weight=5).code is None
    assert api.start_watching(room["space_id"], weight=1).code == "listener_cap"
    assert [r["room"] for r in _rooms(api)] == ["overflow_a"]
    overflow = api.model.space(room["space_id"])
    assert overflow is not None
    assert (overflow.room, overflow.relays, overflow.refused_listeners) == ("overflow_a", 1, 1.0)


def test_metadata_shows_the_room_and_its_cap() -> None:
    api = _api()
    main_id = _live(api)
    answer = api.space_metadata(main_id).data
    assert answer is not None
    metadata = answer["data"]["audioSpace"]["metadata"]
    assert (metadata["room"], metadata["listener_cap"]) == ("main", 10)


def test_the_cap_is_raised_by_an_action_and_logged() -> None:
    actions = [{"action": "cap_listeners", "at": 60, "listeners": 20}]
    api = _api({"operator_actions": actions})
    main_id = _live(api)
    assert api.start_watching(main_id, weight=10).code is None
    assert api.start_watching(main_id, weight=5).code == "listener_cap"
    changes_before = api.model.changes
    clock = api.model.clock
    assert isinstance(clock, FakeClock)
    clock.t = 61.0
    assert api.start_watching(main_id, weight=5).code is None
    assert api.model.changes > changes_before  # waiting clients are told
    caps = [
        (e.t, e.details["room"], e.details["listeners"])
        for e in api.model.ledger_dump().events
        if e.kind == "listener_cap"
    ]
    # the caps in force from the start are logged when the model starts (here at 0)
    assert caps == [(0.0, "main", 10.0), (0.0, "overflow_a", 5.0),
                    (0.0, "overflow_b", 5.0), (60.0, "main", 20.0)]  # fmt: skip


def test_an_operator_opens_a_room_before_the_main_space_is_live() -> None:
    api = _api({"operator_actions": [{"action": "open_room", "at": -300, "room": "overflow_b"}]})
    clock = api.model.clock
    assert isinstance(clock, FakeClock)
    clock.t = -200.0
    api.model.advance()
    (room,) = [s for s in api.model.spaces if s.room == "overflow_b"]
    states = [room.state]  # nothing to relay yet
    assert api.start_watching(room.space_id).code == "not_started"
    _live(api)
    states.append(room.state)
    assert states == [SpaceState.NOT_STARTED, SpaceState.RUNNING]
    assert api.start_watching(room.space_id).code is None


def test_rooms_end_with_the_main_space_and_reopen_for_a_relaunch() -> None:
    actions = [{"action": "restart_space", "at": 100, "host": "relauncher"}]
    api = _api({"operator_actions": actions})
    main_id = _live(api)
    api.start_watching(main_id, weight=10)
    api.start_watching(main_id, weight=1)  # full: overflow_a opens
    (first_room,) = [s for s in api.model.spaces if s.room == "overflow_a"]
    clock = api.model.clock
    assert isinstance(clock, FakeClock)
    clock.t = 101.0
    api.model.advance()
    assert (first_room.state, first_room.end_cause) == (SpaceState.ENDED, "main_ended")
    relaunch = api.model.current
    assert api.publish(relaunch.space_id, "relauncher").code is None
    api.start_watching(relaunch.space_id, weight=10)
    assert api.start_watching(relaunch.space_id, weight=1).code == "listener_cap"
    reopened = [s for s in api.model.spaces if s.room == "overflow_a"]
    assert len(reopened) == 2
    assert (reopened[1].relays, reopened[1].state) == (relaunch.index, SpaceState.RUNNING)


def test_each_refusal_reason_shows_its_own_text() -> None:
    texts = {"room_full": "Room full (test)", "not_started": "Not started yet (test)"}
    api = _api({"platform": {**ROOMS["platform"], "errors": texts}})
    router = PlatformRouter(api)
    space = api.model.current
    not_started = router.handle("POST", f"/api/spaces/{space.space_id}/watching/start")
    assert (not_started.status, b"Not started yet (test)" in not_started.body) == (409, True)
    _live(api)
    router.handle("POST", f"/api/spaces/{space.space_id}/watching/start", weight=10)
    full = router.handle("POST", f"/api/spaces/{space.space_id}/watching/start")
    assert (full.status, b"Room full (test)" in full.body) == (403, True)
    api.end(space.space_id, "host")
    ended = router.handle("POST", f"/api/spaces/{space.space_id}/watching/start")
    assert (ended.status, b'"code": "space_ended"' in ended.body) == (409, True)


def test_unset_texts_fall_back_to_the_unavailable_text() -> None:
    api = _api()
    assert api.message("listener_cap") == UNAVAILABLE_TEXT
    assert api.message("not_started") == UNAVAILABLE_TEXT
    assert api.message("space_ended") == UNAVAILABLE_TEXT
