"""Errors are counted by kind: a message that embeds a URL, a playlist URI or a line number is
one `errors_seen` entry, not one per segment; the platform's own texts are kept as they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.load.recorder import JsonlRecorder
from simspace.results.observations import ObservationReader

SEGMENT_TIMEOUTS = [
    f"URL http://127.0.0.1:8123/hls/28_000/chunk_17235066{n:05d}000000_{n}_a.aac: timed out"
    for n in range(50)
]


def test_one_kind_of_error_is_one_entry_whatever_the_url(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0)
    for message in SEGMENT_TIMEOUTS:
        recorder.failure(1.0, "cdn", message, 2.0)
    recorder.close()
    failures = ObservationReader(tmp_path).poll().failures
    assert failures == {(0.0, "cdn", "URL http://127.0.0.1:8123/<path>: timed out"): 100.0}


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("URL https://cdn.example/a/b.m3u8?token=9f3: [Errno 111] Connection refused",
         "URL https://cdn.example/<path>: [Errno 111] Connection refused"),
        ("bad playlist: line 12: URI 'chunk_99.aac' without #EXTINF",
         "bad playlist: line <n>: URI <uri> without #EXTINF"),
        ("bad URL 'http://[::1/x': Invalid IPv6 URL", "bad URL <uri>: Invalid IPv6 URL"),
        ("URL http://127.0.0.1:8123/: timed out", "URL http://127.0.0.1:8123/: timed out"),
        ("Details not available", "Details not available"),
        ("HTTP 503", "HTTP 503"),
        ("refused: evil.example is outside the allowed target (see --allow-remote)",
         "refused: evil.example is outside the allowed target (see --allow-remote)"),
        ("x" * 500, "x" * 200),
    ],
)  # fmt: skip
def test_what_varies_is_replaced_and_the_rest_kept(tmp_path: Path, message: str, key: str) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0)
    recorder.failure(1.0, "cdn", message, 1.0)
    recorder.close()
    assert list(ObservationReader(tmp_path).poll().failures) == [(0.0, "cdn", key)]
