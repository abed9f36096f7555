"""Thin handlers of the API tier: parse the request, call the pure model, wait, answer."""

from __future__ import annotations

from aiohttp import web

from simspace.platform import Reply
from simspace.server import keys
from simspace.server.responses import (
    bad_request,
    bad_weight,
    reply_response,
    request_speaker,
    request_weight,
    wait_latency,
)

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


async def _answer(request: web.Request, reply: Reply, *, forbidden: bool = False) -> web.Response:
    await wait_latency(reply.latency_s, request.app[keys.CLOCK_KEY].speedup)
    if forbidden and reply.code == "bad_request":
        message = "only this Space's host (X-Sim-Speaker) may do this; speakers may publish"
        return bad_request(message, status=403)
    return reply_response(reply, request.app[keys.ERRORS_KEY])


async def live_space(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    reply = request.app[keys.API_KEY].live_space(weight, request_speaker(request))
    return await _answer(request, reply)


async def space_metadata(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    api = request.app[keys.API_KEY]
    reply = api.space_metadata(request.match_info["space_id"], weight, request_speaker(request))
    return await _answer(request, reply)


async def stream_status(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    api = request.app[keys.API_KEY]
    reply = api.stream_status(request.match_info["media_key"], weight, request_speaker(request))
    return await _answer(request, reply)


async def start_watching(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    api = request.app[keys.API_KEY]
    reply = api.start_watching(request.match_info["space_id"], weight, request_speaker(request))
    return await _answer(request, reply)


def _session_id(request: web.Request) -> str | None:
    session_id = request.query.get("session_id")
    return session_id if session_id else None


async def ping_watching(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    session_id = _session_id(request)
    if session_id is None:
        return bad_request("session_id query parameter is required")
    api = request.app[keys.API_KEY]
    space_id = request.match_info["space_id"]
    reply = api.ping_watching(space_id, session_id, weight, request_speaker(request))
    return await _answer(request, reply)


async def stop_watching(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    session_id = _session_id(request)
    if session_id is None:
        return bad_request("session_id query parameter is required")
    api = request.app[keys.API_KEY]
    space_id = request.match_info["space_id"]
    reply = api.stop_watching(space_id, session_id, weight, request_speaker(request))
    return await _answer(request, reply)


async def publish(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    api = request.app[keys.API_KEY]
    reply = api.publish(request.match_info["space_id"], request_speaker(request), weight)
    return await _answer(request, reply, forbidden=True)


async def end(request: web.Request) -> web.Response:
    weight = request_weight(request)
    if weight is None:
        return bad_weight()
    api = request.app[keys.API_KEY]
    reply = api.end(request.match_info["space_id"], request_speaker(request), weight)
    return await _answer(request, reply, forbidden=True)
