"""Structure of the rendered live media playlist at different event times."""

from __future__ import annotations

import re

import pytest

from simspace.hls.playlist import (
    format_extinf,
    format_program_date_time,
    render_media_playlist,
    render_playlist,
)
from simspace.hls.segments import SegmentTimeline

EPOCH_UNIX_S = 1_723_507_200.0  # 2024-08-13T00:00:00Z
START_S = 10.0
D48 = 141 * 1024 / 48_000
PDT = re.compile(r"#EXT-X-PROGRAM-DATE-TIME:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def _lines(text: str) -> list[str]:
    assert text.endswith("\n")
    return text.splitlines()


def test_live_window_structure() -> None:
    timeline = SegmentTimeline(start_s=START_S, epoch_unix_s=EPOCH_UNIX_S)
    t = START_S + 12 * D48 + 1.0
    lines = _lines(render_media_playlist(timeline, t))
    assert lines[:4] == [
        "#EXTM3U",
        "#EXT-X-VERSION:3",
        "#EXT-X-TARGETDURATION:4",
        "#EXT-X-MEDIA-SEQUENCE:7",
    ]
    body = lines[4:]
    assert len(body) == 3 * 5
    for index, seq in enumerate(range(7, 12)):
        pdt, extinf, uri = body[3 * index : 3 * index + 3]
        assert PDT.fullmatch(pdt)
        assert extinf == "#EXTINF:3.008,"
        assert uri == timeline.chunk_name(seq)
    assert "#EXT-X-ENDLIST" not in lines


def test_program_date_time_matches_the_chunk_timestamp() -> None:
    timeline = SegmentTimeline(start_s=START_S, epoch_unix_s=EPOCH_UNIX_S, window_size=2)
    lines = _lines(render_media_playlist(timeline, START_S + 3 * D48))
    assert lines[4:] == [
        "#EXT-X-PROGRAM-DATE-TIME:2024-08-13T00:00:13.008Z",
        "#EXTINF:3.008,",
        "chunk_1723507213008000000_1_a.aac",
        "#EXT-X-PROGRAM-DATE-TIME:2024-08-13T00:00:16.016Z",
        "#EXTINF:3.008,",
        "chunk_1723507216016000000_2_a.aac",
    ]


def test_before_the_first_segment_the_playlist_is_empty() -> None:
    timeline = SegmentTimeline(start_s=START_S, epoch_unix_s=EPOCH_UNIX_S)
    for t in (0.0, START_S, START_S + D48 - 0.01):
        assert _lines(render_media_playlist(timeline, t)) == [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            "#EXT-X-TARGETDURATION:4",
            "#EXT-X-MEDIA-SEQUENCE:0",
        ]


def test_ended_stream_gets_endlist() -> None:
    timeline = SegmentTimeline(start_s=START_S, epoch_unix_s=EPOCH_UNIX_S, end_s=START_S + 8 * D48)
    live = _lines(render_media_playlist(timeline, START_S + 8 * D48 - 0.5))
    assert "#EXT-X-ENDLIST" not in live
    ended = _lines(render_media_playlist(timeline, START_S + 8 * D48 + 100.0))
    assert ended[-1] == "#EXT-X-ENDLIST"
    assert ended.count("#EXT-X-ENDLIST") == 1
    assert ended[3] == "#EXT-X-MEDIA-SEQUENCE:3"
    assert ended[-2] == timeline.chunk_name(7)


def test_44k1_durations() -> None:
    timeline = SegmentTimeline(start_s=0.0, epoch_unix_s=EPOCH_UNIX_S, sample_rate_hz=44_100)
    lines = _lines(render_media_playlist(timeline, 10.0))
    assert "#EXT-X-TARGETDURATION:3" in lines
    assert "#EXTINF:2.995," in lines


def test_render_playlist_from_explicit_segments() -> None:
    timeline = SegmentTimeline(start_s=0.0, epoch_unix_s=EPOCH_UNIX_S)
    text = render_playlist(
        [timeline.segment(0), timeline.segment(1)],
        target_duration_s=4,
        media_sequence=0,
        ended=True,
    )
    assert text.count("#EXTINF:") == 2
    assert text.endswith("#EXT-X-ENDLIST\n")


@pytest.mark.parametrize(
    ("unix_ns", "expected"),
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (1_723_507_200_000_000_000, "2024-08-13T00:00:00.000Z"),
        (1_723_507_213_008_999_999, "2024-08-13T00:00:13.008Z"),  # truncated, never rounded up
        (1_723_507_199_999_999_999, "2024-08-12T23:59:59.999Z"),
    ],
)
def test_format_program_date_time(unix_ns: int, expected: str) -> None:
    assert format_program_date_time(unix_ns) == expected


@pytest.mark.parametrize(
    ("duration_s", "expected"),
    [(3.008, "#EXTINF:3.008,"), (3.0, "#EXTINF:3.000,"), (129 * 1024 / 44_100, "#EXTINF:2.995,")],
)
def test_format_extinf(duration_s: float, expected: str) -> None:
    assert format_extinf(duration_s) == expected
