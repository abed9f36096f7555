"""Private control endpoints under /_sim: health, clock, live state, timeline, ledger, metrics.

Never charged to any tier. Large JSON documents are encoded off the event loop.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from simspace.server import keys
from simspace.server.metrics import CONTENT_TYPE, render_metrics
from simspace.server.responses import bad_request

__all__ = ["changes", "clock", "health", "ledger", "metrics", "state", "timeline"]

CHANGES_MAX_WAIT_S = 5.0
"""Longest a `changes` long poll is held (short: a held request delays the stub's shutdown)."""
_CHANGES_CHECK_S = 0.02

_JSON = "application/json"


def _json(data: dict[str, Any] | BaseModel) -> web.Response:
    body = data.model_dump_json() if isinstance(data, BaseModel) else json.dumps(data)
    return web.Response(body=body.encode(), content_type=_JSON)


async def _big_json(data: BaseModel) -> web.Response:
    body = await asyncio.get_running_loop().run_in_executor(None, data.model_dump_json)
    return web.Response(body=body.encode(), content_type=_JSON)


async def health(request: web.Request) -> web.Response:
    return _json({"ok": True, "t": request.app[keys.MODEL_KEY].advance()})


async def clock(request: web.Request) -> web.Response:
    event_clock = request.app[keys.CLOCK_KEY]
    return _json(
        {
            "wall0": getattr(event_clock, "wall0", None),
            "t_begin": getattr(event_clock, "t_begin", None),
            "speedup": event_clock.speedup,
            "t": event_clock.now(),
        }
    )


async def changes(request: web.Request) -> web.Response:
    """Long poll: answers when the model's change count exceeds `after` (or after `wait_s`
    wall seconds, at most CHANGES_MAX_WAIT_S) with the count and the event time of the latest
    change. Simulated clients sleeping in a `Watch` are woken by it (see `simspace.load`)."""
    try:
        after = int(request.query.get("after", "-1"))
        wait_s = min(max(float(request.query.get("wait_s", "0")), 0.0), CHANGES_MAX_WAIT_S)
    except ValueError:
        return bad_request("after must be an integer and wait_s a number")
    model = request.app[keys.MODEL_KEY]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + wait_s
    while model.changes <= after and loop.time() < deadline:
        await asyncio.sleep(_CHANGES_CHECK_S)
        model.advance()
    return _json({"changes": model.changes, "changed_at": model.changed_at})


async def state(request: web.Request) -> web.Response:
    return _json(request.app[keys.MODEL_KEY].state())


async def timeline(request: web.Request) -> web.Response:
    return await _big_json(request.app[keys.MODEL_KEY].timeline_dump())


async def ledger(request: web.Request) -> web.Response:
    return await _big_json(request.app[keys.MODEL_KEY].ledger_dump())


async def metrics(request: web.Request) -> web.Response:
    text = render_metrics(request.app[keys.MODEL_KEY])
    return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE})
