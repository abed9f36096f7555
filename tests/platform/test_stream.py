"""A Space's stream as served: cached playlist and chunk bytes, end of stream, bad names."""

from __future__ import annotations

import pytest

from simspace.platform import SpaceStream
from simspace.scenario.platform import HlsSettings

EPOCH = 1_723_507_200.0


@pytest.fixture
def stream() -> SpaceStream:
    return SpaceStream(HlsSettings(), start_t=100.0, epoch_unix_s=EPOCH)


def test_playlist_is_rendered_once_per_published_segment(stream: SpaceStream) -> None:
    first = stream.playlist(104.0)
    assert stream.playlist(105.0) is first  # no new segment: the same bytes
    assert stream.playlist(107.0) is not first
    assert first.startswith(b"#EXTM3U\n")
    assert b"#EXT-X-PROGRAM-DATE-TIME:2024-08-13T00:01:40.000Z" in first


def test_playlist_ends_once_the_stream_ends(stream: SpaceStream) -> None:
    live = stream.playlist(120.0)
    assert not live.endswith(b"#EXT-X-ENDLIST\n")
    stream.end(120.0)
    assert stream.playlist(120.0).endswith(b"#EXT-X-ENDLIST\n")
    stream.end(500.0)  # ending twice keeps the first end
    assert stream.timeline.end_s == 120.0


def test_chunks_are_the_timelines_bytes_and_cached(stream: SpaceStream) -> None:
    name = stream.timeline.chunk_name(2)
    body = stream.chunk(name, 200.0)
    assert body == stream.timeline.segment_bytes(2)
    assert stream.chunk(name, 201.0) is body


@pytest.mark.parametrize(
    "name",
    [
        "chunk_1_0_a.aac",
        "../../etc/passwd",
        "chunk_..%2F_0_a.aac",
        "dynamic_playlist.m3u8",
        "",
        "chunk_" + "9" * 500 + "_0_a.aac",
    ],
)
def test_bad_chunk_names_are_not_served(stream: SpaceStream, name: str) -> None:
    assert stream.chunk(name, 1000.0) is None


def test_unpublished_chunks_are_not_served(stream: SpaceStream) -> None:
    assert stream.chunk(stream.timeline.chunk_name(50), 110.0) is None


def test_chunk_cache_is_bounded(stream: SpaceStream) -> None:
    for seq in range(200):
        assert stream.chunk(stream.timeline.chunk_name(seq), 10_000.0) is not None
    assert len(stream._chunks) <= 64
