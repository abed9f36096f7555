"""Encoder-free HLS packed-audio media for the stub Spaces platform: AAC frames, ID3, playlists."""

from __future__ import annotations

from simspace.hls.aac import (
    ADTS_HEADER_BYTES,
    SAMPLES_PER_FRAME,
    SAMPLING_FREQUENCIES_HZ,
    BitWriter,
    adts_frame,
    adts_frames,
    frame_bytes_for_bitrate,
    sampling_frequency_index,
    tone_frequency_hz,
)
from simspace.hls.id3 import (
    PTS_MODULUS,
    TIMESTAMP_OWNER,
    TIMESTAMP_TAG_BYTES,
    decode_syncsafe,
    encode_syncsafe,
    parse_transport_stream_timestamp,
    transport_stream_timestamp_tag,
)
from simspace.hls.playlist import (
    PLAYLIST_NAME,
    format_extinf,
    format_program_date_time,
    render_media_playlist,
    render_playlist,
)
from simspace.hls.segments import (
    AvailabilityRule,
    ChunkName,
    Segment,
    SegmentTimeline,
    format_chunk_name,
    frames_per_segment,
    parse_chunk_name,
)

__all__ = [
    "ADTS_HEADER_BYTES",
    "PLAYLIST_NAME",
    "PTS_MODULUS",
    "SAMPLES_PER_FRAME",
    "SAMPLING_FREQUENCIES_HZ",
    "TIMESTAMP_OWNER",
    "TIMESTAMP_TAG_BYTES",
    "AvailabilityRule",
    "BitWriter",
    "ChunkName",
    "Segment",
    "SegmentTimeline",
    "adts_frame",
    "adts_frames",
    "decode_syncsafe",
    "encode_syncsafe",
    "format_chunk_name",
    "format_extinf",
    "format_program_date_time",
    "frame_bytes_for_bitrate",
    "frames_per_segment",
    "parse_chunk_name",
    "parse_transport_stream_timestamp",
    "render_media_playlist",
    "render_playlist",
    "sampling_frequency_index",
    "tone_frequency_hz",
    "transport_stream_timestamp_tag",
]
