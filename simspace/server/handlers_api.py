"""Thin handlers of the API tier: parse the request, call the pure model, wait, answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from simspace.platform import ApiAnswer, PlatformApi
from simspace.platform.router import HOST_ONLY
from simspace.server import keys
from simspace.server.responses import (
    bad_request,
    bad_weight,
    reply_response,
    request_speaker,
    request_weight,
    wait_latency,
)
from simspace.wire.spaces_api import LISTENERS_HEADER

__all__ = [
    "end",
    "live_space",
    "ping_watching",
    "publish",
    "space_metadata",
    "start_watching",
    "stop_watching",
    "stream_status",
]


async def _answer(
    request: web.Request, reply: ApiAnswer, *, forbidden: bool = False
) -> web.Response:
    await wait_latency(reply.latency_s, request.app[keys.CLOCK_KEY].speedup)
    if forbidden and reply.code == "bad_request":
        return bad_request(HOST_ONLY, status=403)
    return reply_response(reply, request.app[keys.ERRORS_KEY])


Handler = Callable[[web.Request], Awaitable[web.Response]]
ApiCall = Callable[[PlatformApi, web.Request, float, str | None], "ApiAnswer | web.Response"]


def _handler(call: ApiCall, *, forbidden: bool = False) -> Handler:
    """Every API handler: read the weight (400 if bad), call the model, wait, answer."""

    async def handle(request: web.Request) -> web.Response:
        weight = request_weight(request, request.app[keys.MAX_WEIGHT_KEY])
        if weight is None:
            return bad_weight(request.app[keys.MAX_WEIGHT_KEY])
        reply = call(request.app[keys.API_KEY], request, weight, request_speaker(request))
        if isinstance(reply, web.Response):
            return reply
        return await _answer(request, reply, forbidden=forbidden)

    return handle


def _session_id(request: web.Request) -> str | None:
    session_id = request.query.get("session_id")
    return session_id if session_id else None


def _with_session(method: Callable[..., ApiAnswer]) -> ApiCall:
    def call(
        api: PlatformApi, request: web.Request, weight: float, speaker: str | None
    ) -> ApiAnswer | web.Response:
        session_id = _session_id(request)
        if session_id is None:
            return bad_request("session_id query parameter is required")
        return method(api, request.match_info["space_id"], session_id, weight, speaker)

    return call


def _space(r: web.Request) -> str:
    return r.match_info["space_id"]


live_space = _handler(lambda api, r, w, s: api.live_space(w, s))
space_metadata = _handler(lambda api, r, w, s: api.space_metadata(_space(r), w, s))
stream_status = _handler(lambda api, r, w, s: api.stream_status(r.match_info["media_key"], w, s))


def _start_watching(
    api: PlatformApi, request: web.Request, weight: float, speaker: str | None
) -> ApiAnswer | web.Response:
    max_weight = request.app[keys.MAX_WEIGHT_KEY]
    listeners = request_weight(request, max_weight, LISTENERS_HEADER)
    if listeners is None:
        return bad_weight(max_weight, LISTENERS_HEADER)
    given = LISTENERS_HEADER in request.headers
    return api.start_watching(_space(request), weight, speaker, listeners if given else None)


start_watching = _handler(_start_watching)
ping_watching = _handler(_with_session(PlatformApi.ping_watching))
stop_watching = _handler(_with_session(PlatformApi.stop_watching))
publish = _handler(lambda api, r, w, s: api.publish(_space(r), s, w), forbidden=True)
end = _handler(lambda api, r, w, s: api.end(_space(r), s, w), forbidden=True)
