"""Generated chunks and playlists decode cleanly with the real ffprobe/ffmpeg."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import pytest

from simspace.hls.playlist import render_media_playlist
from simspace.hls.segments import SegmentTimeline

pytestmark = pytest.mark.skipif(
    shutil.which("ffprobe") is None or shutil.which("ffmpeg") is None,
    reason="ffprobe/ffmpeg not on PATH (CI installs ffmpeg; apt-get install ffmpeg locally)",
)

# A safety net against a hung tool, not a speed assertion: a healthy run takes well under 1 s.
_TOOL_TIMEOUT_S = 300
_SEGMENTS = 3

MEDIA = [
    pytest.param(48_000, 2, 96.0, True, id="48k-stereo-96kbps-tone"),
    pytest.param(48_000, 2, 96.0, False, id="48k-stereo-96kbps-silence"),
    pytest.param(44_100, 1, 64.0, True, id="44k1-mono-64kbps-tone"),
    pytest.param(44_100, 2, None, True, id="44k1-stereo-unpadded-tone"),
]


def _run(args: list[str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(args, capture_output=True, timeout=_TOOL_TIMEOUT_S, check=False)


def _write_stream(
    directory: Path, sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> SegmentTimeline:
    # PTS starts just below the 33-bit wrap so the playlist also exercises the rollover.
    timeline = SegmentTimeline(
        start_s=0.0,
        epoch_unix_s=1_723_507_200.0,
        sample_rate_hz=sample_rate_hz,
        channels=channels,
        bitrate_kbps=bitrate_kbps,
        end_s=_SEGMENTS * 3.1,
        initial_pts_90khz=(1 << 33) - 200_000,
        tone=tone,
    )
    t = 1e6  # long after the end: every segment is published and the playlist has ENDLIST
    assert timeline.total_segments == _SEGMENTS
    for segment in timeline.window(t):
        (directory / segment.name).write_bytes(timeline.segment_bytes(segment.sequence))
    playlist = render_media_playlist(timeline, t)
    assert playlist.endswith("#EXT-X-ENDLIST\n")
    (directory / "playlist.m3u8").write_text(playlist, encoding="utf-8")
    return timeline


@pytest.mark.parametrize(("sample_rate_hz", "channels", "bitrate_kbps", "tone"), MEDIA)
def test_ffprobe_sees_aac_lc(
    tmp_path: Path, sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> None:
    timeline = _write_stream(tmp_path, sample_rate_hz, channels, bitrate_kbps, tone)
    segment = tmp_path / timeline.chunk_name(1)
    result = _run(["ffprobe", "-v", "error", "-show_streams", "-of", "json", str(segment)])
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    streams = json.loads(result.stdout)["streams"]
    assert len(streams) == 1
    stream = streams[0]
    assert stream["codec_name"] == "aac"
    assert stream["profile"] == "LC"
    assert int(stream["sample_rate"]) == sample_rate_hz
    assert stream["channels"] == channels


@pytest.mark.parametrize(("sample_rate_hz", "channels", "bitrate_kbps", "tone"), MEDIA)
def test_ffmpeg_plays_the_playlist_without_errors(
    tmp_path: Path, sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> None:
    _write_stream(tmp_path, sample_rate_hz, channels, bitrate_kbps, tone)
    # Relative chunk URIs resolve against the playlist's own directory, not the working one.
    playlist = str(tmp_path / "playlist.m3u8")
    result = _run(["ffmpeg", "-nostdin", "-v", "error", "-i", playlist, "-f", "null", "-"])
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""


@pytest.mark.parametrize(("sample_rate_hz", "channels", "bitrate_kbps", "tone"), MEDIA)
def test_decoded_duration_and_content(
    tmp_path: Path, sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> None:
    timeline = _write_stream(tmp_path, sample_rate_hz, channels, bitrate_kbps, tone)
    playlist = str(tmp_path / "playlist.m3u8")
    result = _run(["ffmpeg", "-nostdin", "-v", "error", "-i", playlist, "-f", "s16le", "-"])
    assert result.returncode == 0, result.stderr.decode()
    assert result.stderr == b""
    pcm = array("h")
    pcm.frombytes(result.stdout)
    if sys.byteorder == "big":
        pcm.byteswap()
    decoded_samples = len(pcm) // channels
    expected_samples = _SEGMENTS * timeline.samples_per_segment
    assert abs(decoded_samples - expected_samples) <= 1024  # within one AAC frame
    peak = max(abs(sample) for sample in pcm)
    if tone:
        assert 100 < peak < 2_000  # audible but quiet: roughly -38 dBFS
    else:
        assert peak == 0
