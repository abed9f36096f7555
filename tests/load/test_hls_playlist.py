"""Reading HLS playlists as a player does: ffmpeg's live output, simspace's own stub, masters,
and anything malformed turning into a PlaylistError (never another exception)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from simspace.hls.playlist import render_media_playlist
from simspace.hls.segments import SegmentTimeline
from simspace.load.hls_playlist import (
    MasterPlaylist,
    MediaPlaylist,
    MediaSegment,
    PlaylistError,
    VariantStream,
    parse_playlist,
    resolve,
)

# What `ffmpeg -f hls -hls_time 2 -hls_list_size 4 -hls_flags delete_segments` writes mid-stream.
FFMPEG_LIVE = b"""#EXTM3U
#EXT-X-VERSION:3
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:5
#EXTINF:2.000000,
live5.ts
#EXTINF:2.000000,
live6.ts
#EXTINF:2.000000,
live7.ts
#EXTINF:1.984000,
live8.ts
"""

APPLE_MASTER = b"""#EXTM3U
#EXT-X-VERSION:4
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="English, main",DEFAULT=YES,URI="audio/en.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",URI="subs/en.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Commentary",DEFAULT=NO
#EXT-X-STREAM-INF:BANDWIDTH=128000,CODECS="mp4a.40.2,avc1.4d401e",AUDIO="aac"
low/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,URI="low/iframe.m3u8"
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=200000,BANDWIDTH=256000,CODECS="mp4a.40.2"
https://cdn.example/hi/index.m3u8
"""

EPOCH_UNIX_S = 1_723_507_200.0


def test_ffmpeg_live_playlist() -> None:
    playlist = parse_playlist(FFMPEG_LIVE)
    assert isinstance(playlist, MediaPlaylist)
    assert playlist.target_duration_s == 2.0
    assert playlist.media_sequence == 5
    assert not playlist.ended
    assert playlist.segments == (
        MediaSegment(5, "live5.ts", 2.0),
        MediaSegment(6, "live6.ts", 2.0),
        MediaSegment(7, "live7.ts", 2.0),
        MediaSegment(8, "live8.ts", 1.984),
    )
    assert playlist.end_sequence == 9
    assert playlist.segment(7) == MediaSegment(7, "live7.ts", 2.0)
    assert playlist.segment(4) is None
    assert playlist.segment(9) is None


def test_ffmpeg_final_playlist_with_crlf_bom_and_extras() -> None:
    body = (
        "\ufeff"
        + FFMPEG_LIVE.decode().replace("#EXT-X-VERSION:3", "#EXT-X-VERSION:3\n# a comment\n")
        + "#EXT-X-DISCONTINUITY\n#EXTINF:0.5,title, with comma\nlive9.ts\n#EXT-X-ENDLIST\n"
    ).replace("\n", "\r\n")
    playlist = parse_playlist(body.encode())
    assert isinstance(playlist, MediaPlaylist)
    assert playlist.ended
    assert playlist.segments[-1] == MediaSegment(9, "live9.ts", 0.5)


def test_media_sequence_defaults_to_zero() -> None:
    playlist = parse_playlist(b"#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6,\na.aac\n")
    assert isinstance(playlist, MediaPlaylist)
    assert playlist.segments == (MediaSegment(0, "a.aac", 6.0),)


def test_simspace_stub_playlist_round_trips() -> None:
    timeline = SegmentTimeline(start_s=0.0, epoch_unix_s=EPOCH_UNIX_S)
    t = 12 * timeline.segment_duration_s + 0.5
    playlist = parse_playlist(render_media_playlist(timeline, t).encode())
    assert isinstance(playlist, MediaPlaylist)
    assert playlist.target_duration_s == timeline.target_duration_s
    assert playlist.media_sequence == timeline.media_sequence(t) == 7
    assert [s.sequence for s in playlist.segments] == list(range(7, 12))
    assert [s.uri for s in playlist.segments] == [timeline.chunk_name(n) for n in range(7, 12)]
    assert all(s.duration_s == 3.008 for s in playlist.segments)
    assert not playlist.ended


def test_simspace_stub_playlist_before_the_first_segment_and_after_the_end() -> None:
    timeline = SegmentTimeline(start_s=0.0, epoch_unix_s=EPOCH_UNIX_S, end_s=30.0)
    empty = parse_playlist(render_media_playlist(timeline, -5.0).encode())
    assert isinstance(empty, MediaPlaylist)
    assert empty.segments == ()
    assert empty.end_sequence == 0
    ended = parse_playlist(render_media_playlist(timeline, 40.0).encode())
    assert isinstance(ended, MediaPlaylist)
    assert ended.ended
    assert ended.segments[-1].sequence == timeline.total_segments - 1  # type: ignore[operator]


def test_master_playlist_variants_then_audio_renditions() -> None:
    playlist = parse_playlist(APPLE_MASTER)
    assert playlist == MasterPlaylist(
        (
            VariantStream("low/index.m3u8", 128000),
            VariantStream("https://cdn.example/hi/index.m3u8", 256000),
            VariantStream("audio/en.m3u8", None, audio_rendition=True),
        )
    )


def test_master_playlist_as_the_test_origin_writes_it() -> None:
    body = b'#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"\nstream.m3u8\n'
    assert parse_playlist(body) == MasterPlaylist((VariantStream("stream.m3u8", 64000),))


def test_audio_only_master_and_a_variant_without_bandwidth() -> None:
    body = b'#EXTM3U\n#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="x",URI="a.m3u8"\n'
    assert parse_playlist(body) == MasterPlaylist((VariantStream("a.m3u8", None, True),))
    body = b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=lots\nv.m3u8\n"
    assert parse_playlist(body) == MasterPlaylist((VariantStream("v.m3u8", None),))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"", "no #EXTM3U header (starts with '')"),
        (b"<html><body>502 Bad Gateway</body></html>", "no #EXTM3U header (starts with '<html>"),
        (b"\xff\xfe#EXTM3U", "not UTF-8 text"),
        (b"#EXTM3U\n", "media playlist without #EXT-X-TARGETDURATION"),
        (b"#EXTM3U\n#EXTINF:2,\na.ts\n", "media playlist without #EXT-X-TARGETDURATION"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:2\na.ts\n", "line 3: URI 'a.ts' without #EXTINF"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n", "the last #EXTINF has no URI"),
        (
            b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXTINF:2,\na.ts\n",
            "line 4: #EXTINF not followed by a URI",
        ),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:nan\n", "line 2: #EXT-X-TARGETDURATION 'nan' is not"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:0\n", "line 2: #EXT-X-TARGETDURATION '0' is not"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:-1,\na.ts", "#EXTINF '-1' is not"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:1e999,\na.ts", "#EXTINF '1e999' is not"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:x\n", "is not an integer"),
        (b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:-4\n", "is negative"),
        (
            b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nhttp://[::1/a.ts\n",
            "line 4: bad URI 'http://[::1/a.ts'",
        ),
        (
            b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n#EXT-X-TARGETDURATION:2\n",
            "mixes master playlist and media playlist tags",
        ),
        (b"#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n", "the last #EXT-X-STREAM-INF has no URI"),
        (b"#EXTM3U\nv.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=1\nw", "line 2: URI 'v.m3u8' without"),
        (b'#EXTM3U\n#EXT-X-MEDIA:TYPE=SUBTITLES,URI="s.m3u8"\n', "lists no variant"),
    ],
)
def test_malformed_playlists_say_why(body: bytes, reason: str) -> None:
    with pytest.raises(PlaylistError) as caught:
        parse_playlist(body)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


_VOCABULARY = [
    "#EXTM3U",
    "#EXT-X-VERSION:3",
    "#EXT-X-TARGETDURATION:2",
    "#EXT-X-TARGETDURATION:",
    "#EXT-X-MEDIA-SEQUENCE:7",
    "#EXT-X-MEDIA-SEQUENCE:99999999999999999999999",
    "#EXTINF:2.0,",
    "#EXTINF:",
    "#EXTINF:inf,",
    "#EXT-X-ENDLIST",
    "#EXT-X-STREAM-INF:BANDWIDTH=1",
    '#EXT-X-MEDIA:TYPE=AUDIO,URI="a.m3u8"',
    '#EXT-X-MEDIA:TYPE=AUDIO,URI="',
    "seg.ts",
    "http://[::1",
    "",
    "# comment",
    "\x00\x01",
]


@given(st.lists(st.sampled_from(_VOCABULARY), max_size=12))
def test_any_line_soup_parses_or_raises_playlist_error(lines: list[str]) -> None:
    try:
        playlist = parse_playlist("\n".join(lines).encode())
    except PlaylistError:
        return
    assert isinstance(playlist, MasterPlaylist | MediaPlaylist)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_playlist_error(body: bytes) -> None:
    try:
        parse_playlist(b"#EXTM3U\n" + body)
        parse_playlist(body)
    except PlaylistError:
        pass


@pytest.mark.parametrize(
    ("uri", "url"),
    [
        ("live5.ts", "https://cdn.example/live/live5.ts"),
        ("audio/index.m3u8", "https://cdn.example/live/audio/index.m3u8"),
        ("../other/a.ts", "https://cdn.example/other/a.ts"),
        ("/hls/m1/dynamic_playlist.m3u8", "https://cdn.example/hls/m1/dynamic_playlist.m3u8"),
        ("https://edge.example/a.ts?token=1", "https://edge.example/a.ts?token=1"),
        ("//edge.example/a.ts", "https://edge.example/a.ts"),
    ],
)
def test_resolve_relative_to_the_playlist(uri: str, url: str) -> None:
    assert resolve("https://cdn.example/live/stream.m3u8?token=abc", uri) == url


def test_resolve_refuses_a_malformed_url() -> None:
    with pytest.raises(PlaylistError, match="bad URL"):
        resolve("https://cdn.example/live/stream.m3u8", "http://[::1/a.ts")
