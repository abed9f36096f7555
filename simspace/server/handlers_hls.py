"""Thin handler of the CDN tier: the live playlist and audio chunks of each Space.

The hottest path of the stub (every listener polls it), so it holds its collaborators itself
instead of looking them up in the app on every request.
"""

from __future__ import annotations

import asyncio

from aiohttp import web

from simspace.clock import Clock
from simspace.hls import PLAYLIST_NAME
from simspace.platform import PlatformApi
from simspace.server.responses import MIN_SLEEP_S, ErrorBodies, bad_weight, request_weight

__all__ = ["CHUNK_CONTENT_TYPE", "PLAYLIST_CONTENT_TYPE", "HlsHandler"]

PLAYLIST_CONTENT_TYPE = "application/vnd.apple.mpegurl"
CHUNK_CONTENT_TYPE = "audio/aac"


class HlsHandler:
    """`/hls/{media_key}/dynamic_playlist.m3u8` and `/hls/{media_key}/chunk_<ns>_<seq>_a.aac`."""

    def __init__(
        self, api: PlatformApi, clock: Clock, errors: ErrorBodies, max_weight: float
    ) -> None:
        self._api = api
        self._clock = clock
        self._errors = errors
        self._max_weight = max_weight

    async def handle(self, request: web.Request) -> web.Response:
        weight = request_weight(request, self._max_weight)
        if weight is None:
            return bad_weight(self._max_weight)
        match = request.match_info
        name = match["name"]
        if name == PLAYLIST_NAME:
            reply = self._api.playlist(match["media_key"], weight)
            content_type = PLAYLIST_CONTENT_TYPE
        else:
            reply = self._api.chunk(match["media_key"], name, weight)
            content_type = CHUNK_CONTENT_TYPE
        wall_s = reply.latency_s / self._clock.speedup
        if wall_s >= MIN_SLEEP_S:
            await asyncio.sleep(wall_s)
        if reply.code is not None:
            return self._errors.response(reply.code)
        return web.Response(body=reply.body, content_type=content_type)
