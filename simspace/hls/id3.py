"""ID3v2.4 tags for HLS packed audio: the PRIV transportStreamTimestamp that opens each segment."""

from __future__ import annotations

__all__ = [
    "PTS_MODULUS",
    "TIMESTAMP_OWNER",
    "TIMESTAMP_TAG_BYTES",
    "decode_syncsafe",
    "encode_syncsafe",
    "parse_transport_stream_timestamp",
    "transport_stream_timestamp_tag",
]

# MPEG-TS presentation timestamps are 33-bit counters of a 90 kHz clock, so they wrap every
# ~26.5 hours; an all-night mega-event can cross that, so wrapping is part of the contract.
PTS_MODULUS = 1 << 33
TIMESTAMP_OWNER = b"com.apple.streaming.transportStreamTimestamp"

_HEADER_BYTES = 10  # "ID3", version (2), flags (1), syncsafe size (4)
_FRAME_HEADER_BYTES = 10  # frame id (4), syncsafe size (4), flags (2)
_PRIV_PAYLOAD_BYTES = len(TIMESTAMP_OWNER) + 1 + 8  # NUL-terminated owner + 8-byte timestamp
TIMESTAMP_TAG_BYTES = _HEADER_BYTES + _FRAME_HEADER_BYTES + _PRIV_PAYLOAD_BYTES
_SYNCSAFE_LIMIT = 1 << 28  # four 7-bit groups


def encode_syncsafe(value: int) -> bytes:
    """4-byte ID3 syncsafe integer: 7 bits per byte so no byte can look like an MPEG sync."""
    if not 0 <= value < _SYNCSAFE_LIMIT:
        raise ValueError(f"{value} does not fit in a 28-bit syncsafe integer")
    return bytes((value >> shift) & 0x7F for shift in (21, 14, 7, 0))


def decode_syncsafe(data: bytes) -> int:
    """Inverse of `encode_syncsafe`; rejects bytes with the high bit set."""
    if len(data) != 4 or any(byte & 0x80 for byte in data):
        raise ValueError(f"not a syncsafe integer: {data!r}")
    value = 0
    for byte in data:
        value = (value << 7) | byte
    return value


def transport_stream_timestamp_tag(pts_90khz: int) -> bytes:
    """ID3v2.4 tag with the PRIV frame HLS packed audio uses to anchor a segment's first sample.

    Any integer is accepted and wrapped modulo 2**33, like the MPEG-TS clock it mirrors.
    """
    payload = TIMESTAMP_OWNER + b"\x00" + (pts_90khz % PTS_MODULUS).to_bytes(8, "big")
    frame = b"PRIV" + encode_syncsafe(len(payload)) + b"\x00\x00" + payload
    return b"ID3\x04\x00\x00" + encode_syncsafe(len(frame)) + frame


def parse_transport_stream_timestamp(data: bytes) -> int | None:
    """The PTS of a tag made by `transport_stream_timestamp_tag` (at the start of `data`).

    Returns None unless `data` starts with exactly that shape of tag; used to check segments.
    """
    if len(data) < TIMESTAMP_TAG_BYTES or data[:6] != b"ID3\x04\x00\x00":
        return None
    try:
        tag_size = decode_syncsafe(data[6:10])
        frame_size = decode_syncsafe(data[14:18])
    except ValueError:
        return None
    owner_end = _HEADER_BYTES + _FRAME_HEADER_BYTES + len(TIMESTAMP_OWNER)
    if (
        tag_size != _FRAME_HEADER_BYTES + _PRIV_PAYLOAD_BYTES
        or data[10:14] != b"PRIV"
        or frame_size != _PRIV_PAYLOAD_BYTES
        or data[18:20] != b"\x00\x00"
        or data[_HEADER_BYTES + _FRAME_HEADER_BYTES : owner_end] != TIMESTAMP_OWNER
        or data[owner_end] != 0
    ):
        return None
    pts_90khz = int.from_bytes(data[owner_end + 1 : TIMESTAMP_TAG_BYTES], "big")
    return pts_90khz if pts_90khz < PTS_MODULUS else None
