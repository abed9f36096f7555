"""A Space's live audio stream as served: playlist text and chunk bytes, cached per sequence."""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict

from simspace.hls import SegmentTimeline, render_media_playlist
from simspace.scenario.platform import HlsSettings

__all__ = ["SpaceStream"]

_CHUNK_CACHE_SIZE = 64
_EARLY_S = 1e-6


class SpaceStream:
    """Pure: every answer is a function of event time; bytes are built once and reused."""

    __slots__ = ("_chunks", "_playlist", "_playlist_key", "_playlist_until_t", "timeline")

    def __init__(self, hls: HlsSettings, start_t: float, epoch_unix_s: float) -> None:
        self.timeline = SegmentTimeline(
            start_s=start_t,
            epoch_unix_s=epoch_unix_s,
            sample_rate_hz=hls.sample_rate_hz,
            channels=hls.channels,
            bitrate_kbps=hls.bitrate_kbps,
            target_segment_duration_s=hls.segment_duration,
            window_size=hls.window_segments,
        )
        self._playlist_key: tuple[int, bool] | None = None
        self._playlist = b""
        self._playlist_until_t = -math.inf
        self._chunks: OrderedDict[str, bytes] = OrderedDict()

    def end(self, t: float) -> None:
        """The stream stops at t; the playlist gets EXT-X-ENDLIST from then on."""
        if self.timeline.end_s is None:
            end_s = max(t, self.timeline.start_s)
            self.timeline = dataclasses.replace(self.timeline, end_s=end_s)
            self._playlist_key = None
            self._playlist_until_t = -math.inf

    def playlist(self, t: float) -> bytes:
        """dynamic_playlist.m3u8 at t; re-rendered only when a segment is published or it ends."""
        if t < self._playlist_until_t:
            return self._playlist
        timeline = self.timeline
        count = timeline.produced_count(t)
        key = (count, timeline.has_ended(t))
        if key != self._playlist_key:
            self._playlist = render_media_playlist(timeline, t).encode("ascii")
            self._playlist_key = key
        # Nothing changes before the next segment is published (or the stream ends): a hair
        # early is harmless, the key check above catches it.
        until_t = timeline.segment_start_s(count + 1) - _EARLY_S
        if timeline.end_s is not None:
            until_t = min(until_t, timeline.end_s) if t < timeline.end_s else math.inf
        self._playlist_until_t = until_t
        return self._playlist

    def chunk(self, name: str, t: float) -> bytes | None:
        """The chunk's bytes, or None for a name that is malformed, unknown or not yet published."""
        body = self._chunks.get(name)
        if body is not None:
            return body  # once published, a chunk stays available
        seq = self.timeline.resolve_chunk_name(name, t)
        if seq is None:
            return None
        body = self.timeline.segment_bytes(seq)
        self._chunks[name] = body
        if len(self._chunks) > _CHUNK_CACHE_SIZE:
            self._chunks.popitem(last=False)
        return body
