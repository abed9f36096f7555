"""Run the stub platform until SIGTERM/SIGINT (or until the run that started it is gone):
loopback by default, ready file, dumps at exit, idle connections timed out, one log line per
malformed request."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from simspace.errors import PortInUseError, UnsafeTargetError
from simspace.fileio import write_json
from simspace.server.keys import MODEL_KEY
from simspace.wire.ground_truth import LEDGER_FILE, TIMELINE_FILE
from simspace.wire.lifeline import PARENT_WATCH_INTERVAL_S, parent_alive
from simspace.wire.server_args import ReadyFile

__all__ = ["KEEPALIVE_TIMEOUT_S", "LISTEN_BACKLOG", "check_host", "is_loopback", "run_server"]

logger = logging.getLogger(__name__)

LISTEN_BACKLOG = 4096
KEEPALIVE_TIMEOUT_S = 75.0
"""Wall seconds a connection may sit without a complete request before the stub closes it:
idle keep-alive connections, and (aiohttp has no separate header-read timeout) a client still
sending a request's headers. Longer than any client cadence, so a listener's connection is
never closed under a request it is about to send (docs/platform-api.md)."""
# Requests still sleeping out a modelled latency get this long to finish on shutdown.
_SHUTDOWN_TIMEOUT_S = 2.0
_MAX_LOGGED_CHARS = 200


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, *, allow_remote: bool = False) -> None:
    """Refuse to listen beyond loopback unless explicitly allowed."""
    if not allow_remote and not is_loopback(host):
        raise UnsafeTargetError(
            f"refusing to listen on {host!r}: not a loopback address (pass allow_remote to opt in)"
        )


class _OneLineBadRequests(logging.Filter):
    """A malformed request is the client's doing: one warning line, not aiohttp's traceback
    (a real error in a handler keeps its traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            detail = " ".join(f"{type(exc).__name__}: {exc.message}".split())
            record.msg, record.args = "%s: %s", (record.getMessage(), detail[:_MAX_LOGGED_CHARS])
            record.exc_info, record.exc_text = None, None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _protocol_logger() -> logging.Logger:
    """The logger aiohttp's connections report errors to, with malformed requests on one line."""
    http_logger = logging.getLogger(f"{__name__}.http")
    if not any(isinstance(f, _OneLineBadRequests) for f in http_logger.filters):
        http_logger.addFilter(_OneLineBadRequests())
    return http_logger


async def _watch_parent(parent_pid: int, stop: asyncio.Event) -> None:
    """Stop the server once the process that started it is gone (it may have been killed
    without a chance to stop its children)."""
    while parent_alive(parent_pid):
        await asyncio.sleep(PARENT_WATCH_INTERVAL_S)
    logger.warning("the process that started this server (pid %d) is gone: stopping", parent_pid)
    stop.set()


def _dump(app: web.Application, dump_dir: Path) -> None:
    model = app[MODEL_KEY]
    dump_dir.mkdir(parents=True, exist_ok=True)
    write_json(dump_dir / TIMELINE_FILE, model.timeline_dump(), indent=None)
    write_json(dump_dir / LEDGER_FILE, model.ledger_dump(), indent=None)
    logger.info("wrote timeline.json and ledger.json to %s", dump_dir)


def _runner(app: web.Application, keepalive_timeout_s: float) -> web.AppRunner:
    return web.AppRunner(
        app,
        access_log=None,
        shutdown_timeout=_SHUTDOWN_TIMEOUT_S,
        keepalive_timeout=keepalive_timeout_s,
        logger=_protocol_logger(),
    )


async def run_server(
    app: web.Application,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_remote: bool = False,
    ready_file: Path | None = None,
    dump_dir: Path | None = None,
    on_ready: Callable[[str, int], None] | None = None,
    parent_pid: int | None = None,
    keepalive_timeout_s: float = KEEPALIVE_TIMEOUT_S,
) -> None:
    """Serve `app` until SIGTERM or SIGINT, or until `parent_pid` is no longer this process's
    parent, then dump (if asked) and shut down cleanly.

    `port` 0 picks a free port; the one chosen goes to `ready_file` (`{"url", "port", "pid"}`,
    written atomically once listening) and to `on_ready(url, port)`.
    """
    check_host(host, allow_remote=allow_remote)
    runner = _runner(app, keepalive_timeout_s)
    await runner.setup()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled: list[signal.Signals] = []
    watch = None if parent_pid is None else asyncio.create_task(_watch_parent(parent_pid, stop))
    try:
        site = web.TCPSite(runner, host, port, backlog=LISTEN_BACKLOG)
        try:
            await site.start()
        except OSError as exc:  # in use, or an address not this machine's
            reason = os.strerror(exc.errno) if exc.errno else str(exc)
            raise PortInUseError(host, port, reason) from None
        bound_port = int(runner.addresses[0][1])
        url_host = f"[{host}]" if ":" in host else host
        url = f"http://{url_host}:{bound_port}"
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
            handled.append(sig)
        if ready_file is not None:
            write_json(ready_file, ReadyFile(url=url, port=bound_port, pid=os.getpid()))
        logger.info("listening on %s", url)
        if on_ready is not None:
            on_ready(url, bound_port)
        await stop.wait()
        logger.info("stopping the stub platform")
    finally:
        if watch is not None:
            watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watch
        try:  # a second SIGTERM/SIGINT (a parent's death signal after a stop) must not cut
            if dump_dir is not None:  # the dump short: the handlers stay until it is written
                _dump(app, dump_dir)
        finally:
            await runner.cleanup()
            for sig in handled:
                loop.remove_signal_handler(sig)
