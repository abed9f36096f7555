"""A real, live HLS origin on loopback, for tests: ffmpeg encodes, nginx (or aiohttp) serves.

``live_hls_origin(tmp_dir)`` starts, as child processes of the test process:

* ffmpeg, generating a 440 Hz tone in real time (``-re``), encoding it to AAC-LC 64 kb/s and
  muxing a live HLS stream (MPEG-TS segments, sliding window of ``list_size`` segments, no
  ``#EXT-X-ENDLIST`` while it runs, old segments deleted). Segments and the playlist are written
  to ``*.tmp`` files and renamed when complete (``-hls_flags temp_file``), so a reader never sees
  a half-written file. ffmpeg also carries a hard ``-t`` limit: it stops by itself even if the
  test process dies without cleaning up.
* a static file server bound to 127.0.0.1 on a free port: nginx when it is installed (on PATH or
  at /usr/sbin/nginx), run in the foreground with a config, logs, pid file and temp paths all
  inside ``tmp_dir``; otherwise a small aiohttp server (this file run as a script). Both serve
  ``.m3u8`` as ``application/vnd.apple.mpegurl`` with ``Cache-Control: no-cache`` and ``.ts``
  as ``video/mp2t``. nginx is wrapped in coreutils ``timeout`` (when present) and the aiohttp
  server exits when its lifetime ends or its parent dies, so neither outlives a crashed test run
  by more than ``max_lifetime_s``.

It yields once the media playlist lists at least 3 segments, and on exit kills every child's
process group (even when the test failed) and reaps it.

URLs: ``http://127.0.0.1:PORT/live/stream.m3u8`` (media playlist) and
``http://127.0.0.1:PORT/live/master.m3u8`` (a static master playlist pointing at it).

Choosing the server: the ``server`` argument, else the environment variable
``SIMSPACE_TEST_ORIGIN`` -- ``nginx``, ``aiohttp`` or ``auto`` (the default: nginx if found,
else aiohttp). For example ``SIMSPACE_TEST_ORIGIN=aiohttp pytest tests/target`` exercises the
fallback on a machine that has nginx.

HTTP helpers here (``http_get``) talk to the origin directly, never through an ``http_proxy``
from the environment; the ``no_proxy_env()`` helper gives child tools (ffprobe) the same.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from aiohttp import web

ServerKind = Literal["nginx", "aiohttp"]

ENV_VAR = "SIMSPACE_TEST_ORIGIN"
HOST = "127.0.0.1"
LIVE_DIR = "live"
MEDIA_PLAYLIST = "stream.m3u8"
MASTER_PLAYLIST = "master.m3u8"
MASTER_TEXT = (
    '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=64000,CODECS="mp4a.40.2"\n' + MEDIA_PLAYLIST + "\n"
)
CONTENT_TYPES = {
    ".m3u8": "application/vnd.apple.mpegurl",
    ".ts": "video/mp2t",
    ".aac": "audio/aac",
    ".txt": "text/plain",
}
NO_CACHE_SUFFIXES = (".m3u8",)
MIN_READY_SEGMENTS = 3
HTTP_TIMEOUT_S = 5.0
SERVER_START_TIMEOUT_S = 10.0
PORT_ATTEMPTS = 5
STOP_GRACE_S = 3.0
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


@dataclass(frozen=True)
class LiveOrigin:
    """A running live origin: where to fetch it and how it was set up."""

    url: str
    master_url: str
    server: ServerKind
    segment_s: float
    list_size: int


@dataclass(frozen=True)
class HttpResult:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes


def http_get(url: str, timeout: float = HTTP_TIMEOUT_S, method: str = "GET") -> HttpResult:
    """One plain HTTP/1.1 request to a loopback URL, bypassing any proxy; never raises on 4xx."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http" or parts.hostname is None:
        raise ValueError(f"not an http URL: {url}")
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request(method, parts.path or "/", headers={"Connection": "close"})
        response = conn.getresponse()
        body = response.read()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return HttpResult(response.status, headers, body)
    finally:
        conn.close()


def no_proxy_env() -> dict[str, str]:
    """The current environment without proxy variables (ffmpeg/ffprobe honour http_proxy)."""
    return {k: v for k, v in os.environ.items() if k not in _PROXY_VARS}


def find_nginx() -> str | None:
    found = shutil.which("nginx")
    if found is not None:
        return found
    fallback = Path("/usr/sbin/nginx")
    return str(fallback) if os.access(fallback, os.X_OK) else None


def choose_server(server: str | None = None) -> ServerKind:
    """Resolve the ``server`` argument / ``SIMSPACE_TEST_ORIGIN`` to the server to run."""
    wanted = (server or os.environ.get(ENV_VAR) or "auto").strip().lower()
    if wanted == "aiohttp":
        return "aiohttp"
    if wanted == "nginx":
        if find_nginx() is None:
            raise RuntimeError(f"{ENV_VAR}=nginx but nginx is not installed")
        return "nginx"
    if wanted == "auto":
        return "nginx" if find_nginx() is not None else "aiohttp"
    raise ValueError(f"{ENV_VAR} must be nginx, aiohttp or auto, not {wanted!r}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _tail(path: Path, limit: int = 4000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:]


class _Child:
    """A child process in its own process group, its output in a log file; stop() is final."""

    def __init__(self, name: str, argv: list[str], log: Path, extra_log: Path | None = None):
        self.name = name
        self.log = log
        self.extra_log = extra_log
        self._log_file: IO[bytes] = log.open("wb")
        try:
            self.proc = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=self._log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except BaseException:
            self._log_file.close()
            raise

    def running(self) -> bool:
        return self.proc.poll() is None

    def output(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        text = _tail(self.log)
        if self.extra_log is not None:
            text += _tail(self.extra_log)
        return text

    def describe(self) -> str:
        state = "running" if self.running() else f"exited with {self.proc.returncode}"
        return f"--- {self.name} ({state}) output:\n{self.output() or '(none)'}"

    def stop(self) -> None:
        try:
            for sig, grace in ((signal.SIGTERM, STOP_GRACE_S), (signal.SIGKILL, STOP_GRACE_S)):
                if self.proc.poll() is not None:  # reaped: its pid (= group id) may be reused
                    break
                # Signal the whole group: nginx workers, the timeout wrapper's child, ffmpeg.
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.proc.pid, sig)
                try:
                    self.proc.wait(timeout=grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        finally:
            self._log_file.close()


def _nginx_without(nginx: str) -> set[str]:
    """Modules compiled out of this nginx (their *_temp_path directives would be unknown)."""
    try:
        result = subprocess.run(
            [nginx, "-V"], capture_output=True, text=True, timeout=10, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return set(re.findall(r"--without-http_(\w+)_module", result.stdout + result.stderr))


def _nginx_conf(work: Path, root: Path, port: int, nginx: str) -> str:
    without = _nginx_without(nginx)
    temp_paths = [("client_body_temp_path", "client_body")]
    for module in ("proxy", "fastcgi", "uwsgi", "scgi"):
        if module not in without:
            temp_paths.append((f"{module}_temp_path", module))
    temps = "\n".join(f"    {directive} {work / sub};" for directive, sub in temp_paths)
    types = "\n".join(f"        {ctype} {ext[1:]};" for ext, ctype in CONTENT_TYPES.items())
    # As root the workers would drop to "nobody", who cannot read a 0700 pytest tmp dir.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}daemon off;
master_process on;
worker_processes 1;
pid {work / "nginx.pid"};
error_log {work / "error.log"} warn;
events {{
    worker_connections 256;
}}
http {{
    access_log {work / "access.log"};
{temps}
    types {{
{types}
    }}
    default_type application/octet-stream;
    sendfile off;
    keepalive_timeout 5s;
    server {{
        listen {HOST}:{port};
        server_name localhost;
        log_not_found off;
        root {root};
        location ~ \\.m3u8$ {{
            add_header Cache-Control no-cache always;
        }}
    }}
}}
"""


def _lifetime_wrapper(max_lifetime_s: float) -> list[str]:
    timeout = shutil.which("timeout")
    if timeout is None:
        return []
    return [timeout, "-k", "5", f"{max_lifetime_s:.0f}"]


def _start_nginx(work: Path, root: Path, port: int, max_lifetime_s: float) -> _Child:
    nginx = find_nginx()
    if nginx is None:
        raise RuntimeError("nginx is not installed")
    work.mkdir(parents=True, exist_ok=True)
    conf = work / "nginx.conf"
    conf.write_text(_nginx_conf(work, root, port, nginx), encoding="utf-8")
    argv = [
        *_lifetime_wrapper(max_lifetime_s),
        nginx,
        "-p",
        f"{work}/",
        "-e",
        str(work / "error.log"),
        "-c",
        str(conf),
    ]
    return _Child("nginx", argv, work / "nginx.out", extra_log=work / "error.log")


def _start_aiohttp(work: Path, root: Path, port: int, max_lifetime_s: float) -> _Child:
    work.mkdir(parents=True, exist_ok=True)
    argv = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--root",
        str(root),
        "--port",
        str(port),
        "--lifetime",
        f"{max_lifetime_s:.0f}",
        "--parent",
        str(os.getpid()),
    ]
    return _Child("aiohttp", argv, work / "aiohttp.out")


def _wait_serving(child: _Child, root: Path, port: int, timeout_s: float) -> bool:
    """True once *this* child serves ``root`` on the port (a probe file with a random token
    comes back), False if it died (most likely it lost the port to another process)."""
    token = secrets.token_hex(8)
    probe = root / f".probe-{token}"
    probe.write_text(token, encoding="utf-8")
    try:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if not child.running():
                return False
            try:
                got = http_get(f"http://{HOST}:{port}/{probe.name}", timeout=1.0)
                if got.status == 200 and got.body == token.encode():
                    return True
            except (OSError, http.client.HTTPException):
                pass
            time.sleep(0.05)
    finally:
        probe.unlink(missing_ok=True)
    raise RuntimeError(
        f"{child.name} did not serve on {HOST}:{port} in {timeout_s:.0f}s\n{child.describe()}"
    )


@contextlib.contextmanager
def static_server(
    root: Path, work: Path, server: ServerKind, max_lifetime_s: float = 300.0
) -> Iterator[str]:
    """Serve ``root`` on 127.0.0.1 with nginx or aiohttp; yields the base URL (no slash)."""
    start = _start_nginx if server == "nginx" else _start_aiohttp
    failures: list[str] = []
    for _ in range(PORT_ATTEMPTS):
        port = free_port()
        child = start(work, root, port, max_lifetime_s)
        try:
            listening = _wait_serving(child, root, port, SERVER_START_TIMEOUT_S)
        except BaseException:
            child.stop()
            raise
        if not listening:  # most likely lost the port race: try another one
            child.stop()
            failures.append(child.describe())
            continue
        try:
            yield f"http://{HOST}:{port}"
        finally:
            child.stop()
        return
    raise RuntimeError(
        f"{server} failed to start on {PORT_ATTEMPTS} ports:\n" + "\n".join(failures)
    )


def ffmpeg_argv(
    live: Path, segment_s: float, list_size: int, max_lifetime_s: float, ffmpeg: str = "ffmpeg"
) -> list[str]:
    return [
        ffmpeg,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-re",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:sample_rate=48000",
        "-t",
        f"{max_lifetime_s:.0f}",
        "-c:a",
        "aac",
        "-profile:a",
        "aac_low",
        "-b:a",
        "64k",
        "-f",
        "hls",
        "-hls_time",
        f"{segment_s:g}",
        "-hls_list_size",
        str(list_size),
        "-hls_flags",
        "delete_segments+omit_endlist+temp_file",
        "-hls_segment_filename",
        str(live / "seg%05d.ts"),
        str(live / MEDIA_PLAYLIST),
    ]


def segment_count(playlist: str) -> int:
    return sum(1 for line in playlist.splitlines() if line.startswith("#EXTINF"))


@contextlib.contextmanager
def live_hls_origin(
    tmp_dir: Path,
    segment_s: float = 2.0,
    list_size: int = 6,
    *,
    server: str | None = None,
    max_lifetime_s: float = 300.0,
    ready_timeout_s: float = 20.0,
) -> Iterator[LiveOrigin]:
    """Run a live AAC HLS stream served on loopback; see the module docstring."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg is not installed")
    kind = choose_server(server)
    tmp_dir = Path(tmp_dir).resolve()
    root = tmp_dir / "www"
    live = root / LIVE_DIR
    live.mkdir(parents=True, exist_ok=True)
    (live / MASTER_PLAYLIST).write_text(MASTER_TEXT, encoding="utf-8")
    work = tmp_dir / kind

    with contextlib.ExitStack() as stack:
        encoder = _Child(
            "ffmpeg",
            ffmpeg_argv(live, segment_s, list_size, max_lifetime_s, ffmpeg),
            tmp_dir / "ffmpeg.out",
        )
        stack.callback(encoder.stop)
        # The server (nginx: also under `timeout`) gets a little longer than the encoder.
        base = stack.enter_context(static_server(root, work, kind, max_lifetime_s + 30))
        origin = LiveOrigin(
            url=f"{base}/{LIVE_DIR}/{MEDIA_PLAYLIST}",
            master_url=f"{base}/{LIVE_DIR}/{MASTER_PLAYLIST}",
            server=kind,
            segment_s=segment_s,
            list_size=list_size,
        )
        deadline = time.monotonic() + max(ready_timeout_s, segment_s * MIN_READY_SEGMENTS + 10)
        last = "(no response)"
        while True:
            try:
                got = http_get(origin.url)
                last = f"HTTP {got.status}: {got.body[:500]!r}"
                if (
                    got.status == 200
                    and segment_count(got.body.decode("utf-8", "replace")) >= MIN_READY_SEGMENTS
                ):
                    break
            except (OSError, http.client.HTTPException) as exc:
                last = repr(exc)
            if not encoder.running() or time.monotonic() > deadline:
                log = work / "error.log" if kind == "nginx" else work / "aiohttp.out"
                raise RuntimeError(
                    f"live origin not ready: {origin.url} never listed {MIN_READY_SEGMENTS} "
                    f"segments (last: {last})\n{encoder.describe()}\n"
                    f"--- {kind} log:\n{_tail(log) or '(none)'}"
                )
            time.sleep(0.2)
        yield origin


# --- the aiohttp fallback server: this file run as a script ---------------------------------


def _serve_aiohttp(root: Path, port: int, lifetime_s: float, parent: int) -> None:
    root = root.resolve()

    async def handle(request: web.Request) -> web.StreamResponse:
        target = (root / request.match_info["tail"]).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            raise web.HTTPNotFound()
        try:
            body = target.read_bytes()  # tiny files, read whole: never a torn read
        except OSError as exc:  # deleted between the check and the read
            raise web.HTTPNotFound() from exc
        headers = {"Content-Type": CONTENT_TYPES.get(target.suffix, "application/octet-stream")}
        if target.suffix in NO_CACHE_SUFFIXES:
            headers["Cache-Control"] = "no-cache"
        return web.Response(body=body, headers=headers)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        try:
            await web.TCPSite(runner, HOST, port).start()
            deadline = time.monotonic() + lifetime_s
            while time.monotonic() < deadline and os.getppid() == parent:
                await asyncio.sleep(0.5)
        finally:
            await runner.cleanup()

    asyncio.run(main())


def _main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Static HLS file server for tests (aiohttp).")
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--lifetime", type=float, default=300.0)
    parser.add_argument("--parent", type=int, default=os.getppid())
    args = parser.parse_args(argv)
    _serve_aiohttp(args.root, args.port, args.lifetime, args.parent)


if __name__ == "__main__":
    _main()
