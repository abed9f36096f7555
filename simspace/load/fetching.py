"""How the load side reads answers it does not control: bodies read up to a size cap (the
connection dropped past it), and redirects followed by simspace itself, one hop at a time, each hop
a request of its own and checked with the same rule as the first URL. Pure: the driver passes in
how to send one request and how to read a body.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from simspace.load.actions import Call, Reply
from simspace.load.hls_playlist import PlaylistError, resolve
from simspace.scenario.platform import DEFAULT_MAX_BITRATE_BPS, DEFAULT_MAX_PLAYLIST_BYTES
from simspace.target import refusal_message

__all__ = [
    "ACCEPT_ENCODING",
    "DEFAULT_MAX_BITRATE_BPS",
    "DEFAULT_MAX_PLAYLIST_BYTES",
    "MAX_REDIRECTS",
    "REDIRECT_STATUSES",
    "Answer",
    "BodyError",
    "BoundedCall",
    "Fetched",
    "answered_url",
    "decode_body",
    "follow_redirects",
    "over_cap_message",
    "read_capped",
    "segment_cap_bytes",
]

MAX_REDIRECTS = 5
"""Redirects followed for one request; the next one is a failed request."""
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
SEGMENT_CAP_SAFETY = 2.0
"""A segment may be this many times the size `max_bitrate_bps` gives its duration."""
MIN_SEGMENT_CAP_BYTES = 64 * 1024  # headers, tiny segments, ID3 tags: never capped below this
MAX_SEGMENT_S_COUNTED = 60.0
"""A playlist's `#EXTINF` is the target's word: a segment's cap counts at most this long."""
READ_CHUNK_BYTES = 64 * 1024
ACCEPT_ENCODING = "gzip, deflate"
"""What the load side accepts: encodings it can decode within a cap (not br)."""

Send = Callable[[str, str], "Answer"]
"""(method, url) -> the answer to one request, sent (and recorded) by the driver."""


@dataclass(frozen=True)
class BoundedCall(Call):
    """A request whose answer is read up to `max_body_bytes` (None: the driver's default cap)."""

    max_body_bytes: int | None = None


@dataclass(frozen=True)
class Fetched(Reply):
    """A reply and the URL it finally came from, after the redirects simspace followed."""

    url: str = ""


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange as the driver saw it: status 0 means no usable answer (no connection,
    a timeout, a body over its cap); `location` is the Location header, if any."""

    status: int
    body: bytes = b""
    error: str = ""
    location: str | None = None

    def reply(self, url: str = "") -> Fetched:
        return Fetched(self.status, self.body, self.error, url)


def answered_url(reply: Reply, asked: str) -> str:
    """Where `reply` came from: the last hop of its redirects, else the URL asked."""
    return reply.url if isinstance(reply, Fetched) and reply.url else asked


def follow_redirects(
    method: str,
    url: str,
    send: Send,
    allowed: Callable[[str], bool],
) -> Fetched:
    """Send `method url`, following up to `MAX_REDIRECTS` redirects; a hop `allowed` refuses
    is never sent (the reply keeps the redirect's status, with the refusal as its error), and
    one more redirect than allowed ends in a failed reply as well."""
    for redirects in range(MAX_REDIRECTS + 1):
        answer = send(method, url)
        hop = _next_hop(url, answer)
        if hop is None:
            return answer.reply(url)
        if isinstance(hop, Fetched):
            return hop
        if redirects == MAX_REDIRECTS:
            break
        if not allowed(hop):
            return Fetched(answer.status, error=refusal_message(hop), url=url)
        method = _redirected_method(method, answer.status)
        url = hop
    return Fetched(answer.status, error=f"too many redirects (over {MAX_REDIRECTS})", url=url)


def _next_hop(url: str, answer: Answer) -> str | Fetched | None:
    """The URL a redirect points at (None: not a redirect; a Fetched: a bad Location)."""
    if answer.status not in REDIRECT_STATUSES or not answer.location:
        return None
    try:
        return resolve(url, answer.location)
    except PlaylistError:
        return Fetched(answer.status, error="bad redirect location", url=url)


def _redirected_method(method: str, status: int) -> str:
    # RFC 9110 15.4: 303 turns into GET; browsers (and so players) do the same for a POST on
    # 301 and 302. 307 and 308 keep the method.
    if status == 303 or (status in (301, 302) and method == "POST"):
        return "GET"
    return method


# -- bodies ------------------------------------------------------------------------------------


class BodyError(ValueError):
    """A body that cannot be decoded (an unknown encoding, corrupt compressed data)."""


def segment_cap_bytes(duration_s: float, max_bitrate_bps: float) -> int:
    """How much of a segment playing `duration_s` a listener reads at most."""
    counted_s = min(max(duration_s, 0.0), MAX_SEGMENT_S_COUNTED)
    cap = max_bitrate_bps / 8.0 * counted_s * SEGMENT_CAP_SAFETY
    return max(MIN_SEGMENT_CAP_BYTES, math.ceil(cap))


def over_cap_message(call: Call) -> str:
    """The error of an answer over its cap, named after what was asked: `segment over size
    cap` for `cdn: segment`."""
    what = call.name.partition(": ")[2] or call.name
    return f"{what} over size cap"


def read_capped(read: Callable[[int], bytes], cap_bytes: int) -> bytes | None:
    """The whole body, read `READ_CHUNK_BYTES` at a time; None as soon as it passes `cap_bytes`
    (at most `cap_bytes + 1` bytes are read: the caller drops the connection)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = read(min(READ_CHUNK_BYTES, cap_bytes + 1 - size))
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > cap_bytes:
            return None
        chunks.append(chunk)


def decode_body(raw: bytes, encoding: str, cap_bytes: int) -> bytes | None:
    """The body under its Content-Encoding (identity, gzip, deflate), None if decoded it is
    over `cap_bytes` (a small compressed body may inflate to any size); raises BodyError."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return raw
    if encoding not in ("gzip", "deflate"):
        raise BodyError(f"unsupported content encoding {encoding[:40]!r}")
    # gzip: its header; deflate: zlib's wrapper as RFC 9110 says, or raw deflate as some send
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    try:
        return _inflate(raw, wbits, cap_bytes)
    except zlib.error:
        if encoding == "gzip":
            raise BodyError("corrupt gzip body") from None
    try:
        return _inflate(raw, -zlib.MAX_WBITS, cap_bytes)
    except zlib.error:
        raise BodyError("corrupt deflate body") from None


def _inflate(raw: bytes, wbits: int, cap_bytes: int) -> bytes | None:
    inflater = zlib.decompressobj(wbits)
    body = inflater.decompress(raw, cap_bytes + 1)
    if len(body) > cap_bytes:
        return None
    if not inflater.eof:
        raise zlib.error("truncated")
    return body
