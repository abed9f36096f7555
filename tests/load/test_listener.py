"""The listener script on a fake clock: waiting room, join, play, patience, retries, boots."""

from __future__ import annotations

import random

import pytest

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply
from simspace.load.listener import Listener
from simspace.plan import Plan, make_plan
from simspace.scenario.audience import ClientPolicy, RejoinPolicy, RetryPolicy
from tests.load.fakes import FakeSpaces, ListRecorder, drive, error
from tests.load.scenarios import small_scenario


def _listener(
    plan: Plan, client: ClientPolicy, clock: FakeClock, recorder: ListRecorder, listening_s: float
) -> Listener:
    return Listener(
        ident=7,
        arrival_t=-300.0,
        plan=plan,
        client=client,
        listening_s=listening_s,
        clock=clock,
        recorder=recorder,
        rng=random.Random(1),
    )


@pytest.fixture
def plan() -> Plan:
    return make_plan(small_scenario(), speedup=10.0, population_scale=0.01)


def test_waits_for_the_space_then_plays_and_leaves(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(patience=3600.0)
    calls = drive(_listener(plan, client, clock, recorder, 600.0).script(), clock, FakeSpaces(0.0))
    kinds = recorder.kinds()
    assert kinds[:2] == ["arrived", "waiting"]
    assert kinds[-1] == "left"
    assert "playing" in kinds
    playing = next(s for s in recorder.states if s[2] == "playing")
    assert playing[0] >= 0.0, "no audio before the Space is live"
    assert float(playing[3]["waited_s"] or 0.0) >= 300.0
    left = recorder.states[-1][0]
    assert left == pytest.approx(playing[0] + 600.0, abs=plan.playlist_poll.wall_interval_s * 11)
    metadata_polls = [c for c in calls if c.name == "api: space metadata"]
    # The polls stand for every real poll of the wait (one every 10 s), the first for one.
    assert metadata_polls[0].weight == pytest.approx(plan.listener_weight)
    real_polls = sum(c.weight for c in metadata_polls) / plan.listener_weight
    assert real_polls == pytest.approx(1 + (playing[0] + 300.0) / 10.0, abs=1.5)
    assert any(c.name == "cdn: chunk" for c in calls)
    assert recorder.failures == []


def test_a_waiting_listener_notices_the_start_within_one_real_poll(plan: Plan) -> None:
    """Coalesced polls are far apart (the plan's metadata cadence is coarser than 10 s), yet
    the listener joins within one real poll interval of the Space going live."""
    assert plan.metadata_poll.wall_interval_s * plan.speedup > 10.0
    for seed in range(20):
        clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
        listener = _listener(plan, ClientPolicy(patience=3600.0), clock, recorder, 600.0)
        listener.rng = random.Random(seed)
        drive(listener.script(), clock, FakeSpaces(live_at=7.0))
        joining = next(t for t, _, kind, _ in recorder.states if kind == "joining")
        assert 7.0 <= joining <= 17.0


def test_a_listener_who_joins_at_go_live_hears_audio_within_real_reloads(plan: Plan) -> None:
    """The first playlist may hold no audio yet: the player looks again at the real reload
    cadence, not one compressed interval later."""
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    no_audio_until = 9.0

    def late_audio(call: Call, t: float) -> Reply | None:
        if call.path.endswith(".m3u8") and t < no_audio_until:
            return Reply(200, b"#EXTM3U\n#EXT-X-TARGETDURATION:3\n#EXT-X-MEDIA-SEQUENCE:0\n")
        return None

    listener = _listener(plan, ClientPolicy(patience=3600.0), clock, recorder, 600.0)
    drive(listener.script(), clock, FakeSpaces(live_at=0.0, fail=late_audio))
    playing = next(details for _, _, kind, details in recorder.states if kind == "playing")
    assert (
        float(playing["ttfa_s"] or 0.0) <= no_audio_until + 2 * plan.playlist_poll.event_interval_s
    )
    assert (
        plan.playlist_poll.wall_interval_s * plan.speedup > 4 * plan.playlist_poll.event_interval_s
    )


def test_gives_up_after_patience_when_the_space_never_starts(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(patience=900.0)
    drive(_listener(plan, client, clock, recorder, 600.0).script(), clock, FakeSpaces(1e8))
    assert recorder.kinds()[-1] == "gave_up"
    waited = float(recorder.states[-1][3]["waited_s"] or 0.0)
    assert 900.0 <= waited <= 900.0 + plan.metadata_poll.wall_interval_s * 10 * 1.3


def test_overload_errors_are_retried_per_policy_and_recorded_with_their_text(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(patience=200.0, retries=RetryPolicy(attempts=3, backoff_base=1.0))

    def overloaded(call: Call, t: float) -> Reply | None:
        return error(503, "Details not available", "overload") if call.tier == "api" else None

    calls = drive(
        _listener(plan, client, clock, recorder, 600.0).script(), clock,
        FakeSpaces(0.0, fail=overloaded),
    )  # fmt: skip
    assert recorder.kinds()[-1] == "gave_up"
    assert {f[2] for f in recorder.failures} == {"Details not available"}
    assert len(recorder.failures) == len(calls)
    # each poll is tried exactly `attempts` times before the listener waits for the next poll
    first = [c.path for c in calls[:4]]
    assert first[:3] == ["/api/spaces/live"] * 3


def test_no_retry_on_a_refusal_that_will_not_change(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(patience=100.0)

    def capped(call: Call, t: float) -> Reply | None:
        if call.path.endswith("/watching/start"):
            return error(403, "This Space is not available", "listener_cap")
        return None

    calls = drive(
        _listener(plan, client, clock, recorder, 600.0).script(), clock,
        FakeSpaces(-400.0, fail=capped),
    )  # fmt: skip
    starts = [c for c in calls if c.path.endswith("/watching/start")]
    polls = [c for c in calls if c.name == "api: space metadata"]
    assert len(starts) == len(polls)  # one attempt per join, no retries


def test_booted_listener_rejoins_when_policy_says_so(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(
        patience=3600.0, rejoin=RejoinPolicy(probability=1.0, delay=30.0, max_times=1)
    )
    spaces = FakeSpaces(0.0, booted_at=600.0)
    drive(_listener(plan, client, clock, recorder, 3000.0).script(), clock, spaces)
    kinds = recorder.kinds()
    assert kinds.count("booted") == 2  # booted, rejoined, booted again: out of rejoins
    assert kinds.count("rejoin") == 1
    assert kinds[-1] == "booted"


def test_space_end_is_seen_from_the_playlist(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(patience=3600.0, rejoin=RejoinPolicy(probability=0.0))
    drive(_listener(plan, client, clock, recorder, 9000.0).script(), clock,
          FakeSpaces(0.0, ends_at=1200.0))  # fmt: skip
    assert recorder.kinds()[-1] == "space_ended"
    assert recorder.states[-1][0] >= 1200.0


def test_stalls_only_when_audio_fails_for_longer_than_the_holdback(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(patience=3600.0)

    def cdn_outage(call: Call, t: float) -> Reply | None:
        if call.tier == "cdn" and 600.0 <= t < 900.0:
            return error(503, "overloaded", "overload")
        return None

    drive(_listener(plan, client, clock, recorder, 2000.0).script(), clock,
          FakeSpaces(0.0, fail=cdn_outage))  # fmt: skip
    stalls = [s for s in recorder.states if s[2] == "stall"]
    assert len(stalls) == 1
    stall_s = float(stalls[0][3]["stall_s"] or 0.0)
    assert 300.0 - 9.0 - 30.0 <= stall_s <= 300.0 + 30.0
    assert recorder.kinds()[-1] == "left"


def test_no_stall_when_every_coalesced_reload_succeeds(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    drive(_listener(plan, ClientPolicy(), clock, recorder, 2000.0).script(), clock,
          FakeSpaces(0.0))  # fmt: skip
    assert "stall" not in recorder.kinds()


def test_a_listener_who_finds_the_space_ended_leaves_or_rejoins_per_policy(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    client = ClientPolicy(
        patience=3600.0, rejoin=RejoinPolicy(probability=1.0, delay=60.0, max_times=2)
    )
    listener = _listener(plan, client, clock, recorder, 600.0)
    listener.arrival_t = 2000.0
    calls = drive(listener.script(), clock, FakeSpaces(0.0, ends_at=1200.0))
    assert recorder.kinds() == [
        "arrived", "waiting", "space_ended", "rejoin", "waiting", "space_ended",
        "rejoin", "waiting", "space_ended",
    ]  # fmt: skip
    assert len(calls) == 6  # live + metadata, three times
