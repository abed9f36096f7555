"""The stub's player: reload the live playlist and fetch the newest audio at a coalesced cadence,
each request weighted for all the requests a real player would have made in its interval."""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass

from simspace.load.actions import Action, Call, Reply, Watch
from simspace.load.fetching import DEFAULT_MAX_BITRATE_BPS, BoundedCall, segment_cap_bytes
from simspace.load.listening import Listening, PlayEnd, Stream, Watching, stood_for

HOLDBACK_SEGMENTS = 3
"""Audio a player holds back from the live edge: playback stalls once that much has played
without anything new."""
_MEDIA_SEQUENCE = re.compile(rb"#EXT-X-MEDIA-SEQUENCE:(\d+)")
_GONE = (404, 410)


@dataclass
class _CoalescedPlayback:
    """Where one coalesced playback is (event times)."""

    last_audio_t: float
    last_ping_t: float
    next_ping_t: float
    last_reload_t: float | None = None
    last_seq: int = -1
    first_audio_t: float | None = None
    stalled_since: float | None = None
    leave_at: float | None = None
    woken_by_change: bool = False
    coalescing: bool = False  # reloading at the coalesced cadence (after the first audio)


class CoalescedPlayer:
    """Reload the playlist and fetch new audio until leaving, booted or the Space ends.

    One coalesced reload stands for all the reloads a real player made since the previous one
    (the first for one): if it succeeds they did, and playback went on; if it fails they did
    too, and playback stalls once the player's holdback has run out. Pings likewise. Between
    reloads the player is woken when a real one would have noticed the Space change (it ended),
    and until its first audio it reloads at the real cadence: a listener who joins as the
    Space goes live hears it when a real one would, not one compressed interval later.
    """

    def play(self, listener: Listening, stream: Stream) -> Generator[Action, Reply | None, PlayEnd]:
        clock, reload = listener.clock, listener.plan.playlist_poll
        # Pings go out at the coalesced cadence the plan computed for them.
        ping_every_s = listener.plan.ping.wall_interval_s * clock.speedup
        now = clock.now()
        # The coalesced ping cadence starts at a random phase: listeners who join together
        # do not ping together in lumps of the coalesced interval (real ones ping every 30 s).
        playback = _CoalescedPlayback(
            last_audio_t=now,
            last_ping_t=now,
            next_ping_t=now + ping_every_s * listener.rng.random(),
        )
        while True:
            now = clock.now()
            if playback.leave_at is not None and now >= playback.leave_at:
                return "left"
            reloads = stood_for(
                playback.last_reload_t, now, reload.event_interval_s, playback.woken_by_change
            )
            playback.last_reload_t = now
            playlist = yield from listener.call(
                Call("GET", stream.location, "cdn", "cdn: playlist", _weight(listener, reloads)),
                retry=False,
            )
            if playlist.status in _GONE or (playlist.ok and b"#EXT-X-ENDLIST" in playlist.body):
                return "space_ended"
            got_audio = yield from _fetch_newest(listener, stream.location, playlist, playback)
            now = clock.now()
            _heard(listener, stream, playback, now, got_audio)
            if (
                playback.first_audio_t is None
                and now - stream.waiting_since > listener.client.patience
            ):
                return "gave_up"
            watching = stream.watching if now >= playback.next_ping_t else None
            if watching is not None and (
                yield from _booted(listener, watching, playback, ping_every_s)
            ):
                return "booted"
            until = _next_reload(listener, playback, playlist.ok, now)
            yield until
            playback.woken_by_change = clock.now() < until.until_t


def _next_reload(
    listener: Listening, playback: _CoalescedPlayback, reload_ok: bool, now: float
) -> Watch:
    """Sleep until the next coalesced reload, or one real reload interval while the player
    waits for its first audio from a playlist that answers."""
    real_s = listener.plan.playlist_poll.event_interval_s
    rng = listener.rng
    if playback.first_audio_t is None and reload_ok:
        step_s = real_s * rng.uniform(0.9, 1.1)
    else:
        step_s = listener.plan.playlist_poll.wall_interval_s * listener.clock.speedup
        # A coalesced cadence (re)starting (first audio, a change) starts at a random phase,
        # so that players who started together do not reload together in coalesced lumps.
        fresh = playback.woken_by_change or not playback.coalescing
        step_s *= rng.random() if fresh else rng.uniform(0.9, 1.1)
        playback.coalescing = True
    return Watch(now + step_s, now, rng.uniform(0.0, real_s))


def _weight(listener: Listening, requests: float) -> float:
    return listener.plan.listener_weight * requests


def _fetch_newest(
    listener: Listening, location: str, playlist: Reply, playback: _CoalescedPlayback
) -> Generator[Action, Reply | None, bool]:
    """Fetch the newest segment if it is new; whether audio came. Its weight counts every
    segment since the last one heard: a real player fetched them all."""
    newest = _newest_chunk(playlist.body) if playlist.ok else None
    if newest is None or newest[0] <= playback.last_seq:
        return False
    seq, chunk = newest
    fresh = 1 if playback.last_seq < 0 else seq - playback.last_seq
    base = location.rsplit("/", 1)[0]
    weight = listener.plan.listener_weight * fresh
    # the stub is ours: a cap on what a chunk may weigh is only a safety net
    cap_bytes = segment_cap_bytes(listener.plan.segment_duration_s, DEFAULT_MAX_BITRATE_BPS)
    chunk_call = BoundedCall(
        "GET", f"{base}/{chunk}", "cdn", "cdn: chunk", weight, max_body_bytes=cap_bytes
    )
    got = yield from listener.call(chunk_call, retry=False)
    if not got.ok:
        return False
    playback.last_seq = seq
    return True


def _heard(
    listener: Listening, stream: Stream, playback: _CoalescedPlayback, now: float, got_audio: bool
) -> None:
    """Playback after one reload: first audio, the end of a stall, or the start of one."""
    holdback_s = HOLDBACK_SEGMENTS * listener.plan.segment_duration_s
    if got_audio:
        if playback.stalled_since is not None:
            listener.state("stall", stall_s=now - playback.stalled_since)
            playback.stalled_since = None
        playback.last_audio_t = now
        if playback.first_audio_t is None:
            playback.first_audio_t = now
            playback.leave_at = now + listener.listening_s
            listener.state(
                "playing", ttfa_s=now - stream.joined_at, waited_s=now - stream.waiting_since
            )
    elif (
        playback.first_audio_t is not None
        and playback.stalled_since is None
        and now - playback.last_audio_t > holdback_s
    ):
        playback.stalled_since = playback.last_audio_t + holdback_s


def _booted(
    listener: Listening, watching: Watching, playback: _CoalescedPlayback, ping_every_s: float
) -> Generator[Action, Reply | None, bool]:
    """Ping the watching session (standing for the real pings since the last one, or since
    joining); whether the platform says the listener is gone (410)."""
    now = listener.clock.now()
    pings = (now - playback.last_ping_t) / listener.plan.ping.event_interval_s
    playback.last_ping_t, playback.next_ping_t = now, now + ping_every_s
    pong = yield from listener.call(
        Call("POST", watching.ping_path, "api", "api: ping watching", _weight(listener, pings)),
        retry=False,
    )
    return pong.status == 410


def _newest_chunk(playlist: bytes) -> tuple[int, str] | None:
    """(sequence, uri) of the last segment in a media playlist."""
    match = _MEDIA_SEQUENCE.search(playlist)
    uris = [
        line
        for line in playlist.decode("ascii", "replace").splitlines()
        if line and not line.startswith("#")
    ]
    if match is None or not uris:
        return None
    return int(match[1]) + len(uris) - 1, uris[-1]
