"""A listener against a real HLS service (target mode): real time, real cadence, a real player.

It plays as an RFC 8216 client does: it starts three segments from the live edge, downloads
segments in order, reloads the playlist every target duration (half of it when nothing changed),
skips what left the sliding window, and counts stalls from a playback buffer that drains in real
time. With `join_api` it first joins through the Spaces API exactly as `Listener` does (waiting
room, stream status, start watching), pings while playing and stops watching when it leaves.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, replace
from typing import Literal, Protocol
from urllib.parse import quote, urlsplit

from simspace.load.actions import Call, Reply, Wait
from simspace.load.hls_playlist import (
    MasterPlaylist,
    MediaPlaylist,
    PlaylistError,
    parse_playlist,
    resolve,
)
from simspace.load.listener import Listener, Recorder
from simspace.load.policy import backoff_s, retryable

__all__ = ["PlaybackBuffer", "TargetListener", "TargetRecorder"]

LIVE_EDGE_SEGMENTS = 3
"""RFC 8216 6.3.3: start no later than the third-last segment of the live playlist."""
MIN_RELOAD_S = 0.5  # whatever a playlist's target duration says, never reload faster than this
MAX_EXPIRED_COUNTED = 1000  # a gap wider than this is a restarted stream, not expiry
_STALL_EPSILON_S = 1e-6  # a segment arriving as the buffer runs dry is not a stall


class TargetRecorder(Recorder, Protocol):
    """A `Recorder` that also keeps segment download times."""

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


@dataclass(frozen=True)
class _Watching:
    """A Spaces watching session, for pings and the stop on leaving."""

    space_id: str
    ping_url: str
    stop_url: str


@dataclass
class TargetListener(Listener):
    """One listener of a real service, standing for `plan.listener_weight` event listeners.

    `playlist_url` is the live playlist (master or media); with `join_api` the playlist comes
    from the Spaces API and `playlist_url` is only the base the API paths resolve against (e.g.
    the target's root). No URL for which `url_allowed` is False is ever requested.
    """

    recorder: TargetRecorder
    playlist_url: str
    join_api: bool
    url_allowed: Callable[[str], bool]

    # -- joining ---------------------------------------------------------------------------------

    def _session(
        self, space_id: str | None
    ) -> Generator[Call | Wait, Reply | None, tuple[str, str | None]]:
        if self.join_api:
            return (yield from super()._session(space_id))
        waiting_since = self.clock.now()
        self._state("waiting")
        self._state("joining")
        give_up_at = waiting_since + self.client.patience
        while True:
            live = yield from self._open(self.playlist_url)
            if isinstance(live, _Live):
                return (yield from self._player(live, waiting_since, waiting_since, None)), None
            # Not there yet (or failing): look again, as the app would, until patience runs out.
            retry_at = self.clock.now() + self.client.metadata_poll_interval * self.rng.uniform(
                0.8, 1.2
            )
            if retry_at >= give_up_at:
                yield Wait(give_up_at)
                self._state("gave_up", waited_s=self.clock.now() - waiting_since)
                return "gave_up", None
            yield Wait(retry_at)

    def _play(
        self, space_id: str, location: str, session: str, joined_at: float, waiting_since: float
    ) -> Generator[Call | Wait, Reply | None, str]:
        """Joined through the API: play the stream status's playlist with the real player."""
        try:
            url = resolve(self.playlist_url, location)
        except PlaylistError as error:
            self.recorder.failure(self.clock.now(), "api", str(error), self.plan.listener_weight)
            url = ""
        live = (yield from self._open(url)) if url else "failed"
        if live == "gone":
            return self._ended(space_id)
        if not isinstance(live, _Live):
            self._state("waiting")
            return "join_failed"
        api = resolve(self.playlist_url, f"/api/spaces/{quote(space_id, safe='')}/watching/")
        query = f"?session_id={quote(session, safe='')}"
        watching = _Watching(space_id, f"{api}ping{query}", f"{api}stop{query}")
        return (yield from self._player(live, joined_at, waiting_since, watching))

    def _open(
        self, url: str
    ) -> Generator[Call | Wait, Reply | None, _Live | Literal["gone", "failed"]]:
        """Load the live playlist with the retry policy; a master leads to its first variant."""
        for _ in range(2):
            loaded_at = self.clock.now()
            reply = yield from self._call(self._get(url, "cdn: playlist"))
            if reply.status in (404, 410):
                return "gone"
            playlist = self._parse(reply) if reply.ok else None
            if playlist is None:
                return "failed"
            if isinstance(playlist, MediaPlaylist):
                return _Live(url, playlist, loaded_at)
            try:
                url = resolve(url, playlist.variants[0].uri)
            except PlaylistError as error:
                self._bad_playlist(str(error))
                return "failed"
        self._bad_playlist("a master playlist points at another master playlist")
        return "failed"

    # -- playing ---------------------------------------------------------------------------------

    def _player(
        self, live: _Live, joined_at: float, waiting_since: float, watching: _Watching | None
    ) -> Generator[Call | Wait, Reply | None, str]:
        """Download, reload, ping and play until leaving, booted, gone or out of patience."""
        playlist = live.playlist
        if playlist.ended:
            return self._ended(watching.space_id if watching else None)
        buffer = PlaybackBuffer()
        next_seq = _live_start(playlist)
        reload_at = live.loaded_at + max(playlist.target_duration_s, MIN_RELOAD_S)
        next_ping = self.clock.now() + self.client.ping_interval if watching else math.inf
        give_up_at = waiting_since + self.client.patience
        leave_at = math.inf
        while True:
            now = self.clock.now()
            if now >= leave_at:
                if watching is not None:
                    yield from self._call(self._post(watching.stop_url, "api: stop watching"))
                self._state("left")
                return "left"
            if buffer.first_audio_t is None and now >= give_up_at:
                self._state("gave_up", waited_s=now - waiting_since)
                return "gave_up"
            if watching is not None and now >= next_ping:
                next_ping = now + self.client.ping_interval
                pong = yield from self._call(
                    self._post(watching.ping_url, "api: ping watching"), retry=False
                )
                if pong.status == 410:
                    self._state("booted", space=watching.space_id)
                    return "booted"
                continue
            if not playlist.ended and now >= reload_at:
                fresh = yield from self._reload(live.url)
                if fresh == "gone":
                    return self._ended(watching.space_id if watching else None)
                # RFC 8216 6.3.4: a full target duration after a change, half after none (or
                # a failure), measured from when this reload began.
                added = fresh is not None and fresh.end_sequence > playlist.end_sequence
                if fresh is not None:
                    next_seq = self._follow(fresh, next_seq)
                    playlist = fresh
                wait_s = playlist.target_duration_s * (1.0 if added else 0.5)
                reload_at = now + max(wait_s, MIN_RELOAD_S)
                continue
            segment = playlist.segment(next_seq) if next_seq is not None else None
            if segment is not None and next_seq is not None:
                next_seq += 1
                try:
                    url = resolve(live.url, segment.uri)
                except PlaylistError as error:
                    self._bad_playlist(str(error))
                    continue
                if (yield from self._download(url, segment.duration_s)):
                    t = self.clock.now()
                    first = buffer.first_audio_t is None
                    stall_s = buffer.add(t, segment.duration_s)
                    if first:
                        leave_at = t + self.listening_s
                        self._state("playing", ttfa_s=t - joined_at, waited_s=t - waiting_since)
                    elif stall_s > 0.0:
                        self._state("stall", stall_s=stall_s)
                continue
            if playlist.ended:  # everything downloaded: the Space is over once it has played
                if buffer.first_audio_t is None or now >= buffer.empty_at:
                    return self._ended(watching.space_id if watching else None)
                wake = buffer.empty_at
            else:
                wake = reload_at
            if buffer.first_audio_t is None:
                wake = min(wake, give_up_at)
            yield Wait(min(wake, next_ping, leave_at))

    def _reload(
        self, url: str
    ) -> Generator[Call | Wait, Reply | None, MediaPlaylist | Literal["gone"] | None]:
        """The live playlist again (no retries: the next reload is the retry); None if failed."""
        reply = yield from self._call(self._get(url, "cdn: playlist"), retry=False)
        if reply.status in (404, 410):
            return "gone"
        fresh = self._parse(reply) if reply.ok else None
        if isinstance(fresh, MasterPlaylist):
            self._bad_playlist("the media playlist turned into a master playlist")
            return None
        return fresh

    def _follow(self, playlist: MediaPlaylist, next_seq: int | None) -> int | None:
        """The next segment to fetch in a reloaded window: the one after the last, unless the
        window has moved past it (then count what expired and jump to the live edge)."""
        if next_seq is None:
            return _live_start(playlist)
        if next_seq < playlist.media_sequence:
            expired = min(playlist.media_sequence - next_seq, MAX_EXPIRED_COUNTED)
            for _ in range(expired):
                self._cdn_failure("segment expired before download")
            start = _live_start(playlist)
            return playlist.media_sequence if start is None else start
        if next_seq > playlist.end_sequence:  # the stream restarted with lower sequence numbers
            return _live_start(playlist)
        return next_seq

    def _download(self, url: str, duration_s: float) -> Generator[Call | Wait, Reply | None, bool]:
        """One segment, with the retry policy; every attempt's time goes to the recorder."""
        policy = self.client.retries
        call = self._get(url, "cdn: segment")
        for attempt in range(1, policy.attempts + 1):
            started = self.clock.now()
            reply = yield from self._call(call, retry=False)
            now = self.clock.now()
            self.recorder.segment(now, now - started, duration_s, reply.ok)
            if reply.ok:
                return True
            if attempt == policy.attempts or not retryable(reply.status):
                break
            if not self.url_allowed(url):
                break
            yield Wait(now + backoff_s(policy, attempt, self.rng))
        return False

    # -- helpers ---------------------------------------------------------------------------------

    def _call(self, call: Call, retry: bool = True) -> Generator[Call | Wait, Reply | None, Reply]:
        """Every request goes to an absolute URL on the target, weighted as one listener, and
        never outside what `url_allowed` accepts: a refusal counts as a failed request."""
        call = replace(call, weight=self.plan.listener_weight)
        try:
            url = resolve(self.playlist_url, call.path)
        except PlaylistError as error:
            return self._refuse(call, str(error))
        if not self.url_allowed(url):
            host = urlsplit(url).hostname or url
            return self._refuse(
                call, f"refused: {host} is outside the allowed target (see --allow-remote)"
            )
        return (yield from super()._call(replace(call, path=url), retry))

    def _refuse(self, call: Call, message: str) -> Reply:
        self.recorder.failure(self.clock.now(), call.tier, message, call.weight)
        return Reply(0, error=message)

    def _get(self, url: str, name: str) -> Call:
        return Call("GET", url, "cdn", name, self.plan.listener_weight)

    def _post(self, url: str, name: str) -> Call:
        return Call("POST", url, "api", name, self.plan.listener_weight)

    def _parse(self, reply: Reply) -> MasterPlaylist | MediaPlaylist | None:
        try:
            return parse_playlist(reply.body)
        except PlaylistError as error:
            self._bad_playlist(str(error))
            return None

    def _bad_playlist(self, reason: str) -> None:
        self._cdn_failure(f"bad playlist: {reason}")

    def _cdn_failure(self, message: str) -> None:
        self.recorder.failure(self.clock.now(), "cdn", message, self.plan.listener_weight)

    def _ended(self, space_id: str | None) -> str:
        if space_id is None:
            self._state("space_ended")
        else:
            self._state("space_ended", space=space_id)
        return "space_ended"


def _live_start(playlist: MediaPlaylist) -> int | None:
    """The sequence number to start at: the third-last segment, or None with no segments yet."""
    if not playlist.segments:
        return None
    return playlist.segments[max(0, len(playlist.segments) - LIVE_EDGE_SEGMENTS)].sequence
