"""Encoder-free AAC-LC ADTS frame generation: a bit writer plus hand-built raw_data_blocks.

Frames carry silence or a quiet steady tone and can be padded to a target bitrate.
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = [
    "ADTS_HEADER_BYTES",
    "SAMPLES_PER_FRAME",
    "SAMPLING_FREQUENCIES_HZ",
    "BitWriter",
    "adts_frame",
    "adts_frames",
    "frame_bytes_for_bitrate",
    "sampling_frequency_index",
    "tone_frequency_hz",
]

SAMPLES_PER_FRAME = 1024
ADTS_HEADER_BYTES = 7  # protection_absent=1, so no CRC word follows the fixed+variable header

# ADTS sampling_frequency_index order (ISO/IEC 14496-3 Table 1.18); index 13-14 are reserved.
# fmt: off
SAMPLING_FREQUENCIES_HZ: tuple[int, ...] = (
    96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350,
)
# fmt: on

# Syntactic element ids of raw_data_block().
_ID_SCE = 0
_ID_CPE = 1
_ID_FIL = 6
_ID_END = 7

_ZERO_HCB = 0
_TONE_HCB = 1  # signed 4-tuple codebook with values in {-1, 0, 1}: enough for a single line

# Codebook 1 entries we need, as (codeword, length). Index = 27*(w+1) + 9*(x+1) + 3*(y+1) + (z+1).
_HCB1_ALL_ZERO = (0x000, 1)  # index 40: (0, 0, 0, 0)
_HCB1_ONE_AT = (  # +1 at quad position 0..3: indices 67, 49, 43, 41
    (0x010, 5),
    (0x013, 5),
    (0x016, 5),
    (0x014, 5),
)
_SF_DIFF_ZERO = (0x0, 1)  # scalefactor Huffman index 60: difference 0 from the previous value

# Start of the long-window scalefactor bands, per sampling_frequency_index. Only the low bands are
# listed: the tone sits below ~500 Hz, so every band above it is never addressed (max_sfb stops
# right after the tone band and the decoder only reads bands below max_sfb).
_SWB_48 = (0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 48, 56, 64, 72, 80, 88, 96, 108, 120, 132, 144)
_SWB_64 = (0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 64, 72, 80, 88, 100, 112, 124)
_SWB_96 = (0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 64, 72, 80, 88, 96, 108, 120)
_SWB_24 = (0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 52, 60, 68, 76, 84, 92, 100, 108, 116, 124)
_SWB_16 = (0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 88, 100, 112, 124, 136, 148, 160)
_SWB_8 = (0, 12, 24, 36, 48, 60, 72, 84, 96, 108, 120, 132, 144, 156, 172)
# fmt: off
_SWB_LOW_BANDS: tuple[tuple[int, ...], ...] = (
    _SWB_96, _SWB_96, _SWB_64, _SWB_48, _SWB_48, _SWB_48,
    _SWB_24, _SWB_24, _SWB_16, _SWB_16, _SWB_16, _SWB_8, _SWB_8,
)
# fmt: on

_TONE_TARGET_HZ = 440.0
# Scalefactor (= global_gain here) of the tone line. Each step is 1.5 dB; 175 decodes (ffmpeg) to
# a sine of peak ~0.013 full scale (about -38 dBFS): clearly audible, never loud.
_TONE_GLOBAL_GAIN = 175
_SILENT_GLOBAL_GAIN = 100  # unused by decoders when max_sfb is 0, but a sane, common value

_FIL_MAX_SHORT_COUNT = 14  # count field values 0..14 are direct; 15 escapes to an extra byte
_FIL_MAX_COUNT = 15 + 255 - 1
_FILL_BYTE = 0b10100101  # the fill_byte pattern mandated for EXT_FILL payloads
_MAX_RAW_BITS_PER_CHANNEL = 6144  # decoder input buffer size per channel (14496-3 4.5.3.1)


class BitWriter:
    """MSB-first bit accumulator; builds small bitstreams (one frame) exactly once."""

    __slots__ = ("_bit_count", "_value")

    def __init__(self) -> None:
        self._value = 0
        self._bit_count = 0

    @property
    def bit_count(self) -> int:
        return self._bit_count

    def write(self, value: int, width: int) -> None:
        """Append `value` as exactly `width` bits, most significant bit first."""
        if width < 0 or value < 0 or value >> width:
            raise ValueError(f"value {value} does not fit in {width} bits")
        self._value = (self._value << width) | value
        self._bit_count += width

    def write_code(self, code: tuple[int, int]) -> None:
        self.write(code[0], code[1])

    def align(self) -> None:
        """Zero-pad to the next byte boundary (byte_alignment())."""
        self.write(0, -self._bit_count % 8)

    def to_bytes(self) -> bytes:
        if self._bit_count % 8:
            raise ValueError("bitstream is not byte aligned")
        return self._value.to_bytes(self._bit_count // 8, "big")


def sampling_frequency_index(sample_rate_hz: int) -> int:
    """The ADTS sampling_frequency_index of a standard AAC sample rate."""
    try:
        return SAMPLING_FREQUENCIES_HZ.index(sample_rate_hz)
    except ValueError:
        raise ValueError(
            f"unsupported AAC sample rate {sample_rate_hz} Hz; use one of {SAMPLING_FREQUENCIES_HZ}"
        ) from None


def _tone_line(sample_rate_hz: int) -> int:
    # A sinusoid with a whole number m of cycles per 1024-sample hop has an MDCT that is the same
    # every frame and lives only on bins 2m-1 and 2m. Conversely one constant line at bin 2m,
    # repeated in identical frames, overlap-adds to an exact sine at m * fs / 1024: a clean tone,
    # not a warble. Pick the m nearest 440 Hz.
    half_cycles = max(1, round(_TONE_TARGET_HZ * SAMPLES_PER_FRAME / sample_rate_hz))
    return 2 * half_cycles


def tone_frequency_hz(sample_rate_hz: int) -> float:
    """Frequency of the tone that `tone=True` frames decode to (near 440 Hz)."""
    sampling_frequency_index(sample_rate_hz)
    return _tone_line(sample_rate_hz) * sample_rate_hz / (2 * SAMPLES_PER_FRAME)


def frame_bytes_for_bitrate(sample_rate_hz: int, bitrate_kbps: float) -> int:
    """Whole ADTS frame size (header included) that a constant `bitrate_kbps` implies."""
    if not (math.isfinite(bitrate_kbps) and bitrate_kbps > 0):
        raise ValueError(f"bitrate_kbps must be a positive number, got {bitrate_kbps}")
    return round(bitrate_kbps * 1000 / 8 * SAMPLES_PER_FRAME / sample_rate_hz)


def _write_section_length(bits: BitWriter, length: int) -> None:
    # Long windows code sect_len in 5-bit pieces; the all-ones piece (31) means "add and continue".
    while length >= 31:
        bits.write(31, 5)
        length -= 31
    bits.write(length, 5)


def _write_ics_info(bits: BitWriter, max_sfb: int) -> None:
    bits.write(0, 1)  # ics_reserved_bit
    bits.write(0, 2)  # window_sequence: ONLY_LONG_SEQUENCE, so one window, no grouping
    bits.write(0, 1)  # window_shape: sine
    bits.write(max_sfb, 6)
    bits.write(0, 1)  # predictor_data_present (must be 0 for LC)


def _write_ics(bits: BitWriter, sf_index: int, tone: bool, common_window: bool) -> None:
    """individual_channel_stream(): gain, [ics_info], sections, scalefactors, spectrum."""
    max_sfb = _tone_band(sf_index) + 1 if tone else 0
    bits.write(_TONE_GLOBAL_GAIN if tone else _SILENT_GLOBAL_GAIN, 8)
    if not common_window:
        _write_ics_info(bits, max_sfb)
    if not tone:
        # max_sfb == 0: no sections, scalefactors or spectral data follow.
        bits.write(0, 3)  # pulse_data_present, tns_data_present, gain_control_data_present
        return
    offsets = _SWB_LOW_BANDS[sf_index]
    line = _tone_line(SAMPLING_FREQUENCIES_HZ[sf_index])
    band = max_sfb - 1
    if band:
        bits.write(_ZERO_HCB, 4)
        _write_section_length(bits, band)
    bits.write(_TONE_HCB, 4)
    _write_section_length(bits, 1)
    # One non-zero band: its scalefactor equals global_gain (difference 0).
    bits.write_code(_SF_DIFF_ZERO)
    bits.write(0, 3)  # pulse_data_present, tns_data_present, gain_control_data_present
    for quad_start in range(offsets[band], offsets[band + 1], 4):
        if quad_start <= line < quad_start + 4:
            bits.write_code(_HCB1_ONE_AT[line - quad_start])
        else:
            bits.write_code(_HCB1_ALL_ZERO)


def _tone_band(sf_index: int) -> int:
    """Index of the scalefactor band holding the tone line."""
    offsets = _SWB_LOW_BANDS[sf_index]
    line = _tone_line(SAMPLING_FREQUENCIES_HZ[sf_index])
    return max(i for i, start in enumerate(offsets[:-1]) if start <= line)


def _write_fill(bits: BitWriter, free_bits: int) -> None:
    """Spend up to `free_bits` (leaving < 7 unused) on FIL elements carrying EXT_FILL bytes."""
    while free_bits >= 7:
        if free_bits >= 15 + 8 * (_FIL_MAX_SHORT_COUNT + 1):
            count = min(_FIL_MAX_COUNT, (free_bits - 15) // 8)
        else:
            count = min(_FIL_MAX_SHORT_COUNT, (free_bits - 7) // 8)
        bits.write(_ID_FIL, 3)
        if count <= _FIL_MAX_SHORT_COUNT:
            bits.write(count, 4)
            free_bits -= 7 + 8 * count
        else:
            bits.write(15, 4)
            bits.write(count - 14, 8)  # esc_count: count = 15 + esc_count - 1
            free_bits -= 15 + 8 * count
        if count:
            bits.write(0, 4)  # extension_type EXT_FILL
            bits.write(0, 4)  # fill_nibble
            for _ in range(count - 1):
                bits.write(_FILL_BYTE, 8)


def _adts_header(sf_index: int, channels: int, frame_bytes: int) -> bytes:
    bits = BitWriter()
    bits.write(0xFFF, 12)  # syncword
    bits.write(0, 1)  # ID: MPEG-4
    bits.write(0, 2)  # layer
    bits.write(1, 1)  # protection_absent: no CRC
    bits.write(1, 2)  # profile_ObjectType: audio object type 2 (AAC LC) minus 1
    bits.write(sf_index, 4)
    bits.write(0, 1)  # private_bit
    bits.write(channels, 3)  # channel_configuration: 1 = mono (SCE), 2 = stereo (CPE)
    bits.write(0, 4)  # original_copy, home, copyright_id_bit, copyright_id_start
    bits.write(frame_bytes, 13)  # aac_frame_length, header included
    bits.write(0x7FF, 11)  # adts_buffer_fullness: VBR
    bits.write(0, 2)  # number_of_raw_data_blocks_in_frame minus 1
    return bits.to_bytes()


@lru_cache(maxsize=64)
def _cached_frame(
    sample_rate_hz: int, channels: int, bitrate_kbps: float | None, tone: bool
) -> bytes:
    sf_index = sampling_frequency_index(sample_rate_hz)
    if channels not in (1, 2):
        raise ValueError(f"channels must be 1 or 2, got {channels}")
    raw = BitWriter()
    if channels == 1:
        raw.write(_ID_SCE, 3)
        raw.write(0, 4)  # element_instance_tag
        _write_ics(raw, sf_index, tone, common_window=False)
    else:
        raw.write(_ID_CPE, 3)
        raw.write(0, 4)  # element_instance_tag
        raw.write(1, 1)  # common_window: both channels share one ics_info
        _write_ics_info(raw, _tone_band(sf_index) + 1 if tone else 0)
        raw.write(0, 2)  # ms_mask_present: plain L/R
        _write_ics(raw, sf_index, tone, common_window=True)
        _write_ics(raw, sf_index, tone, common_window=True)
    if bitrate_kbps is not None:
        target_raw_bytes = frame_bytes_for_bitrate(sample_rate_hz, bitrate_kbps) - ADTS_HEADER_BYTES
        if target_raw_bytes * 8 > _MAX_RAW_BITS_PER_CHANNEL * channels:
            raise ValueError(
                f"{bitrate_kbps} kb/s exceeds what {channels} AAC channel(s) at "
                f"{sample_rate_hz} Hz may carry per frame"
            )
        # Leave room for the 3-bit END id; byte_alignment absorbs the final < 7 spare bits.
        _write_fill(raw, target_raw_bytes * 8 - raw.bit_count - 3)
    raw.write(_ID_END, 3)
    raw.align()
    payload = raw.to_bytes()
    # The per-channel cap above keeps this far below the 13-bit aac_frame_length limit.
    return _adts_header(sf_index, channels, ADTS_HEADER_BYTES + len(payload)) + payload


def adts_frame(
    sample_rate_hz: int, channels: int, bitrate_kbps: float | None = None, tone: bool = True
) -> bytes:
    """One complete ADTS frame (1024 samples per channel), built once per argument set.

    `bitrate_kbps` pads the frame with FIL/EXT_FILL bytes up to the size that bitrate implies,
    so served chunks weigh what real ~96 kb/s chunks weigh; frames are never shrunk below their
    natural size (a few bytes). `tone` selects a quiet ~440 Hz sine instead of digital silence.
    """
    return _cached_frame(sample_rate_hz, channels, bitrate_kbps, tone)


def adts_frames(
    sample_rate_hz: int,
    channels: int,
    frame_count: int,
    bitrate_kbps: float | None = None,
    tone: bool = True,
) -> bytes:
    """`frame_count` identical ADTS frames back to back (a repeat of one cached frame)."""
    if frame_count < 0:
        raise ValueError(f"frame_count must be >= 0, got {frame_count}")
    return adts_frame(sample_rate_hz, channels, bitrate_kbps, tone) * frame_count
