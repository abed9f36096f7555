"""The live HLS origin used as a test target is real: ffmpeg encodes, nginx/aiohttp serves."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

import pytest

from tests.target.origin import (
    MASTER_PLAYLIST,
    HttpResult,
    LiveOrigin,
    ServerKind,
    choose_server,
    find_nginx,
    http_get,
    no_proxy_env,
    static_server,
)

TS_PACKET = 188


def _playlist(origin: LiveOrigin) -> tuple[HttpResult, str]:
    got = http_get(origin.url)
    assert got.status == 200, got
    return got, got.body.decode("utf-8")


def _window(text: str) -> tuple[int, list[str], list[float]]:
    """(media sequence, segment URIs, EXTINF durations) of a media playlist."""
    found = re.search(r"^#EXT-X-MEDIA-SEQUENCE:(\d+)$", text, re.MULTILINE)
    assert found is not None, text
    lines = text.splitlines()
    uris = [line for line in lines if line and not line.startswith("#")]
    durations = [float(m) for m in re.findall(r"^#EXTINF:([\d.]+),", text, re.MULTILINE)]
    return int(found.group(1)), uris, durations


def _live_edge(origin: LiveOrigin) -> int:
    sequence, uris, _ = _window(_playlist(origin)[1])
    return sequence + len(uris) - 1


def test_origin_runs_the_chosen_server(live_origin: LiveOrigin) -> None:
    assert live_origin.server == choose_server()  # nginx if installed, or SIMSPACE_TEST_ORIGIN
    server_header = http_get(live_origin.master_url).headers.get("server", "")
    assert live_origin.server in server_header.lower(), server_header


def test_media_playlist_is_live_hls(live_origin: LiveOrigin) -> None:
    got, text = _playlist(live_origin)
    assert got.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert "no-cache" in got.headers.get("cache-control", "")
    assert text.startswith("#EXTM3U\n")
    assert "#EXT-X-ENDLIST" not in text
    assert "#EXT-X-PLAYLIST-TYPE" not in text  # neither VOD nor EVENT: a sliding live window
    sequence, uris, durations = _window(text)
    assert 3 <= len(uris) <= live_origin.list_size
    assert len(durations) == len(uris)
    assert all(abs(d - live_origin.segment_s) < 0.1 for d in durations), durations
    # seg%05d.ts numbered from 0: a name is its media sequence number
    assert uris == [f"seg{sequence + i:05d}.ts" for i in range(len(uris))]


def test_listed_segments_are_complete_transport_streams(live_origin: LiveOrigin) -> None:
    _, text = _playlist(live_origin)
    for uri in _window(text)[1]:
        got = http_get(urllib.parse.urljoin(live_origin.url, uri))
        assert got.status == 200, (uri, got.status)
        assert got.headers["content-type"] == "video/mp2t"
        body = got.body
        # 64 kb/s for ~2 s is ~16 kB of audio; a torn (half-written) file fails the framing
        assert len(body) > 8_000
        assert len(body) % TS_PACKET == 0, (uri, len(body))
        assert body[::TS_PACKET] == b"\x47" * (len(body) // TS_PACKET), uri


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not on PATH")
def test_ffprobe_reads_aac_lc_over_http(live_origin: LiveOrigin) -> None:
    result = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-rw_timeout",
            "5000000",
            "-show_entries",
            "stream=codec_type,codec_name,profile,sample_rate",
            "-of",
            "default=noprint_wrappers=1",
            live_origin.url,
        ],
        capture_output=True,
        text=True,
        timeout=20,
        env=no_proxy_env(),
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    fields = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert fields.get("codec_type") == "audio", result.stdout
    assert fields.get("codec_name") == "aac", result.stdout
    assert fields.get("profile") == "LC", result.stdout
    assert fields.get("sample_rate") == "48000", result.stdout


def test_master_playlist_references_the_media_playlist(live_origin: LiveOrigin) -> None:
    got = http_get(live_origin.master_url)
    assert got.status == 200
    assert got.headers["content-type"] == "application/vnd.apple.mpegurl"
    lines = got.body.decode("utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    inf = [i for i, line in enumerate(lines) if line.startswith("#EXT-X-STREAM-INF:")]
    assert len(inf) == 1
    assert 'CODECS="mp4a.40.2"' in lines[inf[0]]
    assert "BANDWIDTH=64000" in lines[inf[0]]
    assert urllib.parse.urljoin(live_origin.master_url, lines[inf[0] + 1]) == live_origin.url


def test_live_edge_advances_in_real_time(live_origin: LiveOrigin) -> None:
    start = _live_edge(live_origin)
    began = time.monotonic()
    deadline = began + 2 * live_origin.segment_s + 3.0
    edge = start
    while edge < start + 2 and time.monotonic() < deadline:
        time.sleep(0.2)
        edge = _live_edge(live_origin)
    elapsed = time.monotonic() - began
    assert edge >= start + 2, f"live edge went {start} -> {edge} in {elapsed:.1f}s"
    # real time, not a burst: two new segments take more than one segment duration
    assert elapsed > live_origin.segment_s * 0.8


def _servers() -> list[object]:
    return [
        pytest.param(
            "nginx",
            marks=pytest.mark.skipif(find_nginx() is None, reason="nginx not installed"),
        ),
        "aiohttp",
    ]


@pytest.mark.parametrize("server", _servers())
def test_both_static_servers_serve_hls_types_on_loopback(
    server: ServerKind, tmp_path: Path
) -> None:
    root = tmp_path / "www"
    (root / "live").mkdir(parents=True)
    (root / "live" / MASTER_PLAYLIST).write_text("#EXTM3U\n", encoding="utf-8")
    (root / "live" / "seg00000.ts").write_bytes(b"\x47" + bytes(TS_PACKET - 1))
    (tmp_path / "secret.txt").write_text("outside the root\n", encoding="utf-8")
    with static_server(root, tmp_path / server, server, max_lifetime_s=30) as base:
        parts = urllib.parse.urlsplit(base)
        assert parts.hostname == "127.0.0.1"
        assert parts.port is not None
        playlist = http_get(f"{base}/live/{MASTER_PLAYLIST}")
        assert (playlist.status, playlist.body) == (200, b"#EXTM3U\n")
        assert playlist.headers["content-type"] == "application/vnd.apple.mpegurl"
        assert "no-cache" in playlist.headers.get("cache-control", "")
        segment = http_get(f"{base}/live/seg00000.ts")
        assert (segment.status, len(segment.body)) == (200, TS_PACKET)
        assert segment.headers["content-type"] == "video/mp2t"
        assert "cache-control" not in segment.headers
        assert http_get(f"{base}/live/seg99999.ts").status == 404
        assert http_get(f"{base}/../secret.txt").status in {400, 404}
    # stopped and reaped on exit: nothing listens on the port any more
    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection((parts.hostname, parts.port), timeout=1),
    ):
        pass
