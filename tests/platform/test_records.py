"""The timeline and the ledger: right numbers in the right buckets, bounded, JSON-serialisable."""

from __future__ import annotations

import json

import pytest

from simspace.clock import FakeClock
from simspace.platform import (
    MAX_BUCKETS,
    REASONS,
    Ledger,
    PlatformApi,
    PlatformModel,
    TimelineRecorder,
)
from simspace.platform.ledger import MAX_EVENTS
from tests.platform.scenarios import make_scenario


def test_requests_land_in_their_event_second(api: PlatformApi, clock: FakeClock) -> None:
    space = api.model.current
    clock.t = -590.5
    api.space_metadata(space.space_id, weight=7)
    api.space_metadata("1unknown", weight=2)
    clock.t = -588.0
    api.space_metadata(space.space_id, weight=5)
    timeline = api.model.timeline_dump().model_dump()
    assert timeline["origin_t"] == -600
    assert timeline["bucket_s"] == 1
    assert timeline["buckets"] == len(timeline["t"]) == 13
    tier = timeline["tiers"]["api"]
    assert tier["offered"][9] == 9
    assert tier["requests"][9] == 2
    assert tier["served"][9] == 9
    assert tier["rejected"]["not_found"][9] == 2
    assert tier["offered"][12] == 5
    assert set(tier["rejected"]) == set(REASONS)
    assert tier["capacity"][9] == 1000
    (space_series,) = timeline["spaces"]
    assert space_series["state"][0] == "NotStarted"


def test_listeners_and_states_are_sampled_each_second(api: PlatformApi, clock: FakeClock) -> None:
    space = api.model.current
    clock.t = -595.0
    api.publish(space.space_id, "host")
    api.start_watching(space.space_id, weight=40)
    clock.t = -590.0
    api.model.advance()
    series = api.model.timeline_dump().model_dump()["spaces"][0]
    # a bucket [k, k+1) holds the reading of the tick at k+1, taken before requests at k+1
    assert series["state"][:7] == ["NotStarted"] * 5 + ["Running"] * 2
    assert series["listeners"][4:10] == [0.0] + [40.0] * 5


def test_requests_outside_the_window_count_only_in_totals() -> None:
    clock = FakeClock(t=-5000.0)
    api = PlatformApi(PlatformModel(make_scenario(), clock))
    api.live_space(weight=3)
    assert api.model.timeline.totals("api")["offered"] == 3
    assert api.model.timeline_dump().model_dump()["buckets"] == 0


def test_a_long_window_merges_buckets_under_the_bound() -> None:
    timeline = TimelineRecorder(-3600, 30 * 3600, ["api", "cdn"])
    assert timeline.bucket_s == 6
    assert timeline.n <= MAX_BUCKETS
    assert timeline.index(-3600) == 0
    assert timeline.index(30 * 3600 - 0.001) == timeline.n - 1
    assert timeline.index(30 * 3600 + 10) is None
    timeline.add_request("api", 0.0, 2.0, None, None)
    timeline.add_request("api", 5.9, 3.0, None, None)
    timeline.sample_tier("api", 1.0, 0.5, 10.0, 100.0)
    timeline.sample_tier("api", 2.0, 0.9, 5.0, 200.0)
    data = timeline.dump().model_dump()
    i = 3600 // 6
    assert data["tiers"]["api"]["offered"][i] == 5.0
    assert data["tiers"]["api"]["utilisation"][i] == 0.9  # the peak within the bucket
    assert data["tiers"]["api"]["backlog"][i] == 10.0
    assert data["tiers"]["api"]["capacity"][i] == 200.0  # the last reading


def test_timeline_and_ledger_stay_bounded_under_many_requests(clock: FakeClock) -> None:
    scenario = make_scenario(
        {
            "window": {"start": -600, "end": 600},
            "platform": {"listener_cap": 50},
        }
    )
    api = PlatformApi(PlatformModel(scenario, clock))
    space = api.model.current
    api.publish(space.space_id, "host")
    for i in range(30_000):
        clock.t = -600 + i * 0.05  # runs 300 s past the window's end
        api.space_metadata(space.space_id, weight=10)
        api.start_watching(space.space_id)
        api.ping_watching(space.space_id, f"nope{i}")
        api.chunk(space.media_key, f"chunk_{i}_0_a.aac")
    timeline = api.model.timeline_dump().model_dump()
    assert timeline["buckets"] == 1200
    assert all(
        len(series) == 1200
        for series in timeline["tiers"]["api"].values()
        if isinstance(series, list)
    )
    ledger = api.model.ledger_dump().model_dump()
    assert len(ledger["failures"]) <= 10
    assert len(ledger["events"]) <= 5
    assert len(api.model.sessions) <= 50
    assert len(json.dumps(ledger)) < 10_000


def test_ledger_events_are_capped_and_counted() -> None:
    ledger = Ledger()
    for i in range(MAX_EVENTS + 123):
        ledger.event(float(i), "boot", sessions=1)
        ledger.failure("boot", "rule", "api", float(i), 1.0)
    data = ledger.dump().model_dump()
    assert len(data["events"]) == MAX_EVENTS
    assert data["events_dropped"] == 123
    (failure,) = data["failures"]
    assert failure == {
        "kind": "boot",
        "reason": "rule",
        "tier": "api",
        "first_t": 0.0,
        "last_t": float(MAX_EVENTS + 122),
        "count": MAX_EVENTS + 123,
        "weight": pytest.approx(MAX_EVENTS + 123),
    }


def test_ledger_lists_every_space_incarnation(clock: FakeClock) -> None:
    scenario = make_scenario(
        {"operator_actions": [{"action": "restart_space", "at": -500, "host": "relauncher"}]}
    )
    api = PlatformApi(PlatformModel(scenario, clock))
    api.publish(api.model.current.space_id, "host")
    clock.t = -450.0
    api.model.advance()
    api.publish(api.model.current.space_id, "relauncher")
    ledger = json.loads(json.dumps(api.model.ledger_dump().model_dump()))
    first, second = ledger["spaces"]
    assert (first["running_at"], first["ended_at"], first["end_cause"]) == (
        -600.0,
        -500.0,
        "restart_space",
    )
    assert (second["created_at"], second["running_at"], second["host"]) == (
        -500.0,
        -450.0,
        "relauncher",
    )
    kinds = [e["kind"] for e in ledger["events"]]
    assert kinds == [
        "space_created",
        "space_running",
        "operator_action",
        "space_ended",
        "space_created",
        "space_running",
    ]


def test_ended_spaces_keep_their_final_state_without_sampling(clock: FakeClock) -> None:
    scenario = make_scenario(
        {"operator_actions": [{"action": "restart_space", "at": -590, "host": "relauncher"}]}
    )
    api = PlatformApi(PlatformModel(scenario, clock))
    api.publish(api.model.current.space_id, "host")
    clock.t = -580.0
    api.model.advance()
    first, second = api.model.timeline_dump().model_dump()["spaces"]
    # the restart at -590 is read at the tick of -590, which closes bucket 9 ([-591, -590))
    assert first["state"] == ["Running"] * 9 + ["Ended"] * 11
    assert second["state"] == [None] * 9 + ["NotStarted"] * 11
    assert len(api.model._live_spaces) == 1
