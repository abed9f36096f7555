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

__all__ = ["clock", "health", "ledger", "metrics", "state", "timeline"]

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


async def state(request: web.Request) -> web.Response:
    return _json(request.app[keys.MODEL_KEY].state())


async def timeline(request: web.Request) -> web.Response:
    return await _big_json(request.app[keys.MODEL_KEY].timeline_dump())


async def ledger(request: web.Request) -> web.Response:
    return await _big_json(request.app[keys.MODEL_KEY].ledger_dump())


async def metrics(request: web.Request) -> web.Response:
    text = render_metrics(request.app[keys.MODEL_KEY])
    return web.Response(body=text.encode(), headers={"Content-Type": CONTENT_TYPE})
