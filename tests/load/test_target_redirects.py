"""The target-mode listener behind a driver that follows redirects as the load process does
(`fetching.follow_redirects`), on a fake clock: where segments resolve after a redirect, what an
endless redirect costs, and the size cap each segment request carries."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply
from simspace.load.fetching import (
    MAX_REDIRECTS,
    Answer,
    BoundedCall,
    follow_redirects,
    segment_cap_bytes,
)
from simspace.plan import Plan, make_plan
from tests.load.fakes import drive
from tests.load.scenarios import small_scenario
from tests.load.target_fakes import (
    MASTER,
    MEDIA,
    ORIGIN,
    FakeLive,
    SegmentRecorder,
    policy,
    target_listener,
)

EDGE = f"{ORIGIN}/edge/7"


@pytest.fixture
def plan() -> Plan:
    return make_plan(small_scenario(), speedup=1.0, population_scale=0.01)


@dataclass
class RedirectingDriver:
    """The load process's driver in miniature: `moves` answer 302 to their Location, anything
    else is the live origin's; every hop is a request, as the origin's log shows."""

    live: FakeLive
    moves: dict[str, str]
    calls: list[Call] = field(default_factory=list)

    def __call__(self, call: Call, t: float) -> Reply:
        self.calls.append(call)

        def send(method: str, url: str) -> Answer:
            if url in self.moves:
                self.live.log.append((t, url))
                return Answer(302, location=self.moves[url])
            reply = self.live(replace(call, method="GET", path=url), t)
            return Answer(reply.status, reply.body, reply.error)

        return follow_redirects(call.method, call.path, send, lambda url: url.startswith(ORIGIN))


def test_segments_resolve_against_the_playlist_s_final_url_and_reloads_go_to_its_own(
    plan: Plan,
) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    driver = RedirectingDriver(live, {MEDIA: f"{EDGE}/stream.m3u8"})
    listener = target_listener(plan, clock, recorder, listening_s=20.0)
    drive(listener.script(), clock, driver)
    sent = [path for _, path in live.log]
    segments = [path for path in sent if path.endswith(".ts")]
    assert segments
    assert all(path.startswith("/edge/7/live") for path in segments)
    assert recorder.kinds() == ["arrived", "waiting", "joining", "playing", "left"]
    assert recorder.failures == []
    playlists = [call.path for call in driver.calls if call.name == "cdn: playlist"]
    assert len(playlists) > 3
    assert set(playlists) == {MEDIA}
    # every load of it is two requests: the redirect, then the playlist where it moved
    assert sent.count(MEDIA) == sent.count("/edge/7/stream.m3u8") == len(playlists)


def test_a_master_playlist_behind_a_redirect_leads_to_its_variant_beside_where_it_moved(
    plan: Plan,
) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    driver = RedirectingDriver(live, {MASTER: f"{EDGE}/master.m3u8"})
    listener = target_listener(plan, clock, recorder, listening_s=10.0, playlist_url=MASTER)
    drive(listener.script(), clock, driver)
    asked = [call.path for call in driver.calls]
    assert asked[:2] == [MASTER, f"{EDGE}/audio/stream.m3u8"]  # the first variant, resolved there
    assert all(path.startswith(f"{EDGE}/audio/live") for path in asked if path.endswith(".ts"))


def test_an_endless_redirect_costs_a_bounded_number_of_requests_at_the_client_s_pace(
    plan: Plan,
) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    driver = RedirectingDriver(live, {MEDIA: MEDIA})
    client = policy(patience=60.0, metadata_poll_interval=2.0)
    listener = target_listener(plan, clock, recorder, client=client)
    drive(listener.script(), clock, driver)
    attempts = len(driver.calls)
    assert len(live.log) == attempts * (MAX_REDIRECTS + 1)  # each hop was a request
    # a redirect is not retried at once: the listener looks again at its own cadence, until
    # its patience runs out (60 s at ~2 s apart)
    assert 20 <= attempts <= 60 / (2.0 * 0.8) + 1
    assert recorder.kinds()[-1] == "gave_up"
    assert {message for _, _, message, _ in recorder.failures} == {"too many redirects (over 5)"}


def test_a_redirect_off_the_target_is_a_recorded_error_and_never_requested(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    away = {f"{ORIGIN}/live/live{n}.ts": f"http://10.9.8.7/live{n}.ts" for n in range(15, 17)}
    driver = RedirectingDriver(live, away)
    drive(target_listener(plan, clock, recorder, listening_s=30.0).script(), clock, driver)
    assert not any("10.9.8.7" in path for _, path in live.log)
    refused = [m for _, _, m, _ in recorder.failures if m.startswith("refused: 10.9.8.7")]
    assert len(refused) == 2  # once each: a refusal is not retried
    assert sum(1 for *_, ok in recorder.segments if not ok) == 2
    assert recorder.kinds()[-1] == "left"  # playback went on past them


def test_each_segment_request_carries_the_cap_its_duration_gives(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, segment_s=2.0)
    listener = target_listener(plan, clock, recorder, listening_s=10.0)
    listener.max_bitrate_bps = 500_000.0
    calls = drive(listener.script(), clock, live)
    segments = [call for call in calls if call.name == "cdn: segment"]
    assert segments
    assert all(isinstance(call, BoundedCall) for call in segments)
    caps = {call.max_body_bytes for call in segments if isinstance(call, BoundedCall)}
    assert caps == {segment_cap_bytes(2.0, 500_000.0)} == {250_000}


def test_a_segment_over_its_cap_is_a_failed_download_and_playback_goes_on(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    oversized = f"{ORIGIN}/live/live13.ts"
    live = FakeLive(
        clock,
        fail=lambda call, t: (
            Reply(0, error="segment over size cap") if call.path == oversized else None
        ),
    )
    drive(target_listener(plan, clock, recorder, listening_s=30.0).script(), clock, live)
    over = [m for _, _, m, _ in recorder.failures if m == "segment over size cap"]
    assert len(over) == 3  # the policy's attempts (a dropped connection is retried)
    assert recorder.kinds()[-1] == "left"
