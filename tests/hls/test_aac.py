"""Bit-level checks of the encoder-free AAC-LC ADTS frames."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from simspace.hls.aac import (
    ADTS_HEADER_BYTES,
    SAMPLING_FREQUENCIES_HZ,
    BitWriter,
    adts_frame,
    adts_frames,
    frame_bytes_for_bitrate,
    sampling_frequency_index,
    tone_frequency_hz,
)


@dataclass(frozen=True)
class AdtsHeader:
    syncword: int
    mpeg_id: int
    layer: int
    protection_absent: int
    profile: int
    sampling_index: int
    channel_config: int
    frame_length: int
    buffer_fullness: int
    raw_blocks_minus_one: int


def _bits(data: bytes) -> str:
    return "".join(f"{byte:08b}" for byte in data)


def _parse_header(frame: bytes) -> AdtsHeader:
    bits = _bits(frame[:ADTS_HEADER_BYTES])

    def field(start: int, width: int) -> int:
        return int(bits[start : start + width], 2)

    return AdtsHeader(
        syncword=field(0, 12),
        mpeg_id=field(12, 1),
        layer=field(13, 2),
        protection_absent=field(15, 1),
        profile=field(16, 2),
        sampling_index=field(18, 4),
        channel_config=field(23, 3),
        frame_length=field(30, 13),
        buffer_fullness=field(43, 11),
        raw_blocks_minus_one=field(54, 2),
    )


def _split_frames(stream: bytes) -> list[bytes]:
    """Walk an ADTS stream by its own aac_frame_length fields."""
    frames = []
    offset = 0
    while offset < len(stream):
        length = _parse_header(stream[offset:]).frame_length
        assert length >= ADTS_HEADER_BYTES
        frames.append(stream[offset : offset + length])
        offset += length
    assert offset == len(stream)
    return frames


CASES = [
    (48_000, 2, 96.0, True),
    (48_000, 2, None, True),
    (48_000, 1, 64.0, False),
    (44_100, 2, 96.0, True),
    (44_100, 1, None, False),
    (32_000, 2, 320.0, True),
    (22_050, 1, 32.0, True),
    (8_000, 1, None, True),
    (96_000, 2, 128.0, False),
]


@pytest.mark.parametrize(("sample_rate_hz", "channels", "bitrate_kbps", "tone"), CASES)
def test_adts_header_fields(
    sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> None:
    frame = adts_frame(sample_rate_hz, channels, bitrate_kbps, tone)
    header = _parse_header(frame)
    assert header.syncword == 0xFFF
    assert header.mpeg_id == 0
    assert header.layer == 0
    assert header.protection_absent == 1
    assert header.profile == 1  # AAC LC is object type 2, stored minus one
    assert header.sampling_index == SAMPLING_FREQUENCIES_HZ.index(sample_rate_hz)
    assert header.channel_config == channels
    assert header.frame_length == len(frame)
    assert header.buffer_fullness == 0x7FF
    assert header.raw_blocks_minus_one == 0


@pytest.mark.parametrize(("sample_rate_hz", "channels", "bitrate_kbps", "tone"), CASES)
def test_frames_walk_by_length_field(
    sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> None:
    stream = adts_frames(sample_rate_hz, channels, 7, bitrate_kbps, tone)
    frames = _split_frames(stream)
    assert len(frames) == 7
    assert set(frames) == {adts_frame(sample_rate_hz, channels, bitrate_kbps, tone)}


@pytest.mark.parametrize(("sample_rate_hz", "channels", "bitrate_kbps", "tone"), CASES)
def test_first_element_matches_channel_count(
    sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> None:
    payload = adts_frame(sample_rate_hz, channels, bitrate_kbps, tone)[ADTS_HEADER_BYTES:]
    element_id = int(_bits(payload)[:3], 2)
    assert element_id == (1 if channels == 2 else 0)  # CPE for stereo, SCE for mono


def test_silent_mono_frame_is_exactly_the_expected_bits() -> None:
    payload = adts_frame(48_000, 1, None, tone=False)[ADTS_HEADER_BYTES:]
    expected = (
        "000" + "0000"  # SCE, instance tag 0
        "01100100"  # global_gain 100
        "0" + "00" + "0" + "000000" + "0"  # ics_info: long window, sine, max_sfb 0, no predictor
        "000"  # no pulse / tns / gain control
        "111"  # END
    )
    expected += "0" * (-len(expected) % 8)
    assert _bits(payload) == expected


def test_silent_stereo_frame_is_exactly_the_expected_bits() -> None:
    payload = adts_frame(44_100, 2, None, tone=False)[ADTS_HEADER_BYTES:]
    channel = "01100100" + "000"  # global_gain 100, no pulse / tns / gain control
    expected = (
        "001" + "0000" + "1"  # CPE, instance tag 0, common_window
        "0" + "00" + "0" + "000000" + "0"  # shared ics_info with max_sfb 0
        "00"  # ms_mask_present: none
         + channel + channel + "111"  # END
    )
    expected += "0" * (-len(expected) % 8)
    assert _bits(payload) == expected


@pytest.mark.parametrize(
    ("sample_rate_hz", "bitrate_kbps", "expected_bytes"),
    [(48_000, 96.0, 256), (44_100, 96.0, 279), (48_000, 64.0, 171), (32_000, 320.0, 1280)],
)
def test_frame_bytes_for_bitrate(
    sample_rate_hz: int, bitrate_kbps: float, expected_bytes: int
) -> None:
    assert frame_bytes_for_bitrate(sample_rate_hz, bitrate_kbps) == expected_bytes


# One AAC channel may carry at most 6144 bits per frame (288 kb/s at 48 kHz), hence the filter.
PADDING_CASES = [
    (bitrate_kbps, channels)
    for bitrate_kbps in (8.0, 24.0, 32.5, 64.0, 96.0, 128.0, 191.0, 256.0, 320.0, 576.0)
    for channels in (1, 2)
    if bitrate_kbps <= 288.0 * channels
]


@pytest.mark.parametrize(("bitrate_kbps", "channels"), PADDING_CASES)
@pytest.mark.parametrize("tone", [True, False])
def test_padding_hits_the_target_size_exactly(
    bitrate_kbps: float, channels: int, tone: bool
) -> None:
    # Covers no fill, short FIL elements, escaped FIL counts and several FIL elements in a row.
    frame = adts_frame(48_000, channels, bitrate_kbps, tone)
    assert len(frame) == frame_bytes_for_bitrate(48_000, bitrate_kbps)


def test_padding_never_shrinks_a_frame() -> None:
    natural = adts_frame(48_000, 2, None)
    assert len(adts_frame(48_000, 2, 0.1)) == len(natural)
    assert len(natural) < 32


def test_ninety_six_kbps_stereo_at_48k_is_256_bytes_per_frame() -> None:
    assert len(adts_frames(48_000, 2, 141, 96.0)) == 141 * 256


def test_frame_is_built_once_and_reused() -> None:
    assert adts_frame(48_000, 2, 96.0) is adts_frame(48_000, 2, 96.0)


@pytest.mark.parametrize("sample_rate_hz", SAMPLING_FREQUENCIES_HZ)
def test_tone_is_near_440_hz(sample_rate_hz: int) -> None:
    spacing_hz = sample_rate_hz / 1024  # possible tones are whole cycles per frame
    assert abs(tone_frequency_hz(sample_rate_hz) - 440.0) <= spacing_hz / 2 + 1e-9


def test_every_standard_rate_has_an_index() -> None:
    assert [sampling_frequency_index(rate) for rate in SAMPLING_FREQUENCIES_HZ] == list(range(13))


@pytest.mark.parametrize(
    ("sample_rate_hz", "channels", "frame_count", "bitrate_kbps"),
    [
        (44_000, 2, 1, None),  # not a standard AAC rate
        (48_000, 0, 1, None),
        (48_000, 3, 1, None),
        (48_000, 2, -1, None),
        (48_000, 2, 1, 0.0),
        (48_000, 2, 1, -96.0),
        (48_000, 2, 1, float("nan")),
        (48_000, 1, 1, 400.0),  # more than 6144 bits for one channel
        (8_000, 2, 1, 200.0),
    ],
)
def test_invalid_arguments_raise(
    sample_rate_hz: int, channels: int, frame_count: int, bitrate_kbps: float | None
) -> None:
    with pytest.raises(ValueError, match=r"."):
        adts_frames(sample_rate_hz, channels, frame_count, bitrate_kbps)


def test_bit_writer_packs_msb_first_and_aligns() -> None:
    bits = BitWriter()
    bits.write(0b101, 3)
    bits.write(0x3F, 6)
    assert bits.bit_count == 9
    bits.align()
    assert bits.bit_count == 16
    assert bits.to_bytes() == bytes([0b10111111, 0b10000000])


def test_bit_writer_rejects_overflow_and_unaligned_output() -> None:
    bits = BitWriter()
    with pytest.raises(ValueError, match="does not fit"):
        bits.write(4, 2)
    with pytest.raises(ValueError, match="does not fit"):
        bits.write(-1, 4)
    bits.write(1, 1)
    with pytest.raises(ValueError, match="aligned"):
        bits.to_bytes()


@pytest.mark.parametrize("sample_rate_hz", SAMPLING_FREQUENCIES_HZ)
@pytest.mark.parametrize("channels", [1, 2])
def test_tone_frames_build_at_every_standard_rate(sample_rate_hz: int, channels: int) -> None:
    # The tone's scalefactor band must lie inside the band tables kept for that rate.
    frame = adts_frame(sample_rate_hz, channels, None, tone=True)
    header = _parse_header(frame)
    assert header.frame_length == len(frame)
    assert header.sampling_index == sampling_frequency_index(sample_rate_hz)
    assert len(frame) > len(adts_frame(sample_rate_hz, channels, None, tone=False))
