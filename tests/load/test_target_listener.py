"""The target-mode listener on a fake clock: a real HLS player's cadence, buffer and stalls, the
sliding window, the end of the stream, patience, and the URL fence."""

from __future__ import annotations

import itertools

import pytest

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply
from simspace.load.realtime_player import PlaybackBuffer
from simspace.plan import Plan, make_plan
from simspace.scenario.audience import RejoinPolicy, RetryPolicy
from tests.load.fakes import drive, error
from tests.load.scenarios import small_scenario
from tests.load.target_fakes import (
    MASTER,
    MEDIA,
    ORIGIN,
    FakeLive,
    SegmentRecorder,
    media_body,
    play,
    policy,
    target_listener,
)

EXPIRED = "segment expired before download"


@pytest.fixture
def plan() -> Plan:
    return make_plan(small_scenario(), speedup=1.0, population_scale=0.01)


def test_plays_from_the_live_edge_and_leaves_after_its_listening_time(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    calls = play(plan, live, recorder, listening_s=60.0)
    # at t=31 the window holds 10..14: start at the third-last, then every new one in order
    segments = [seq for _, seq in live.segment_calls()]
    assert segments[:3] == [12, 13, 14]
    assert segments == list(range(12, segments[-1] + 1))
    assert recorder.kinds() == ["arrived", "waiting", "joining", "playing", "left"]
    assert recorder.at("playing") == [(31.0, {"ttfa_s": 0.0, "waited_s": 0.0})]
    assert recorder.at("left")[0][0] == 91.0
    assert all(c.weight == plan.listener_weight == 100.0 for c in calls)
    assert {c.name for c in calls} == {"cdn: playlist", "cdn: segment"}
    assert all(c.path.startswith(ORIGIN) for c in calls)
    assert recorder.failures == []


def test_a_short_window_starts_at_its_first_segment(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    play(plan, live, recorder, arrival_t=4.5, listening_s=10.0)
    assert [seq for _, seq in live.segment_calls()][:2] == [0, 1]


def test_a_master_playlist_leads_to_its_first_variant(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock)
    calls = play(plan, live, recorder, playlist_url=MASTER, listening_s=10.0)
    urls = [c.path for c in calls]
    assert urls[:3] == [
        MASTER,
        f"{ORIGIN}/live/audio/stream.m3u8",
        f"{ORIGIN}/live/audio/live12.ts",
    ]
    assert urls.count(MASTER) == 1  # reloads go to the media playlist
    assert "playing" in recorder.kinds()


def test_reload_cadence_full_target_after_a_change_half_after_none(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    bodies = [media_body(0, 3), media_body(0, 3), media_body(0, 4), media_body(0, 4)]
    bodies.append(media_body(1, 5))
    playlist_times: list[float] = []
    segment_times: list[tuple[float, str]] = []

    def origin(call: Call, t: float) -> Reply:
        if call.path.endswith(".m3u8"):
            playlist_times.append(t)
            clock.advance(0.25)  # reloads are timed from when each began
            return Reply(200, bodies[min(len(playlist_times) - 1, len(bodies) - 1)])
        segment_times.append((t, call.path.rsplit("/", 1)[-1]))
        return Reply(200, b"\x47" * 188)

    listener = target_listener(plan, clock, recorder, arrival_t=10.0, listening_s=7.0)
    drive(listener.script(), clock, origin)
    # loaded 10: +2 -> 12 unchanged: +1 -> 13 added: +2 -> 15 unchanged: +1 -> 16 added;
    # first audio at 10.25, so it leaves at 17.25
    assert playlist_times == [10.0, 12.0, 13.0, 15.0, 16.0]
    assert segment_times == [
        (10.25, "live0.ts"), (10.25, "live1.ts"), (10.25, "live2.ts"),
        (13.25, "live3.ts"), (16.25, "live4.ts"),
    ]  # fmt: skip
    assert recorder.at("left")[0][0] == 17.25


def test_pending_segments_are_fetched_back_to_back_and_timed(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, latency=lambda call, t: 0.5 if call.path.endswith(".ts") else 0.0)
    play(plan, live, recorder, listening_s=30.0)
    assert live.segment_calls()[:4] == [(31.0, 12), (31.5, 13), (32.0, 14), (33.0, 15)]
    assert recorder.segments[:3] == [
        (31.5, 0.5, 2.0, True), (32.0, 0.5, 2.0, True), (32.5, 0.5, 2.0, True),
    ]  # fmt: skip
    assert recorder.at("playing") == [(31.5, {"ttfa_s": 0.5, "waited_s": 0.5})]
    assert recorder.at("left")[0][0] == 61.5


def test_a_slow_segment_stalls_playback_from_when_the_buffer_ran_dry(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()

    def slow_16(call: Call, t: float) -> float:
        return 7.0 if call.path.endswith("/live16.ts") else 0.0

    live = FakeLive(clock, latency=slow_16)
    play(plan, live, recorder, listening_s=120.0)
    # 12..14 at 31 and 15 at 33 buffer 8 s: dry at 39; 16, asked at 35, arrives at 42
    assert recorder.at("stall") == [(42.0, {"stall_s": 3.0})]
    assert (42.0, 7.0, 2.0, True) in recorder.segments
    assert recorder.kinds()[-1] == "left"


def test_no_stall_when_downloads_keep_up(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, latency=lambda call, t: 1.5 if call.path.endswith(".ts") else 0.1)
    play(plan, live, recorder, listening_s=600.0)
    assert "stall" not in recorder.kinds()
    assert recorder.kinds()[-1] == "left"
    assert len(recorder.segments) > 290
    assert all(
        ok and download_s == pytest.approx(1.5) for _, download_s, _, ok in recorder.segments
    )
    assert recorder.failures == []


def test_downloads_slower_than_real_time_stall_again_and_again(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, latency=lambda call, t: 2.5 if call.path.endswith(".ts") else 0.0)
    play(plan, live, recorder, listening_s=300.0)
    stalls = [float(extra["stall_s"] or 0.0) for _, extra in recorder.at("stall")]
    assert len(stalls) > 10
    assert all(0.0 < s <= 2.5 for s in stalls)


def test_a_failed_segment_is_retried_with_backoff_then_skipped(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    overloaded = error(503, "Service Unavailable", "overload")
    live = FakeLive(clock, fail=lambda call, t: overloaded if "/live13." in call.path else None)
    client = policy(retries=RetryPolicy(attempts=3, backoff_base=1.0, jitter="none"))
    play(plan, live, recorder, client=client, listening_s=30.0)
    assert live.segment_calls()[:5] == [(31.0, 12), (31.0, 13), (32.0, 13), (34.0, 13), (34.0, 14)]
    assert [f[2] for f in recorder.failures] == ["Service Unavailable"] * 3
    assert [ok for *_, ok in recorder.segments[:5]] == [True, False, False, False, True]
    # 12 plays 31..33; without 13 the next audio is 14, at 34
    assert recorder.at("stall") == [(34.0, {"stall_s": 1.0})]


def test_a_restarted_stream_is_followed_from_its_new_live_edge(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    bodies = [media_body(100, 105), media_body(0, 4)]
    fetched: list[str] = []

    def origin(call: Call, t: float) -> Reply:
        if call.path.endswith(".m3u8"):
            return Reply(200, bodies[0] if t < 12.0 else bodies[1])
        fetched.append(call.path.rsplit("/", 1)[-1])
        return Reply(200, b"\x47" * 188)

    drive(
        target_listener(plan, clock, recorder, arrival_t=10.0, listening_s=5.0).script(),
        clock,
        origin,
    )
    assert fetched == ["live102.ts", "live103.ts", "live104.ts", "live1.ts", "live2.ts", "live3.ts"]


def test_a_segment_that_left_the_window_is_skipped_and_the_player_jumps_to_the_edge(
    plan: Plan,
) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, latency=lambda call, t: 30.0 if call.path.endswith("/live16.ts") else 0)
    play(plan, live, recorder, listening_s=60.0)
    # 16 is asked at 35 and arrives at 65, when the window holds 27..31: 17..26 expired
    expired = [f for f in recorder.failures if f[2] == EXPIRED]
    assert expired == [(65.0, "cdn", EXPIRED, 100.0)] * 10
    segments = [seq for _, seq in live.segment_calls()]
    assert segments[segments.index(16) + 1 : segments.index(16) + 4] == [29, 30, 31]
    assert recorder.at("stall") == [(65.0, {"stall_s": 26.0})]


def test_endlist_plays_out_the_buffer_then_the_space_has_ended(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, end_t=60.0)
    calls = play(plan, live, recorder)
    assert [seq for _, seq in live.segment_calls()] == list(range(12, 30))
    # 6 s buffered at 31, +2 s per segment 15..29 in real time: the last audio plays until 67
    assert recorder.kinds()[-1] == "space_ended"
    assert recorder.states[-1][0] == 67.0
    assert live.playlist_calls()[-1] == 61.0  # no reload after EXT-X-ENDLIST
    assert calls[-1].name == "cdn: segment"
    assert "stall" not in recorder.kinds()
    assert recorder.failures == []


def test_an_ended_playlist_at_join_means_the_space_has_ended(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, end_t=20.0)
    calls = play(plan, live, recorder)
    assert recorder.kinds() == ["arrived", "waiting", "joining", "space_ended"]
    assert len(calls) == 1


def test_a_playlist_gone_404_ends_the_space_and_rejoin_follows_the_policy(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, gone_t=50.0)
    client = policy(patience=45.0, rejoin=RejoinPolicy(probability=1.0, delay=30.0, max_times=1))
    play(plan, live, recorder, client=client)
    assert recorder.kinds() == [
        "arrived", "waiting", "joining", "playing", "space_ended",
        "rejoin", "waiting", "joining", "gave_up",
    ]  # fmt: skip
    assert recorder.at("space_ended")[0][0] == 51.0  # the first reload after the playlist went
    assert recorder.at("rejoin")[0][0] == 81.0
    assert recorder.at("gave_up") == [(126.0, {"waited_s": 45.0})]
    assert ("cdn", "Not Found") in {(f[1], f[2]) for f in recorder.failures}


def test_gives_up_after_patience_polling_a_missing_playlist(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, gone_t=0.0)
    calls = play(plan, live, recorder, client=policy(patience=120.0))
    assert recorder.kinds() == ["arrived", "waiting", "joining", "gave_up"]
    assert recorder.at("gave_up") == [(151.0, {"waited_s": 120.0})]
    times = live.playlist_calls()
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert all(8.0 <= gap <= 12.0 for gap in gaps)  # metadata_poll_interval 10 s, +-20%
    assert len(calls) == len(times) >= 10


def test_first_fetch_is_retried_per_policy(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    overloaded = error(503, "Service Unavailable", "overload")
    live = FakeLive(clock, fail=lambda call, t: overloaded if t < 45.0 else None)
    client = policy(retries=RetryPolicy(attempts=3, backoff_base=1.0, jitter="none"))
    play(plan, live, recorder, client=client, listening_s=10.0)
    times = live.playlist_calls()
    assert times[:3] == [31.0, 32.0, 34.0]  # tried, then after 1 s and 2 s of backoff
    assert 42.0 <= times[3] <= 46.0  # the next look, a poll interval later
    assert {f[2] for f in recorder.failures} == {"Service Unavailable"}
    assert "playing" in recorder.kinds()


def test_an_empty_live_playlist_is_reloaded_until_patience(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, start_t=1e6)
    play(plan, live, recorder, client=policy(patience=20.0))
    times = live.playlist_calls()
    assert times[:3] == [31.0, 33.0, 34.0]  # a full target duration after loading, then half
    assert all(b - a == 1.0 for a, b in itertools.pairwise(times[1:]))
    assert recorder.at("gave_up") == [(51.0, {"waited_s": 20.0})]


def test_first_audio_once_the_stream_starts_counts_from_the_join(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    live = FakeLive(clock, start_t=40.0)
    play(plan, live, recorder, listening_s=20.0)
    [(t, extra)] = recorder.at("playing")
    assert t == 42.0  # the first segment completes at 42: reloads at 33, 34, ... 42
    assert extra == {"ttfa_s": 11.0, "waited_s": 11.0}


def test_a_bad_playlist_reload_is_recorded_and_playback_goes_on(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    html = Reply(200, b"<html><body><h1>502 Bad Gateway</h1></body></html>")
    live = FakeLive(
        clock, fail=lambda call, t: html if call.path.endswith(".m3u8") and t == 35.0 else None
    )
    play(plan, live, recorder, listening_s=30.0)
    reason = "no #EXTM3U header (starts with '<html><body><h1>502 Bad Gateway</h1></bo')"
    assert recorder.failures == [(35.0, "cdn", f"bad playlist: {reason}", 100.0)]
    assert 36.0 in live.playlist_calls()  # tried again after half a target duration
    assert recorder.kinds()[-1] == "left"


def test_a_url_outside_the_target_is_never_requested(plan: Plan) -> None:
    clock, recorder = FakeClock(t=0.0), SegmentRecorder()
    evil = "https://evil.example/live/stream.m3u8"
    calls_seen: list[str] = []

    def origin(call: Call, t: float) -> Reply:
        calls_seen.append(call.path)
        if call.path == MASTER:
            return Reply(200, f"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n{evil}\n".encode())
        return Reply(
            200, b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://evil.example/a.ts\n"
        )

    listener = target_listener(
        plan, clock, recorder, playlist_url=MASTER, client=policy(patience=30)
    )
    drive(listener.script(), clock, origin)
    assert set(calls_seen) == {MASTER}
    refused = "refused: evil.example is outside the allowed target (see --allow-remote)"
    assert {f[2] for f in recorder.failures} == {refused}
    assert recorder.kinds()[-1] == "gave_up"

    clock, recorder, calls_seen[:] = FakeClock(t=0.0), SegmentRecorder(), []
    listener = target_listener(plan, clock, recorder, client=policy(patience=30))
    drive(listener.script(), clock, origin)
    assert set(calls_seen) == {MEDIA}
    assert {f[2] for f in recorder.failures} == {refused}
    assert recorder.segments
    assert not any(ok for *_, ok in recorder.segments)
    assert "playing" not in recorder.kinds()


def test_playback_buffer_model() -> None:
    buffer = PlaybackBuffer()
    assert buffer.add(10.0, 2.0) == 0.0  # first audio: playback starts now
    assert buffer.add(10.0, 2.0) == 0.0
    assert buffer.empty_at == 14.0
    assert buffer.add(14.0, 2.0) == 0.0  # just in time
    assert buffer.add(19.5, 2.0) == 3.5  # dry at 16
    assert buffer.empty_at == 21.5
    assert buffer.first_audio_t == 10.0
