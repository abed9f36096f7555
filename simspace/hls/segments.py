"""Pure live-HLS segment timeline: which chunks exist at an event time, their names and bytes.

No clock and no I/O: callers pass event time in; media is built from cached, encoder-free frames.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from simspace.hls.aac import SAMPLES_PER_FRAME, adts_frames, sampling_frequency_index
from simspace.hls.id3 import PTS_MODULUS, TIMESTAMP_TAG_BYTES, transport_stream_timestamp_tag

__all__ = [
    "AvailabilityRule",
    "ChunkName",
    "Segment",
    "SegmentTimeline",
    "format_chunk_name",
    "frames_per_segment",
    "parse_chunk_name",
]

_NS_PER_S = 1_000_000_000
_PTS_HZ = 90_000
# Boundary slack (in segments, ~3 ns) so an event time computed as start + n * duration counts
# segment n as finished despite float rounding; far below any scheduling granularity.
_BOUNDARY_EPSILON = 1e-9

# Canonical names only: ASCII digits, no leading zeros, bounded length (a unix-ns timestamp has at
# most 20 digits; 12 sequence digits outlast any event), exact prefix and suffix. fullmatch means
# no path separators, dots or trailing newlines can slip through.
_CHUNK_NAME = re.compile(r"chunk_(0|[1-9][0-9]{0,19})_(0|[1-9][0-9]{0,11})_a\.aac", re.ASCII)

AvailabilityRule = Callable[[int, float], bool]
"""Decides whether media sequence `seq` may be served at event time `t` (seconds)."""


@dataclass(frozen=True, slots=True)
class ChunkName:
    """The two numbers a chunk name carries."""

    timestamp_ns: int
    sequence: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One media segment of the timeline; times are event seconds unless the name says unix."""

    sequence: int
    start_s: float
    duration_s: float
    start_unix_ns: int
    pts_90khz: int
    name: str


def format_chunk_name(timestamp_ns: int, sequence: int) -> str:
    """`chunk_<unix ns>_<seq>_a.aac`, the shape X Spaces audio chunks are named."""
    if timestamp_ns < 0 or sequence < 0:
        raise ValueError("chunk timestamp and sequence must be non-negative")
    return f"chunk_{timestamp_ns}_{sequence}_a.aac"


def parse_chunk_name(name: str) -> ChunkName | None:
    """Strict syntax check of a chunk name; None for anything not produced by `format_chunk_name`.

    Whether that sequence exists (yet, or still) is a separate question: see
    `SegmentTimeline.resolve_chunk_name`.
    """
    match = _CHUNK_NAME.fullmatch(name)
    if match is None:
        return None
    return ChunkName(timestamp_ns=int(match.group(1)), sequence=int(match.group(2)))


def frames_per_segment(segment_duration_s: float, sample_rate_hz: int) -> int:
    """Whole AAC frames (1024 samples) closest to the wanted segment duration, at least one.

    Segments must hold whole frames, so 3.0 s at 48 kHz becomes 141 frames = 3.008 s and at
    44.1 kHz 129 frames ~= 2.9954 s; EXTINF advertises the real, slightly different duration.
    """
    if not (math.isfinite(segment_duration_s) and segment_duration_s > 0):
        raise ValueError(f"segment_duration_s must be positive, got {segment_duration_s}")
    return max(1, round(segment_duration_s * sample_rate_hz / SAMPLES_PER_FRAME))


@dataclass(frozen=True)
class SegmentTimeline:
    """A live audio stream's segments as a pure function of event time.

    Segment `n` covers event time [start_s + n * d, start_s + (n + 1) * d) and is published once
    it is complete (at its end). If `end_s` is set the stream stops there and a trailing partial
    segment is dropped, as an encoder that flushes only at segment boundaries would.
    `epoch_unix_s` is the unix time of event time 0; it only feeds names and PROGRAM-DATE-TIME.
    """

    start_s: float
    epoch_unix_s: float
    sample_rate_hz: int = 48_000
    channels: int = 2
    bitrate_kbps: float | None = 96.0
    target_segment_duration_s: float = 3.0
    window_size: int = 5
    end_s: float | None = None
    initial_pts_90khz: int = 0
    tone: bool = True

    def __post_init__(self) -> None:
        sampling_frequency_index(self.sample_rate_hz)
        frames_per_segment(self.target_segment_duration_s, self.sample_rate_hz)
        if not (math.isfinite(self.start_s) and math.isfinite(self.epoch_unix_s)):
            raise ValueError("start_s and epoch_unix_s must be finite")
        if self.window_size < 1:
            raise ValueError(f"window_size must be >= 1, got {self.window_size}")
        if self.end_s is not None and not (
            math.isfinite(self.end_s) and self.end_s >= self.start_s
        ):
            raise ValueError(f"end_s must be finite and >= start_s, got {self.end_s}")
        if self.epoch_unix_s + self.start_s < 0:
            raise ValueError("the stream cannot start before the unix epoch")
        # Builds (and caches) the frame now so a bad channels/bitrate fails at construction.
        adts_frames(self.sample_rate_hz, self.channels, 1, self.bitrate_kbps, self.tone)

    # --- fixed geometry -------------------------------------------------------------------

    @property
    def frames_per_segment(self) -> int:
        return frames_per_segment(self.target_segment_duration_s, self.sample_rate_hz)

    @property
    def samples_per_segment(self) -> int:
        return self.frames_per_segment * SAMPLES_PER_FRAME

    @property
    def segment_duration_s(self) -> float:
        return self.samples_per_segment / self.sample_rate_hz

    @property
    def target_duration_s(self) -> int:
        """EXT-X-TARGETDURATION: every EXTINF rounded up must not exceed it."""
        return math.ceil(self.segment_duration_s)

    @cached_property
    def _media_body(self) -> bytes:
        # All frames are identical, so every segment's audio is the same byte string; only the
        # ID3 timestamp in front differs. Built once per timeline, shared by every response.
        return adts_frames(
            self.sample_rate_hz,
            self.channels,
            self.frames_per_segment,
            self.bitrate_kbps,
            self.tone,
        )

    @property
    def segment_size_bytes(self) -> int:
        """Bytes of every segment (ID3 tag + ADTS frames); handy for Content-Length and models."""
        return TIMESTAMP_TAG_BYTES + len(self._media_body)

    @cached_property
    def _start_unix_ns(self) -> int:
        # Two separate roundings keep sub-microsecond event offsets from drowning in the ~1.7e18
        # magnitude of the epoch.
        return round(self.epoch_unix_s * _NS_PER_S) + round(self.start_s * _NS_PER_S)

    # --- time -> sequences ----------------------------------------------------------------

    @property
    def total_segments(self) -> int | None:
        """Segments the whole stream yields, or None while it has no end."""
        if self.end_s is None:
            return None
        return self._complete_segments_at(self.end_s)

    def _complete_segments_at(self, t: float) -> int:
        if math.isnan(t):
            raise ValueError("event time must not be NaN")
        if t <= self.start_s:
            return 0
        if math.isinf(t):
            raise ValueError("event time must be finite")
        elapsed_segments = (t - self.start_s) * self.sample_rate_hz / self.samples_per_segment
        return math.floor(elapsed_segments + _BOUNDARY_EPSILON)

    def produced_count(self, t: float) -> int:
        """How many segments (sequences 0 .. n-1) are complete and published at event time t."""
        count = self._complete_segments_at(t)
        total = self.total_segments
        return count if total is None else min(count, total)

    def has_ended(self, t: float) -> bool:
        """True once the stream is over and its last segment is published (EXT-X-ENDLIST)."""
        return self.end_s is not None and t >= self.end_s

    def live_edge(self, t: float) -> int | None:
        """Newest published sequence at t, or None before the first segment completes."""
        count = self.produced_count(t)
        return count - 1 if count else None

    def media_sequence(self, t: float) -> int:
        """EXT-X-MEDIA-SEQUENCE at t: the first sequence of the sliding window."""
        return max(0, self.produced_count(t) - self.window_size)

    def window(self, t: float) -> tuple[Segment, ...]:
        """The last `window_size` published segments at t, oldest first (maybe empty)."""
        count = self.produced_count(t)
        return tuple(self.segment(seq) for seq in range(self.media_sequence(t), count))

    def is_available(self, seq: int, t: float) -> bool:
        """Default serving rule: any segment published by t stays fetchable (as on a CDN)."""
        return 0 <= seq < self.produced_count(t)

    def is_in_window(self, seq: int, t: float) -> bool:
        """Stricter rule: only the segments the playlist currently lists."""
        return self.media_sequence(t) <= seq < self.produced_count(t)

    def resolve_chunk_name(
        self, name: str, t: float, rule: AvailabilityRule | None = None
    ) -> int | None:
        """Sequence number a requested chunk name refers to, or None if it must not be served.

        The name must be canonical, its timestamp must be exactly the one this timeline gives
        that sequence, and `rule` (default `is_available`) must allow the sequence at t.
        """
        parsed = parse_chunk_name(name)
        if parsed is None:
            return None
        total = self.total_segments
        if total is not None and parsed.sequence >= total:
            return None
        if parsed.timestamp_ns != self.segment_start_unix_ns(parsed.sequence):
            return None
        allowed = self.is_available if rule is None else rule
        return parsed.sequence if allowed(parsed.sequence, t) else None

    # --- sequence -> segment --------------------------------------------------------------

    def _check_sequence(self, seq: int) -> None:
        if seq < 0:
            raise ValueError(f"sequence must be >= 0, got {seq}")

    def segment_start_s(self, seq: int) -> float:
        """Event time at which segment `seq` starts."""
        self._check_sequence(seq)
        return self.start_s + seq * self.samples_per_segment / self.sample_rate_hz

    def segment_start_unix_ns(self, seq: int) -> int:
        """Unix time of the segment's first sample, exact integer ns (no cumulative drift)."""
        self._check_sequence(seq)
        return (
            self._start_unix_ns + seq * self.samples_per_segment * _NS_PER_S // self.sample_rate_hz
        )

    def pts_90khz(self, seq: int) -> int:
        """33-bit MPEG-TS timestamp of the segment's first sample, continuous across segments."""
        self._check_sequence(seq)
        offset = seq * self.samples_per_segment * _PTS_HZ // self.sample_rate_hz
        return (self.initial_pts_90khz + offset) % PTS_MODULUS

    def chunk_name(self, seq: int) -> str:
        return format_chunk_name(self.segment_start_unix_ns(seq), seq)

    def segment(self, seq: int) -> Segment:
        return Segment(
            sequence=seq,
            start_s=self.segment_start_s(seq),
            duration_s=self.segment_duration_s,
            start_unix_ns=self.segment_start_unix_ns(seq),
            pts_90khz=self.pts_90khz(seq),
            name=self.chunk_name(seq),
        )

    def segment_bytes(self, seq: int) -> bytes:
        """The chunk's full body: ID3 PRIV timestamp tag, then the ADTS frames."""
        return transport_stream_timestamp_tag(self.pts_90khz(seq)) + self._media_body
