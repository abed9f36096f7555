"""The stub's HTTP surface without HTTP: a request's method and path routed to the platform's
operations, answered with the status and body the aiohttp server would send. The virtual-time
engine calls it in process; `tests/platform/test_router.py` checks it answers as the server does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from simspace.hls import PLAYLIST_NAME
from simspace.platform.api import ApiAnswer, PlatformApi

STATUS = {
    "overload": 503,
    "rate_limited": 429,
    "timeout": 504,
    "not_found": 404,
    "not_started": 409,
    "space_ended": 409,
    "listener_cap": 403,
    "booted": 410,
    "bad_request": 400,
}
"""The HTTP status of each failure code."""
HOST_ONLY = "only this Space's host (X-Sim-Speaker) may do this; speakers may publish"


def error_body(message: str, code: str) -> bytes:
    return json.dumps({"errors": [{"message": message, "code": code}]}).encode()


@dataclass(frozen=True, slots=True)
class RoutedAnswer:
    """What the server would answer, and after how long (event seconds)."""

    status: int
    body: bytes
    latency_s: float = 0.0


class PlatformRouter:
    """Routes `(method, path)` to `PlatformApi` as the stub server's routes do."""

    def __init__(self, api: PlatformApi) -> None:
        self.api = api
        self._bodies = {code: error_body(api.message(code), code) for code in STATUS}

    def handle(
        self,
        method: str,
        path: str,
        weight: float = 1.0,
        speaker: str | None = None,
        listeners: float | None = None,
    ) -> RoutedAnswer:
        """`listeners`: X-Sim-Listeners of a request to start watching (None: its weight)."""
        url = urlsplit(path)
        parts = [unquote(p) for p in url.path.strip("/").split("/")]
        query = parse_qs(url.query)
        answer = self._dispatch(method, parts, query, (weight, listeners), speaker)
        return answer if isinstance(answer, RoutedAnswer) else self._answer(answer)

    def _answer(self, answer: ApiAnswer) -> RoutedAnswer:
        if answer.code is not None:
            return RoutedAnswer(STATUS[answer.code], self._bodies[answer.code], answer.latency_s)
        body = answer.body if answer.body is not None else json.dumps(answer.data or {}).encode()
        return RoutedAnswer(200, body, answer.latency_s)

    def _bad_request(self, message: str, status: int = 400) -> RoutedAnswer:
        return RoutedAnswer(status, error_body(message, "bad_request"))

    def _dispatch(
        self,
        method: str,
        parts: list[str],
        query: dict[str, list[str]],
        weights: tuple[float, float | None],
        speaker: str | None,
    ) -> ApiAnswer | RoutedAnswer:
        api = self.api
        weight, listeners = weights
        match method, parts:
            case "GET", ["hls", media_key, name]:
                if name == PLAYLIST_NAME:
                    return api.playlist(media_key, weight)
                return api.chunk(media_key, name, weight)
            case "GET", ["api", "spaces", "live"]:
                return api.live_space(weight, speaker)
            case "GET", ["api", "spaces", space_id]:
                return api.space_metadata(space_id, weight, speaker)
            case "GET", ["api", "live_video_stream", "status", media_key]:
                return api.stream_status(media_key, weight, speaker)
            case "POST", ["api", "spaces", space_id, "watching", "start"]:
                return api.start_watching(space_id, weight, speaker, listeners)
            case "POST", ["api", "spaces", space_id, "watching", ("ping" | "stop") as verb]:
                session_id = (query.get("session_id") or [""])[0]
                if not session_id:
                    return self._bad_request("session_id query parameter is required")
                watch = api.ping_watching if verb == "ping" else api.stop_watching
                return watch(space_id, session_id, weight, speaker)
            case "POST", ["api", "spaces", space_id, ("publish" | "end") as verb]:
                host = api.publish if verb == "publish" else api.end
                answer = host(space_id, speaker, weight)
                if answer.code == "bad_request":
                    return RoutedAnswer(403, error_body(HOST_ONLY, "bad_request"), answer.latency_s)
                return answer
        return RoutedAnswer(STATUS["not_found"], self._bodies["not_found"])
