"""Run the stub platform until SIGTERM/SIGINT: loopback by default, ready file, dumps at exit."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import signal
from collections.abc import Callable
from pathlib import Path

from aiohttp import web

from simspace.errors import UnsafeTargetError
from simspace.fileio import write_json
from simspace.server.keys import MODEL_KEY
from simspace.wire.ground_truth import LEDGER_FILE, TIMELINE_FILE
from simspace.wire.server_args import ReadyFile

__all__ = ["LISTEN_BACKLOG", "check_host", "is_loopback", "run_server"]

logger = logging.getLogger(__name__)

LISTEN_BACKLOG = 4096
# Requests still sleeping out a modelled latency get this long to finish on shutdown.
_SHUTDOWN_TIMEOUT_S = 2.0


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


def _dump(app: web.Application, dump_dir: Path) -> None:
    model = app[MODEL_KEY]
    dump_dir.mkdir(parents=True, exist_ok=True)
    write_json(dump_dir / TIMELINE_FILE, model.timeline_dump(), indent=None)
    write_json(dump_dir / LEDGER_FILE, model.ledger_dump(), indent=None)
    logger.info("wrote timeline.json and ledger.json to %s", dump_dir)


async def run_server(
    app: web.Application,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_remote: bool = False,
    ready_file: Path | None = None,
    dump_dir: Path | None = None,
    on_ready: Callable[[str, int], None] | None = None,
) -> None:
    """Serve `app` until SIGTERM or SIGINT, then dump (if asked) and shut down cleanly.

    `port` 0 picks a free port; the one chosen goes to `ready_file` (`{"url", "port", "pid"}`,
    written atomically once listening) and to `on_ready(url, port)`.
    """
    check_host(host, allow_remote=allow_remote)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=_SHUTDOWN_TIMEOUT_S)
    await runner.setup()
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled: list[signal.Signals] = []
    try:
        site = web.TCPSite(runner, host, port, backlog=LISTEN_BACKLOG)
        await site.start()
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
        for sig in handled:
            loop.remove_signal_handler(sig)
        try:
            if dump_dir is not None:
                _dump(app, dump_dir)
        finally:
            await runner.cleanup()
