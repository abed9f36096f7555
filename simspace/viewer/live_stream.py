"""A run's live file as Server-Sent Events: one `status` event each time the run rewrites it,
an `end` event once the run has ended (or died), a comment now and then to keep the connection.

The run's directory is renamed when it ends; the stream then finds it again by id.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

from aiohttp import web

from simspace.viewer.catalog import STALE_AFTER_S, Catalog, RunLocation, read_live
from simspace.wire.live import LIVE_FILE, LiveStatus

POLL_S = 0.5
KEEPALIVE_S = 15.0


def sse_event(event: str, data: str) -> bytes:
    """One event; `data` is one line of JSON (no newline can split it)."""
    return f"event: {event}\ndata: {data}\n\n".encode()


def _signature(directory: Path) -> tuple[float, int] | None:
    try:
        info = (directory / LIVE_FILE).lstat()
    except OSError:
        return None
    return (info.st_mtime, info.st_size)


def _ended(live: LiveStatus, now_s: float) -> str | None:
    """How the run ended, or `stale` if it stopped rewriting its file; None while it runs."""
    if live.state != "running":
        return live.state
    return "stale" if now_s - live.updated_at > STALE_AFTER_S else None


async def stream_live(
    request: web.Request, catalog: Catalog, location: RunLocation
) -> web.StreamResponse:
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    with contextlib.suppress(ConnectionResetError):  # the page went away: nothing to tell
        await _follow(response, catalog, location)
    return response


async def _follow(response: web.StreamResponse, catalog: Catalog, location: RunLocation) -> None:
    seen: tuple[float, int] | None = None
    last: LiveStatus | None = None
    last_sent = time.monotonic()
    while True:
        if not location.directory.is_dir():  # renamed when the run ended: find it by id
            renamed = catalog.locations().get(location.run_id)
            if renamed is None:
                await response.write(sse_event("end", '"gone"'))
                break
            location = renamed
        signature = _signature(location.directory)
        if signature != seen and (live := read_live(location.directory)) is not None:
            seen, last = signature, live
            await response.write(sse_event("status", live.model_dump_json()))
            last_sent = time.monotonic()
        if last is not None and (ended := _ended(last, time.time())):
            await response.write(sse_event("end", f'"{ended}"'))
            break
        if time.monotonic() - last_sent > KEEPALIVE_S:
            await response.write(b": keep-alive\n\n")
            last_sent = time.monotonic()
        await asyncio.sleep(POLL_S)
