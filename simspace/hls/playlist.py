"""Live HLS media playlist text (dynamic_playlist.m3u8) rendered from a segment timeline."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from simspace.hls.segments import Segment, SegmentTimeline

__all__ = [
    "PLAYLIST_NAME",
    "format_extinf",
    "format_program_date_time",
    "render_media_playlist",
    "render_playlist",
]

PLAYLIST_NAME = "dynamic_playlist.m3u8"
# Version 3 is the lowest that allows decimal EXTINF durations, which whole-frame segments need.
_HLS_VERSION = 3


def format_program_date_time(unix_ns: int) -> str:
    """ISO 8601 UTC with milliseconds (truncated), as EXT-X-PROGRAM-DATE-TIME wants."""
    seconds, remainder_ns = divmod(unix_ns, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds, tz=UTC)
    return f"{stamp:%Y-%m-%dT%H:%M:%S}.{remainder_ns // 1_000_000:03d}Z"


def format_extinf(duration_s: float) -> str:
    # Millisecond precision is what live packagers emit; players re-derive time from PTS anyway.
    return f"#EXTINF:{duration_s:.3f},"


def render_playlist(
    segments: Iterable[Segment], *, target_duration_s: int, media_sequence: int, ended: bool
) -> str:
    """Media playlist for an explicit segment list; `media_sequence` is the first one's number."""
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{_HLS_VERSION}",
        f"#EXT-X-TARGETDURATION:{target_duration_s}",
        f"#EXT-X-MEDIA-SEQUENCE:{media_sequence}",
    ]
    for segment in segments:
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{format_program_date_time(segment.start_unix_ns)}")
        lines.append(format_extinf(segment.duration_s))
        lines.append(segment.name)
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def render_media_playlist(timeline: SegmentTimeline, t: float) -> str:
    """The sliding-window playlist a listener would fetch at event time t.

    Before the first segment completes it lists no segments (players keep polling); once the
    stream has ended it keeps its last window and adds EXT-X-ENDLIST.
    """
    return render_playlist(
        timeline.window(t),
        target_duration_s=timeline.target_duration_s,
        media_sequence=timeline.media_sequence(t),
        ended=timeline.has_ended(t),
    )
