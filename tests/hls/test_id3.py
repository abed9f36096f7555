"""ID3v2.4 PRIV transportStreamTimestamp tags: syncsafe sizes and 33-bit PTS round trips."""

from __future__ import annotations

import pytest

from simspace.hls.id3 import (
    PTS_MODULUS,
    TIMESTAMP_OWNER,
    TIMESTAMP_TAG_BYTES,
    decode_syncsafe,
    encode_syncsafe,
    parse_transport_stream_timestamp,
    transport_stream_timestamp_tag,
)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, b"\x00\x00\x00\x00"),
        (63, b"\x00\x00\x00\x3f"),
        (127, b"\x00\x00\x00\x7f"),
        (128, b"\x00\x00\x01\x00"),
        (255, b"\x00\x00\x01\x7f"),
        (16_383, b"\x00\x00\x7f\x7f"),
        (16_384, b"\x00\x01\x00\x00"),
        ((1 << 28) - 1, b"\x7f\x7f\x7f\x7f"),
    ],
)
def test_syncsafe_round_trip(value: int, encoded: bytes) -> None:
    assert encode_syncsafe(value) == encoded
    assert decode_syncsafe(encoded) == value


@pytest.mark.parametrize("value", [-1, 1 << 28])
def test_syncsafe_rejects_out_of_range(value: int) -> None:
    with pytest.raises(ValueError, match="syncsafe"):
        encode_syncsafe(value)


@pytest.mark.parametrize("data", [b"\x00\x00\x00\x80", b"\x00\x00\x00", b"\x00\x00\x00\x00\x00"])
def test_syncsafe_decode_rejects_malformed(data: bytes) -> None:
    with pytest.raises(ValueError, match="syncsafe"):
        decode_syncsafe(data)


def test_tag_layout() -> None:
    tag = transport_stream_timestamp_tag(0x1_2345_6789)
    assert len(tag) == TIMESTAMP_TAG_BYTES == 73
    assert tag[:3] == b"ID3"
    assert tag[3:5] == b"\x04\x00"  # ID3v2.4.0
    assert tag[5] == 0  # no flags: no unsynchronisation, no extended header, no footer
    assert decode_syncsafe(tag[6:10]) == len(tag) - 10
    assert tag[10:14] == b"PRIV"
    assert decode_syncsafe(tag[14:18]) == len(tag) - 20
    assert tag[18:20] == b"\x00\x00"
    owner_end = 20 + len(TIMESTAMP_OWNER)
    assert tag[20:owner_end] == b"com.apple.streaming.transportStreamTimestamp"
    assert tag[owner_end] == 0
    assert tag[owner_end + 1 :] == bytes([0, 0, 0, 1, 0x23, 0x45, 0x67, 0x89])


@pytest.mark.parametrize(
    ("pts_90khz", "expected"),
    [
        (0, 0),
        (1, 1),
        (90_000, 90_000),
        (PTS_MODULUS - 1, PTS_MODULUS - 1),
        (PTS_MODULUS, 0),
        (PTS_MODULUS + 5, 5),
        (3 * PTS_MODULUS + 270_720, 270_720),
        (-1, PTS_MODULUS - 1),
    ],
)
def test_pts_round_trip_wraps_to_33_bits(pts_90khz: int, expected: int) -> None:
    tag = transport_stream_timestamp_tag(pts_90khz)
    assert parse_transport_stream_timestamp(tag) == expected
    assert tag[-8:-5] == b"\x00\x00\x00"  # only the low 33 bits may be set
    assert tag[-5] <= 1


def test_parse_reads_the_tag_at_the_start_of_a_segment() -> None:
    assert parse_transport_stream_timestamp(transport_stream_timestamp_tag(42) + b"\xff\xf1") == 42


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"ID3",
        transport_stream_timestamp_tag(7)[:-1],
        b"ID3\x03" + transport_stream_timestamp_tag(7)[4:],
        transport_stream_timestamp_tag(7).replace(b"PRIV", b"TXXX"),
        transport_stream_timestamp_tag(7).replace(b"com.apple", b"com.other"),
        transport_stream_timestamp_tag(7)[:-8] + b"\xff" * 8,
    ],
)
def test_parse_rejects_other_shapes(data: bytes) -> None:
    assert parse_transport_stream_timestamp(data) is None
