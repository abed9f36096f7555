"""End to end: `simspace run --target` against origins on loopback that redirect and that serve
an oversized segment. A redirect is followed by simspace hop by hop: to another loopback address
it is allowed (and the playlist's segments resolve where it moved), to a host the rule refuses it
is a recorded error and the host never sees a connection; an oversized segment is read only up to
its cap, then the connection is dropped."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.run.cli_runs import simspace

pytestmark = pytest.mark.e2e

MOVED_HOST = "127.0.0.2"  # Linux answers on all of 127.0.0.0/8: another loopback address
REFUSED_HOST = "2130706434"
"""127.0.0.2 written as one number: the system resolver connects there, but it is no loopback
address the rule can read (it reads no DNS), so a hop to it must be refused, never sent."""
BIG_SEGMENT_BYTES = 50 * 1024 * 1024
SEGMENT_CAP_BYTES = 1_000_000  # the default 2 Mbit/s for a 2 s segment, twice over
CHUNK = b"\x47" * 65536
LISTENERS = 2

SCENARIO = """
version: 1
event:
  name: redirects
  title: "Listeners on an origin that redirects"
  date: 2024-08-12
  time_zone: UTC
  scheduled_start: "12:00"
  sources: [{id: test, outlet: "test fixture"}]
window: {start: 0s, end: +10m}
audience:
  arrivals:
    kind: cumulative
    jitter: none
    points: [{at: 0s, count: 0}, {at: 1s, count: 2}, {at: +10m, count: 2}]
  listening_time: {distribution: exponential, mean: 30m}
  client:
    metadata_poll_interval: 2s
    request_timeout: 5s
    retries: {attempts: 3, backoff_base: 200ms, backoff_cap: 1s, jitter: full}
    patience: 30s
    ping_interval: 30s
speakers:
  - {id: host, name: Host, role: host, account: host, joins_at: 0s}
platform:
  tiers:
    api: {capacity_rps: 1k, queue_limit: 10k}
    cdn: {capacity_rps: 1k, queue_limit: 10k}
target: {join_api: none}
simulation: {population_scale: 1, seed: 3}
"""


class Site(ThreadingHTTPServer):
    """A tiny origin: `routes` maps a path to its answer; it counts what it was asked and how
    many bytes of each oversized segment it managed to send before the reader hung up."""

    daemon_threads = True

    def __init__(self, host: str, routes: dict[str, tuple[int, bytes, dict[str, str]]]) -> None:
        super().__init__((host, 0), _Handler)
        self.routes = routes
        self.hits: Counter[str] = Counter()
        self.big_sent: list[int] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"


class _Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.hits[self.path] += 1
        if self.path.endswith("/big.ts"):
            self._big()
            return
        status, body, headers = self.server.routes.get(self.path, (404, b"not found", {}))
        self.send_response(status)
        for name, value in {"Content-Length": str(len(body)), **headers}.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _big(self) -> None:
        """50 MB made as it is sent, with no Content-Length: only reading says how big it is."""
        self.send_response(200)
        self.send_header("Content-Type", "video/mp2t")
        self.end_headers()
        sent = 0
        try:
            while sent < BIG_SEGMENT_BYTES:
                self.wfile.write(CHUNK)
                sent += len(CHUNK)
        except OSError:
            pass  # the reader hung up
        with self.server.lock:
            self.server.big_sent.append(sent)

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serving(site: Site) -> Iterator[Site]:
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        site.shutdown()
        site.server_close()
        thread.join(timeout=10)


def _playlist() -> bytes:
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-TARGETDURATION:2", "#EXT-X-MEDIA-SEQUENCE:0"]
    for uri in ("seg0.ts", "big.ts", "away.ts"):
        lines += ["#EXTINF:2.000000,", uri]
    return ("\n".join(lines) + "\n").encode()


def _connections(listener: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = listener.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_redirects_are_followed_hop_by_hop_and_an_oversized_segment_is_cut_off(
    tmp_path: Path,
) -> None:
    scenario = tmp_path / "redirects.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    with socket.socket() as refused:
        refused.bind((MOVED_HOST, 0))
        refused.listen(64)
        refused.setblocking(False)
        refused_url = f"http://{REFUSED_HOST}:{refused.getsockname()[1]}/away.ts"
        moved = Site(MOVED_HOST, {})
        moved.routes.update(
            {
                "/moved/stream.m3u8": (200, _playlist(), {}),
                "/moved/seg0.ts": (200, b"\x47" * 188 * 20, {}),
                "/moved/away.ts": (302, b"", {"Location": refused_url}),
            }
        )
        # The entry origin answers the segments' paths too (big.ts as well), so that a player
        # resolving them against the wrong URL still meets the redirect and the big segment.
        entry = Site("127.0.0.1", {})
        entry.routes["/live/stream.m3u8"] = (
            302,
            b"",
            {"Location": f"{moved.url}/moved/stream.m3u8"},
        )
        entry.routes["/live/away.ts"] = (302, b"", {"Location": refused_url})
        with serving(moved), serving(entry):
            args = ["run", str(scenario), "--target", f"{entry.url}/live/stream.m3u8"]
            run = simspace([*args, "--duration", "10s"], tmp_path / "out", timeout_s=120)
        connections = _connections(refused)

    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    result = run.result()
    # the hop to a refused host was never sent
    assert connections == 0
    errors = result["metrics"]["errors_seen"]
    assert errors.get(f"refused: {REFUSED_HOST} is outside the allowed target (see --allow-remote)")
    # the playlist moved to another loopback address: its segments were fetched there
    assert moved.hits["/moved/seg0.ts"] >= LISTENERS
    assert entry.hits["/live/stream.m3u8"] >= LISTENERS
    assert set(entry.hits) == {"/live/stream.m3u8"}
    assert result["metrics"]["ttfa_s"]["count"] == LISTENERS
    # the oversized segment: cut off at its cap, a recorded error (retried per the policy)
    assert errors.get("segment over size cap")
    assert moved.big_sent
    # what the origin got out before the reader hung up: the cap and what socket buffers took
    assert SEGMENT_CAP_BYTES < min(moved.big_sent) <= max(moved.big_sent) < BIG_SEGMENT_BYTES / 2
    assert not entry.big_sent
    # every hop was a request of the listeners' own, recorded as such (but for a chain of two
    # in flight per listener when the run stopped)
    served = sum(entry.hits.values()) + sum(moved.hits.values())
    recorded = sum(row["requests"] for row in result["endpoints"] if row["tier"] == "cdn")
    assert served - 2 * LISTENERS <= recorded <= served
