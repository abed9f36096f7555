"""HLS playlists (RFC 8216) as a real player reads them: master playlists to pick a variant, live
media playlists to follow the sliding window. Pure: bytes in, values out.

Anything that is not a usable playlist (an HTML error page, truncated text, a missing target
duration...) raises `PlaylistError`, a `ValueError` carrying a one-line reason. It never leaves the
load side: a listener records it as a failed request, as a player would show a playback error.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

__all__ = [
    "MasterPlaylist",
    "MediaPlaylist",
    "MediaSegment",
    "PlaylistError",
    "VariantStream",
    "parse_playlist",
    "resolve",
]

# NAME=value pairs of an attribute list (RFC 8216 4.2); quoted values may hold commas.
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^,]*)')
_MASTER_TAGS = ("#EXT-X-STREAM-INF", "#EXT-X-MEDIA:", "#EXT-X-I-FRAME-STREAM-INF")
_MEDIA_TAGS = ("#EXTINF", "#EXT-X-TARGETDURATION", "#EXT-X-MEDIA-SEQUENCE", "#EXT-X-ENDLIST")


class PlaylistError(ValueError):
    """The bytes are not a usable HLS playlist; the message says why, in one line."""


@dataclass(frozen=True)
class VariantStream:
    """A playlist a master playlist points at: a variant stream or an audio rendition."""

    uri: str
    bandwidth: int | None = None
    audio_rendition: bool = False


@dataclass(frozen=True)
class MasterPlaylist:
    """Variant streams in playlist order, then audio renditions (`#EXT-X-MEDIA` with a URI)."""

    variants: tuple[VariantStream, ...]


@dataclass(frozen=True)
class MediaSegment:
    sequence: int
    uri: str
    duration_s: float


@dataclass(frozen=True)
class MediaPlaylist:
    """One load of a media playlist: for a live stream, the current sliding window."""

    target_duration_s: float
    media_sequence: int
    segments: tuple[MediaSegment, ...]
    ended: bool

    @property
    def end_sequence(self) -> int:
        """The sequence number the next segment after this window will have."""
        return self.media_sequence + len(self.segments)

    def segment(self, sequence: int) -> MediaSegment | None:
        """The segment with this sequence number, if it is in the window."""
        index = sequence - self.media_sequence
        return self.segments[index] if 0 <= index < len(self.segments) else None


def resolve(base_url: str, uri: str) -> str:
    """A URI from a playlist, relative to the playlist's own URL (RFC 8216 4.1); raises
    `PlaylistError` if either cannot be parsed as a URL (e.g. a malformed IPv6 host)."""
    try:
        return urljoin(base_url, uri)
    except ValueError as error:
        raise PlaylistError(f"bad URL {uri[:80]!r}: {error}") from None


def parse_playlist(body: bytes) -> MasterPlaylist | MediaPlaylist:
    """Parse a master or a media playlist; raises `PlaylistError` for anything else."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlaylistError("not UTF-8 text") from None
    lines = [(number, line.strip()) for number, line in enumerate(text.splitlines(), 1)]
    lines = [(number, line) for number, line in lines if line]
    if not lines or lines[0][1] != "#EXTM3U":
        start = lines[0][1][:40] if lines else ""
        raise PlaylistError(f"no #EXTM3U header (starts with {start!r})")
    body_lines = lines[1:]
    master = any(line.startswith(_MASTER_TAGS) for _, line in body_lines)
    media = any(line.startswith(_MEDIA_TAGS) for _, line in body_lines)
    if master and media:
        raise PlaylistError("mixes master playlist and media playlist tags")
    return _master(body_lines) if master else _media(body_lines)


def _master(lines: list[tuple[int, str]]) -> MasterPlaylist:
    streams: list[VariantStream] = []
    renditions: list[VariantStream] = []
    pending: dict[str, str] | None = None
    for number, line in lines:
        if line.startswith("#EXT-X-STREAM-INF:"):
            if pending is not None:
                raise PlaylistError(f"line {number}: #EXT-X-STREAM-INF not followed by a URI")
            pending = _attributes(line)
        elif line.startswith("#EXT-X-MEDIA:"):
            attributes = _attributes(line)
            if attributes.get("TYPE") == "AUDIO" and attributes.get("URI"):
                uri = _uri(number, attributes["URI"])
                renditions.append(VariantStream(uri, audio_rendition=True))
        elif not line.startswith("#"):
            if pending is None:
                raise PlaylistError(f"line {number}: URI {line[:80]!r} without #EXT-X-STREAM-INF")
            streams.append(VariantStream(_uri(number, line), _bandwidth(pending.get("BANDWIDTH"))))
            pending = None
    if pending is not None:
        raise PlaylistError("the last #EXT-X-STREAM-INF has no URI")
    if not streams and not renditions:
        raise PlaylistError("master playlist lists no variant")
    return MasterPlaylist((*streams, *renditions))


def _media(lines: list[tuple[int, str]]) -> MediaPlaylist:
    reader = _MediaReader()
    for number, line in lines:
        reader.read(number, line)
    return reader.playlist()


@dataclass
class _MediaReader:
    """A media playlist read line by line (tags this player does not need are skipped)."""

    target_s: float | None = None
    first_sequence: int = 0
    ended: bool = False
    entries: list[tuple[str, float]] = field(default_factory=list)
    pending_duration_s: float | None = None  # an #EXTINF still waiting for its URI

    def read(self, number: int, line: str) -> None:
        if line.startswith("#EXTINF:"):
            if self.pending_duration_s is not None:
                raise PlaylistError(f"line {number}: #EXTINF not followed by a URI")
            duration = line[8:].split(",", 1)[0]
            self.pending_duration_s = _number(number, "#EXTINF", duration, minimum=0.0)
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            self.target_s = _number(number, "#EXT-X-TARGETDURATION", line[22:], minimum=1e-3)
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            self.first_sequence = _media_sequence(number, line[22:])
        elif line == "#EXT-X-ENDLIST":
            self.ended = True
        elif not line.startswith("#"):
            if self.pending_duration_s is None:
                raise PlaylistError(f"line {number}: URI {line[:80]!r} without #EXTINF")
            self.entries.append((_uri(number, line), self.pending_duration_s))
            self.pending_duration_s = None

    def playlist(self) -> MediaPlaylist:
        if self.pending_duration_s is not None:
            raise PlaylistError("the last #EXTINF has no URI")
        if self.target_s is None:
            raise PlaylistError("media playlist without #EXT-X-TARGETDURATION")
        segments = tuple(
            MediaSegment(self.first_sequence + i, uri, seconds)
            for i, (uri, seconds) in enumerate(self.entries)
        )
        return MediaPlaylist(self.target_s, self.first_sequence, segments, self.ended)


def _media_sequence(number: int, value: str) -> int:
    try:
        sequence = int(value.strip())
    except ValueError:
        raise PlaylistError(
            f"line {number}: #EXT-X-MEDIA-SEQUENCE {value[:40]!r} is not an integer"
        ) from None
    if sequence < 0:
        raise PlaylistError(f"line {number}: #EXT-X-MEDIA-SEQUENCE is negative")
    return sequence


def _uri(number: int, uri: str) -> str:
    try:
        urlsplit(uri)
    except ValueError as error:
        raise PlaylistError(f"line {number}: bad URI {uri[:80]!r}: {error}") from None
    return uri


def _attributes(line: str) -> dict[str, str]:
    values = line.split(":", 1)[1]
    return {m[1]: m[2].strip('"') for m in _ATTRIBUTE.finditer(values)}


def _bandwidth(value: str | None) -> int | None:
    # BANDWIDTH is required by the RFC, but a player still plays a variant that lacks it.
    try:
        bandwidth = int(value) if value is not None and value.isascii() else -1
    except ValueError:
        bandwidth = -1
    return bandwidth if bandwidth >= 0 else None


def _number(number: int, tag: str, value: str, minimum: float) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds >= minimum):
        raise PlaylistError(f"line {number}: {tag} {value[:40]!r} is not a valid duration")
    return seconds
