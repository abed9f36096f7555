"""HTTP plumbing shared by the handlers: request weights, error bodies, modelled latency."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from aiohttp import web

from simspace.platform import ApiAnswer, PlatformApi
from simspace.platform.router import STATUS, error_body
from simspace.server.weights import MIN_WEIGHT, parse_weight
from simspace.wire.spaces_api import SPEAKER_HEADER, WEIGHT_HEADER

__all__ = [
    "MIN_SLEEP_S",
    "SPEAKER_HEADER",
    "STATUS",
    "WEIGHT_HEADER",
    "bad_request",
    "error_response",
    "json_response",
    "reply_response",
    "request_speaker",
    "request_weight",
    "wait_latency",
]

# Modelled waits shorter than this in wall time are not slept: loopback HTTP adds as much anyway,
# and a timer per request would cost the stub more than the wait is worth.
MIN_SLEEP_S = 0.001
_MAX_HEADER_CHARS = 64

_JSON = "application/json"


def json_response(data: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=json.dumps(data).encode(), status=status, content_type=_JSON)


def error_response(body: bytes, code: str, status: int | None = None) -> web.Response:
    return web.Response(body=body, status=status or STATUS[code], content_type=_JSON)


def bad_request(message: str, status: int = 400) -> web.Response:
    return error_response(error_body(message, "bad_request"), "bad_request", status)


def request_weight(
    request: web.Request, max_weight: float, header: str = WEIGHT_HEADER
) -> float | None:
    """X-Sim-Weight (or another such header) as `weights.parse_weight` reads it, up to `max_weight`;
    1 when absent; None when malformed or out of range."""
    raw = request.headers.get(header)
    if raw is None:
        return 1.0
    return parse_weight(raw, max_weight)


def bad_weight(max_weight: float, header: str = WEIGHT_HEADER) -> web.Response:
    return bad_request(f"{header} must be a decimal number in [{MIN_WEIGHT:g}, {max_weight:g}]")


def request_speaker(request: web.Request) -> str | None:
    raw = request.headers.get(SPEAKER_HEADER)
    return raw if raw is not None and 0 < len(raw) <= _MAX_HEADER_CHARS else None


async def wait_latency(latency_s: float, speedup: float) -> None:
    """Hold the answer for the modelled latency, converted to wall time, without blocking."""
    wall_s = latency_s / speedup
    if wall_s >= MIN_SLEEP_S:
        await asyncio.sleep(wall_s)


class ErrorBodies:
    """Error bodies built once per app from the scenario's texts."""

    def __init__(self, api: PlatformApi) -> None:
        self._bodies = {code: error_body(api.message(code), code) for code in STATUS}

    def response(self, code: str, status: int | None = None) -> web.Response:
        return error_response(self._bodies[code], code, status)


def reply_response(reply: ApiAnswer, errors: ErrorBodies) -> web.Response:
    """A JSON answer, or the error body for the reply's code."""
    if reply.code is not None:
        return errors.response(reply.code)
    return json_response(reply.data or {})
