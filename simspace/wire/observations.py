"""The observation lines a load process writes and the run reads back: one JSONL file per load
process (`observations-<pid>.jsonl`), one line per listener state change, and failures, requests
and segment downloads aggregated per event-time bucket (bounded: never one line per request).

Writer (`simspace.load.recorder`) and reader (`simspace.results.observations`) both use these
models; a field renamed here is renamed for both.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

ListenerState = Literal[
    "arrived",
    "waiting",
    "joining",
    "rejoin",
    "playing",
    "stall",
    "gave_up",
    "left",
    "booted",
    "space_ended",
    "restreamed",
]
"""What a simulated listener just did (`published` is a host's: its Space went live)."""
SpeakerState = Literal["published"]
RequestTier = Literal["api", "cdn", "attack"]
ATTACK_TIER: RequestTier = "attack"
"""Tier of attack requests: kept apart from the listeners' own error ratios."""
FILE_GLOB = "observations-*.jsonl"

SEGMENT_BIN_FLOOR = 1e-4
"""Values at or below this share bin 0: 0.1 ms, or 10,000 times faster than real time."""
SEGMENT_BIN_GROWTH = 1.05
"""Each bin is 5% wider than the one below: percentiles read from bins are within 5%."""
_SEGMENT_BIN_CEILING = 1e6  # keeps a runaway (or infinite) value in a finite bin

_LINE = ConfigDict(frozen=True, extra="ignore")


class StateDetails(TypedDict, total=False):
    """The optional fields of a state line, as a script passes them (None: left out)."""

    ttfa_s: float | None
    waited_s: float | None
    stall_s: float | None
    space: str | None
    speaker: str | None


class StateLine(BaseModel):
    """A listener's (or a host's) state change, at event time `t`, standing for `w` listeners."""

    model_config = _LINE
    k: Literal["state"] = "state"
    t: float
    id: int
    kind: ListenerState | SpeakerState
    w: float
    ttfa_s: float | None = None
    waited_s: float | None = None
    stall_s: float | None = None
    space: str | None = None
    speaker: str | None = None


class FailureLine(BaseModel):
    """Failed requests of one bucket, tier and message: `n` requests, `w` event requests."""

    model_config = _LINE
    k: Literal["fail"] = "fail"
    t: float
    tier: RequestTier
    msg: str
    n: float
    w: float


class RequestLine(BaseModel):
    """Request outcomes of one bucket, tier and endpoint (`name`, a `Call.name`; None in older
    files), counted (`_n`) and weighted (`_w`); and the latency of those that have one
    (docs/metrics.md): `lat_n` requests, the longest `lat_max` and a histogram of event seconds
    (bin of `segment_bin` -> event weight, so percentiles read from it are at event scale)."""

    model_config = _LINE
    k: Literal["req"] = "req"
    t: float
    tier: RequestTier
    name: str | None = None
    ok_n: float = 0.0
    fail_n: float = 0.0
    ok_w: float = 0.0
    fail_w: float = 0.0
    lat_n: int = 0
    lat_max: float | None = None
    lat_bins: dict[int, float] = Field(default_factory=dict)


class SegmentLine(BaseModel):
    """Media segment downloads of one bucket against a real target: `n` ok, `fail_n` failed,
    `slow_n` ok but slower than the audio they carry, `dl_sum` the ok downloads' seconds; and
    histograms (bin -> count, bins of `segment_bin`) of download seconds and of download seconds
    per second of audio."""

    model_config = _LINE
    k: Literal["seg"] = "seg"
    t: float
    n: int = 0
    fail_n: int = 0
    slow_n: int = 0
    dl_sum: float = 0.0
    dl_bins: dict[int, int] = Field(default_factory=dict)
    ratio_bins: dict[int, int] = Field(default_factory=dict)


ObservationLine = Annotated[
    StateLine | FailureLine | RequestLine | SegmentLine, Field(discriminator="k")
]
_ADAPTER: TypeAdapter[ObservationLine] = TypeAdapter(ObservationLine)


def encode_line(line: StateLine | FailureLine | RequestLine | SegmentLine) -> str:
    """One JSON line (with its newline); absent optional fields are left out."""
    return line.model_dump_json(exclude_none=True) + "\n"


def decode_line(text: str | bytes) -> ObservationLine:
    """Raises ValueError (pydantic's ValidationError) for a line that is not one of the kinds."""
    return _ADAPTER.validate_json(text)


def observation_file(directory: Path, pid: int) -> Path:
    return directory / f"observations-{pid}.jsonl"


def segment_bin(value: float) -> int:
    """The log-spaced histogram bin of a download time or a request latency (s), or of a
    download/duration ratio."""
    if not value > SEGMENT_BIN_FLOOR:  # also NaN
        return 0
    scaled = min(value, _SEGMENT_BIN_CEILING) / SEGMENT_BIN_FLOOR
    return math.floor(math.log(scaled) / math.log(SEGMENT_BIN_GROWTH))


def segment_bin_value(index: int) -> float:
    """A bin's representative value: its geometric middle (lower edge * sqrt(growth))."""
    return SEGMENT_BIN_FLOOR * SEGMENT_BIN_GROWTH**index * math.sqrt(SEGMENT_BIN_GROWTH)
