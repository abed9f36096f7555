"""One HTTP request through a Locust user's client (geventhttpclient, in the load process): the
answer streamed and read up to its size cap, the connection dropped past it. The client follows no
redirect itself (its users set `max_redirects = 0`): `fetching.follow_redirects` does, hop by hop.
"""

from __future__ import annotations

import http.client
import time
from dataclasses import dataclass
from typing import Any

import gevent

from simspace.load.actions import Reply
from simspace.load.fetching import (
    REDIRECT_STATUSES,
    Answer,
    BodyError,
    decode_body,
    read_capped,
)

__all__ = ["Exchanged", "exchange"]

_READ_ERRORS = (OSError, http.client.HTTPException, BodyError, gevent.Timeout)
"""What reading a body may raise: the connection failed or timed out, or it cannot be decoded."""


@dataclass(frozen=True)
class Exchanged:
    """An answer, how long it took (s, the body included), and whether that wait is a latency:
    an answer came, or the client stopped waiting (a connection error has none)."""

    answer: Answer
    waited_s: float
    has_latency: bool


def exchange(
    client: Any,
    method: str,
    url: str,
    *,
    name: str,
    headers: dict[str, str],
    max_body_bytes: int,
    over_cap: str,
) -> Exchanged:
    """Send one request with `client` (a `FastHttpSession`) and read its answer, reported to
    Locust's statistics as a success (2xx read in full, or a redirect) or a failure."""
    sent = time.perf_counter()
    with client.request(
        method, url, name=name, headers=headers, catch_response=True, stream=True
    ) as response:
        answer, timed_out = _read(response, max_body_bytes, over_cap)
        waited_s = time.perf_counter() - sent
        if 200 <= answer.status < 300 or _redirect(answer):
            response.success()
        else:
            reply = Reply(answer.status, answer.body, answer.error)
            response.failure(f"{answer.status} {reply.error_message()}")
    return Exchanged(answer, waited_s, answer.status != 0 or timed_out)


def _read(response: Any, max_body_bytes: int, over_cap: str) -> tuple[Answer, bool]:
    """The answer and whether it timed out; past the cap the connection is closed unread."""
    status = int(response.status_code or 0)
    failure = getattr(response, "error", None)  # only a response that failed has one
    if status == 0:
        return Answer(0, error=str(failure or "no answer")), _timed_out(failure)
    headers = response.headers
    location = headers.get("location") if headers is not None else None
    encodings = headers.getlist("content-encoding") if headers is not None else []
    try:
        raw = read_capped(response.read, max_body_bytes)
        if not raw and not 200 <= status < 400:
            # Locust reads an error answer's body itself (to word the failure): take it there
            content = response.content or b""
            raw = content if len(content) <= max_body_bytes else None
        body = decode_body(raw, encodings[0] if encodings else "", max_body_bytes) if raw else raw
    except _READ_ERRORS as error:
        response.release()
        return Answer(0, error=f"reading the answer: {error}"), _timed_out(error)
    if body is None:
        response.release()  # the message is incomplete: the pool closes the connection
        return Answer(0, error=over_cap), False
    failed = "" if 200 <= status < 300 else str(failure or "")
    return Answer(status, body, failed, location if isinstance(location, str) else None), False


def _redirect(answer: Answer) -> bool:
    return answer.status in REDIRECT_STATUSES and answer.location is not None


def _timed_out(error: object) -> bool:
    """Whether the client stopped waiting (geventhttpclient wraps a timeout in
    `RetriesExceeded(original=...)`)."""
    cause = getattr(error, "original", error)
    return isinstance(cause, TimeoutError | gevent.Timeout)
