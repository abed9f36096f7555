"""The player of target mode: real time, real cadence, as an RFC 8216 client plays a live stream.

It starts three segments from the live edge, downloads segments in order, reloads the playlist
every target duration (half of it when nothing changed), skips what left the sliding window, and
counts stalls from a playback buffer that drains in real time. A playlist reached through
redirects is reloaded at its own URL, and its segments are resolved against where it came from.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Protocol

from simspace.load.actions import Action, Call, Reply, Wait
from simspace.load.fetching import (
    DEFAULT_MAX_BITRATE_BPS,
    BoundedCall,
    answered_url,
    segment_cap_bytes,
)
from simspace.load.hls_playlist import (
    MasterPlaylist,
    MediaPlaylist,
    MediaSegment,
    PlaylistError,
    parse_playlist,
    resolve,
)
from simspace.load.listening import Listening, NotStarted, PlayEnd, Stream, Watching
from simspace.load.policy import backoff_s, retryable

__all__ = ["PlaybackBuffer", "RealTimePlayer", "SegmentRecorder"]

LIVE_EDGE_SEGMENTS = 3
"""RFC 8216 6.3.3: start no later than the third-last segment of the live playlist."""
MIN_RELOAD_S = 0.5  # whatever a playlist's target duration says, never reload faster than this
MAX_EXPIRED_COUNTED = 1000  # a gap wider than this is a restarted stream, not expiry
_STALL_EPSILON_S = 1e-6  # a segment arriving as the buffer runs dry is not a stall
_GONE = (404, 410)

Step = Generator[Action, Reply | None, PlayEnd | None]
"""One step of playback: None to go on, or how playing ended."""


class SegmentRecorder(Protocol):
    """Where segment download times go."""

    def segment(self, t: float, download_s: float, duration_s: float, ok: bool) -> None: ...


@dataclass
class PlaybackBuffer:
    """Audio plays in real time from the first segment on; a stall lasts from the moment the
    buffer runs dry until the next segment arrives, and playback then resumes from it."""

    first_audio_t: float | None = None
    resumed_t: float = 0.0  # when playback last started or resumed
    buffered_at_resume_s: float = 0.0  # audio ahead of the playhead then

    @property
    def empty_at(self) -> float:
        """When the audio downloaded so far has all been played."""
        return self.resumed_t + self.buffered_at_resume_s

    def add(self, t: float, duration_s: float) -> float:
        """A segment of `duration_s` arrived at `t`: the stall it ends (s), or 0."""
        stall_s = 0.0
        if self.first_audio_t is None:
            self.first_audio_t = t
        elif t <= self.empty_at + _STALL_EPSILON_S:
            self.buffered_at_resume_s += duration_s
            return 0.0
        else:
            stall_s = t - self.empty_at
        self.resumed_t, self.buffered_at_resume_s = t, duration_s
        return stall_s


@dataclass(frozen=True)
class _Live:
    """A media playlist as first loaded, and where from."""

    url: str
    playlist: MediaPlaylist
    loaded_at: float
    base_url: str  # where it came from, after redirects: its segments' URIs are relative to it


@dataclass
class _RealTimePlayback:
    """Where one real-time playback is (event times; infinity: never)."""

    url: str  # of the media playlist, reloaded there
    base_url: str  # where its latest load came from (after redirects): segment URIs resolve here
    playlist: MediaPlaylist  # the latest load
    next_seq: int | None  # the next segment to fetch (None: the window was empty)
    reload_at: float
    next_ping_t: float
    give_up_at: float
    leave_at: float = math.inf
    audio: PlaybackBuffer = field(default_factory=PlaybackBuffer)

    def next_segment(self) -> MediaSegment | None:
        """The next segment to fetch, if the window lists it yet."""
        return None if self.next_seq is None else self.playlist.segment(self.next_seq)


@dataclass
class RealTimePlayer:
    """Plays a live HLS stream as a real player does; no URL for which `url_allowed` is False is
    retried (the listener's route refuses it anyway). A segment is read up to the size
    `max_bitrate_bps` gives its duration (`fetching.segment_cap_bytes`)."""

    segments: SegmentRecorder
    url_allowed: Callable[[str], bool]
    max_bitrate_bps: float = DEFAULT_MAX_BITRATE_BPS

    def play(self, listener: Listening, stream: Stream) -> Generator[Action, Reply | None, PlayEnd]:
        """Download, reload, ping and play until leaving, booted, gone or out of patience."""
        live = yield from self._open(listener, stream.location)
        if not isinstance(live, _Live):
            return live
        if live.playlist.ended:
            return "space_ended"
        client = listener.client
        ping_t = listener.clock.now() + client.ping_interval if stream.watching else math.inf
        playback = _RealTimePlayback(
            url=live.url,
            base_url=live.base_url,
            playlist=live.playlist,
            next_seq=_live_start(live.playlist),
            reload_at=live.loaded_at + max(live.playlist.target_duration_s, MIN_RELOAD_S),
            next_ping_t=ping_t,
            give_up_at=stream.waiting_since + client.patience,
        )
        while True:
            end = yield from self._step(listener, stream, playback)
            if end is not None:
                return end

    # -- opening -----------------------------------------------------------------------------

    def _open(
        self, listener: Listening, url: str
    ) -> Generator[Action, Reply | None, _Live | NotStarted]:
        """Load the live playlist with the retry policy; a master leads to its first variant."""
        for _ in range(2):
            loaded_at = listener.clock.now()
            reply = yield from listener.call(_get(listener, url, "cdn: playlist"))
            if reply.status in _GONE:
                return "stream_gone"
            playlist = _parse(listener, reply) if reply.ok else None
            if playlist is None:
                return "stream_failed"
            if isinstance(playlist, MediaPlaylist):
                return _Live(url, playlist, loaded_at, answered_url(reply, url))
            try:
                url = resolve(answered_url(reply, url), playlist.variants[0].uri)
            except PlaylistError as error:
                _bad_playlist(listener, str(error))
                return "stream_failed"
        _bad_playlist(listener, "a master playlist points at another master playlist")
        return "stream_failed"

    # -- playing: one step at a time, the most urgent first -----------------------------------

    def _step(self, listener: Listening, stream: Stream, playback: _RealTimePlayback) -> Step:
        now = listener.clock.now()
        if now >= playback.leave_at:
            return "left"
        if playback.audio.first_audio_t is None and now >= playback.give_up_at:
            return "gave_up"
        if stream.watching is not None and now >= playback.next_ping_t:
            return (yield from _ping(listener, stream.watching, playback, now))
        if not playback.playlist.ended and now >= playback.reload_at:
            return (yield from _reload(listener, playback, now))
        segment = playback.next_segment()
        if segment is not None:
            yield from self._fetch(listener, stream, playback, segment)
            return None
        return (yield from _idle(playback, now))

    def _fetch(
        self,
        listener: Listening,
        stream: Stream,
        playback: _RealTimePlayback,
        segment: MediaSegment,
    ) -> Generator[Action, Reply | None, None]:
        """Download the next segment into the buffer: first audio, or the end of a stall."""
        playback.next_seq = segment.sequence + 1
        try:
            url = resolve(playback.base_url, segment.uri)
        except PlaylistError as error:
            _bad_playlist(listener, str(error))
            return
        if not (yield from self._download(listener, url, segment.duration_s)):
            return
        t = listener.clock.now()
        first = playback.audio.first_audio_t is None
        stall_s = playback.audio.add(t, segment.duration_s)
        if first:
            playback.leave_at = t + listener.listening_s
            listener.state(
                "playing", ttfa_s=t - stream.joined_at, waited_s=t - stream.waiting_since
            )
        elif stall_s > 0.0:
            listener.state("stall", stall_s=stall_s)

    def _download(
        self, listener: Listening, url: str, duration_s: float
    ) -> Generator[Action, Reply | None, bool]:
        """One segment, with the retry policy; every attempt's time goes to the recorder."""
        policy = listener.client.retries
        cap_bytes = segment_cap_bytes(duration_s, self.max_bitrate_bps)
        weight = listener.plan.listener_weight
        call = BoundedCall("GET", url, "cdn", "cdn: segment", weight, max_body_bytes=cap_bytes)
        for attempt in range(1, policy.attempts + 1):
            started = listener.clock.now()
            reply = yield from listener.call(call, retry=False)
            now = listener.clock.now()
            self.segments.segment(now, now - started, duration_s, reply.ok)
            if reply.ok:
                return True
            if attempt == policy.attempts or not retryable(reply.status):
                break
            if not self.url_allowed(url):
                break
            yield Wait(now + backoff_s(policy, attempt, listener.rng))
        return False


def _ping(listener: Listening, watching: Watching, playback: _RealTimePlayback, now: float) -> Step:
    """Ping the watching session: a 410 means the listener was booted."""
    playback.next_ping_t = now + listener.client.ping_interval
    ping = Call(
        "POST", watching.ping_path, "api", "api: ping watching", listener.plan.listener_weight
    )
    pong = yield from listener.call(ping, retry=False)
    return "booted" if pong.status == 410 else None


def _reload(listener: Listening, playback: _RealTimePlayback, now: float) -> Step:
    """The live playlist again (no retries: the next reload is the retry), followed in its
    sliding window; the Space has ended if it is gone."""
    reply = yield from listener.call(_get(listener, playback.url, "cdn: playlist"), retry=False)
    if reply.status in _GONE:
        return "space_ended"
    fresh = _parse(listener, reply) if reply.ok else None
    if isinstance(fresh, MasterPlaylist):
        _bad_playlist(listener, "the media playlist turned into a master playlist")
        fresh = None
    # RFC 8216 6.3.4: a full target duration after a change, half after none (or a failure),
    # measured from when this reload began.
    added = fresh is not None and fresh.end_sequence > playback.playlist.end_sequence
    if fresh is not None:
        playback.next_seq = _follow(listener, fresh, playback.next_seq)
        playback.playlist = fresh
        playback.base_url = answered_url(reply, playback.url)
    wait_s = playback.playlist.target_duration_s * (1.0 if added else 0.5)
    playback.reload_at = now + max(wait_s, MIN_RELOAD_S)
    return None


def _idle(playback: _RealTimePlayback, now: float) -> Step:
    """Nothing to fetch: wait for the next reload, ping, leave or give-up time. After the end
    of the list, the Space is over once the buffer has played out."""
    if playback.playlist.ended:
        if playback.audio.first_audio_t is None or now >= playback.audio.empty_at:
            return "space_ended"
        wake = playback.audio.empty_at
    else:
        wake = playback.reload_at
    if playback.audio.first_audio_t is None:
        wake = min(wake, playback.give_up_at)
    yield Wait(min(wake, playback.next_ping_t, playback.leave_at))
    return None


def _follow(listener: Listening, playlist: MediaPlaylist, next_seq: int | None) -> int | None:
    """The next segment to fetch in a reloaded window: the one after the last, unless the
    window has moved past it (then count what expired and jump to the live edge)."""
    if next_seq is None:
        return _live_start(playlist)
    if next_seq < playlist.media_sequence:
        expired = min(playlist.media_sequence - next_seq, MAX_EXPIRED_COUNTED)
        for _ in range(expired):
            listener.failure("cdn", "segment expired before download")
        start = _live_start(playlist)
        return playlist.media_sequence if start is None else start
    if next_seq > playlist.end_sequence:  # the stream restarted with lower sequence numbers
        return _live_start(playlist)
    return next_seq


def _live_start(playlist: MediaPlaylist) -> int | None:
    """The sequence number to start at: the third-last segment, or None with no segments yet."""
    if not playlist.segments:
        return None
    return playlist.segments[max(0, len(playlist.segments) - LIVE_EDGE_SEGMENTS)].sequence


def _get(listener: Listening, url: str, name: str) -> Call:
    return Call("GET", url, "cdn", name, listener.plan.listener_weight)


def _parse(listener: Listening, reply: Reply) -> MasterPlaylist | MediaPlaylist | None:
    try:
        return parse_playlist(reply.body)
    except PlaylistError as error:
        _bad_playlist(listener, str(error))
        return None


def _bad_playlist(listener: Listening, reason: str) -> None:
    listener.failure("cdn", f"bad playlist: {reason}")
