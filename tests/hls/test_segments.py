"""The pure segment timeline: live edge, sliding window, names, PTS and segment bytes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from simspace.hls.aac import adts_frame
from simspace.hls.id3 import (
    PTS_MODULUS,
    TIMESTAMP_TAG_BYTES,
    parse_transport_stream_timestamp,
    transport_stream_timestamp_tag,
)
from simspace.hls.segments import (
    ChunkName,
    SegmentTimeline,
    format_chunk_name,
    frames_per_segment,
    parse_chunk_name,
)

EPOCH_UNIX_S = 1_723_507_200.0  # 2024-08-13T00:00:00Z
START_S = 10.0
D48 = 141 * 1024 / 48_000  # 3.008 s


def _timeline(**overrides: Any) -> SegmentTimeline:
    return dataclasses.replace(
        SegmentTimeline(start_s=START_S, epoch_unix_s=EPOCH_UNIX_S), **overrides
    )


@pytest.mark.parametrize(
    ("duration_s", "sample_rate_hz", "frames"),
    [
        (3.0, 48_000, 141),
        (3.0, 44_100, 129),
        (2.0, 48_000, 94),
        (6.0, 48_000, 281),
        (0.001, 48_000, 1),
    ],
)
def test_frames_per_segment_is_the_closest_whole_frame_count(
    duration_s: float, sample_rate_hz: int, frames: int
) -> None:
    assert frames_per_segment(duration_s, sample_rate_hz) == frames


@pytest.mark.parametrize("duration_s", [0.0, -3.0, float("nan"), float("inf")])
def test_frames_per_segment_rejects_bad_durations(duration_s: float) -> None:
    with pytest.raises(ValueError, match="segment_duration_s"):
        frames_per_segment(duration_s, 48_000)


def test_geometry_at_48k() -> None:
    timeline = _timeline()
    assert timeline.frames_per_segment == 141
    assert timeline.samples_per_segment == 144_384
    assert timeline.segment_duration_s == pytest.approx(3.008)
    assert timeline.target_duration_s == 4


def test_geometry_at_44k1() -> None:
    timeline = _timeline(sample_rate_hz=44_100)
    assert timeline.segment_duration_s == pytest.approx(129 * 1024 / 44_100)
    assert timeline.target_duration_s == 3


@pytest.mark.parametrize(
    ("t", "produced", "edge", "media_sequence"),
    [
        (-100.0, 0, None, 0),
        (0.0, 0, None, 0),
        (START_S, 0, None, 0),
        (START_S + D48 - 0.001, 0, None, 0),
        (START_S + D48, 1, 0, 0),  # published exactly when complete
        (START_S + 5 * D48, 5, 4, 0),
        (START_S + 5 * D48 + 0.5, 5, 4, 0),
        (START_S + 6 * D48, 6, 5, 1),
        (START_S + 1000 * D48 + 1.0, 1000, 999, 995),
    ],
)
def test_live_edge_and_window(
    t: float, produced: int, edge: int | None, media_sequence: int
) -> None:
    timeline = _timeline()
    assert timeline.produced_count(t) == produced
    assert timeline.live_edge(t) == edge
    assert timeline.media_sequence(t) == media_sequence
    window = timeline.window(t)
    assert [s.sequence for s in window] == list(range(media_sequence, produced))
    assert len(window) <= timeline.window_size
    assert not timeline.has_ended(t)


def test_window_size_parameter() -> None:
    timeline = _timeline(window_size=3)
    t = START_S + 10 * D48 + 0.1
    assert [s.sequence for s in timeline.window(t)] == [7, 8, 9]


def test_ended_stream_freezes_at_its_last_whole_segment() -> None:
    timeline = _timeline(end_s=START_S + 7 * D48 + 1.0)  # trailing second is dropped
    assert timeline.total_segments == 7
    before_end = START_S + 7 * D48 + 0.5
    assert timeline.produced_count(before_end) == 7
    assert not timeline.has_ended(before_end)
    for t in (START_S + 7 * D48 + 1.0, START_S + 500 * D48):
        assert timeline.has_ended(t)
        assert timeline.produced_count(t) == 7
        assert [s.sequence for s in timeline.window(t)] == [2, 3, 4, 5, 6]


def test_stream_ending_before_its_first_segment_has_none() -> None:
    timeline = _timeline(end_s=START_S + 1.0)
    assert timeline.total_segments == 0
    assert timeline.window(START_S + 100.0) == ()
    assert timeline.has_ended(START_S + 100.0)


def test_segment_metadata() -> None:
    timeline = _timeline()
    segment = timeline.segment(2)
    assert segment.sequence == 2
    assert segment.start_s == pytest.approx(START_S + 2 * D48)
    assert segment.duration_s == pytest.approx(D48)
    assert segment.start_unix_ns == 1_723_507_216_016_000_000
    assert segment.name == "chunk_1723507216016000000_2_a.aac"
    assert segment.pts_90khz == 2 * 270_720


def test_unix_ns_has_no_cumulative_drift_at_44k1() -> None:
    timeline = _timeline(sample_rate_hz=44_100, epoch_unix_s=0.0, start_s=0.0)
    seq = 1_000_000
    assert timeline.segment_start_unix_ns(seq) == seq * 132_096 * 10**9 // 44_100


def test_pts_is_continuous_and_wraps() -> None:
    timeline = _timeline(initial_pts_90khz=PTS_MODULUS - 300_000)
    assert timeline.pts_90khz(0) == PTS_MODULUS - 300_000
    assert timeline.pts_90khz(1) == PTS_MODULUS - 300_000 + 270_720
    assert timeline.pts_90khz(2) == 2 * 270_720 - 300_000  # wrapped past 2**33
    for seq in range(5):
        step = (timeline.pts_90khz(seq + 1) - timeline.pts_90khz(seq)) % PTS_MODULUS
        assert step == 270_720


def test_pts_at_44k1_tracks_total_samples() -> None:
    timeline = _timeline(sample_rate_hz=44_100)
    assert [timeline.pts_90khz(seq) for seq in range(3)] == [0, 269_583, 539_167]


def test_segment_bytes_are_tag_plus_frames() -> None:
    timeline = _timeline(initial_pts_90khz=123)
    body = timeline.segment_bytes(3)
    assert body[:TIMESTAMP_TAG_BYTES] == transport_stream_timestamp_tag(123 + 3 * 270_720)
    assert parse_transport_stream_timestamp(body) == 123 + 3 * 270_720
    assert body[TIMESTAMP_TAG_BYTES:] == adts_frame(48_000, 2, 96.0) * 141
    assert len(body) == timeline.segment_size_bytes == 73 + 141 * 256


def test_segment_bytes_differ_only_in_the_tag() -> None:
    timeline = _timeline()
    first, second = timeline.segment_bytes(0), timeline.segment_bytes(1)
    assert first[:TIMESTAMP_TAG_BYTES] != second[:TIMESTAMP_TAG_BYTES]
    assert first[TIMESTAMP_TAG_BYTES:] == second[TIMESTAMP_TAG_BYTES:]


def test_chunk_name_round_trip() -> None:
    name = format_chunk_name(1_723_507_210_000_000_000, 0)
    assert name == "chunk_1723507210000000000_0_a.aac"
    assert parse_chunk_name(name) == ChunkName(timestamp_ns=1_723_507_210_000_000_000, sequence=0)
    assert parse_chunk_name("chunk_0_12345_a.aac") == ChunkName(timestamp_ns=0, sequence=12345)


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../../etc/passwd",
        "../chunk_1_2_a.aac",
        "chunk_1_2_a.aac/../x",
        "/chunk_1_2_a.aac",
        "chunk_1_2_a.aac.exe",
        "chunk_1_2_a.aac\n",
        " chunk_1_2_a.aac",
        "chunk_abc_1_a.aac",
        "chunk_1_abc_a.aac",
        "chunk_1_2_b.aac",
        "chunk_1_2_a.ts",
        "chunk_1_2.aac",
        "chunk__2_a.aac",
        "chunk_1__a.aac",
        "chunk_-1_2_a.aac",
        "chunk_1_-2_a.aac",
        "chunk_+1_2_a.aac",
        "chunk_01_2_a.aac",
        "chunk_1_02_a.aac",
        "chunk_1_2_A.AAC",
        "CHUNK_1_2_a.aac",
        "chunk_1_2_a%2eaac",
        "chunk_\u0661_2_a.aac",  # Arabic-Indic digit one: not ASCII
        "chunk_1_\uff12_a.aac",  # fullwidth two
        "chunk_1_2_a.aac\x00",
        "chunk_" + "9" * 21 + "_2_a.aac",
        "chunk_1_" + "9" * 13 + "_a.aac",
        "chunk_1_" + "1" * 5000 + "_a.aac",
    ],
)
def test_parse_rejects_malformed_names(name: str) -> None:
    assert parse_chunk_name(name) is None
    assert _timeline().resolve_chunk_name(name, START_S + 1e6) is None


def test_resolve_accepts_published_segments_only() -> None:
    timeline = _timeline()
    t = START_S + 10 * D48 + 0.1  # sequences 0..9 published
    assert timeline.resolve_chunk_name(timeline.chunk_name(9), t) == 9
    assert timeline.resolve_chunk_name(timeline.chunk_name(0), t) == 0
    assert timeline.resolve_chunk_name(timeline.chunk_name(10), t) is None  # not yet produced
    assert timeline.resolve_chunk_name(timeline.chunk_name(0), START_S - 1.0) is None


def test_resolve_rejects_a_timestamp_that_does_not_match_the_sequence() -> None:
    timeline = _timeline()
    t = START_S + 10 * D48
    real = timeline.segment_start_unix_ns(3)
    assert timeline.resolve_chunk_name(format_chunk_name(real + 1, 3), t) is None
    assert (
        timeline.resolve_chunk_name(format_chunk_name(timeline.segment_start_unix_ns(4), 3), t)
        is None
    )


def test_resolve_with_a_caller_rule() -> None:
    timeline = _timeline()
    t = START_S + 10 * D48 + 0.1
    assert timeline.resolve_chunk_name(timeline.chunk_name(4), t, timeline.is_in_window) is None
    assert timeline.resolve_chunk_name(timeline.chunk_name(5), t, timeline.is_in_window) == 5
    assert timeline.resolve_chunk_name(timeline.chunk_name(5), t, lambda seq, now: False) is None


def test_resolve_rejects_sequences_past_the_end_of_an_ended_stream() -> None:
    timeline = _timeline(end_s=START_S + 3 * D48)
    huge = START_S + 1e9
    assert timeline.resolve_chunk_name(timeline.chunk_name(2), huge) == 2
    assert timeline.resolve_chunk_name(timeline.chunk_name(3), huge) is None


def test_availability_rules() -> None:
    timeline = _timeline()
    t = START_S + 8 * D48 + 0.1
    assert not timeline.is_available(-1, t)
    assert timeline.is_available(0, t)
    assert timeline.is_available(7, t)
    assert not timeline.is_available(8, t)
    assert not timeline.is_in_window(2, t)
    assert timeline.is_in_window(3, t)


@pytest.mark.parametrize(
    "overrides",
    [
        {"sample_rate_hz": 44_000},
        {"channels": 3},
        {"window_size": 0},
        {"end_s": START_S - 1.0},
        {"end_s": float("inf")},
        {"start_s": float("nan")},
        {"target_segment_duration_s": 0.0},
        {"bitrate_kbps": -1.0},
        {"epoch_unix_s": -1e6},
    ],
)
def test_invalid_timeline_parameters_raise(overrides: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"."):
        _timeline(**overrides)


def test_nan_event_time_raises() -> None:
    with pytest.raises(ValueError, match="NaN"):
        _timeline().produced_count(float("nan"))


def test_negative_sequence_raises() -> None:
    with pytest.raises(ValueError, match="sequence"):
        _timeline().segment(-1)
