"""Observations written by a load process as they happen, in the line format of
`simspace.wire.observations`: a line per listener state change, and failures, requests and
segment downloads aggregated per event-time bucket (bounded, never one line per request)."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from simspace.wire.observations import (
    FailureLine,
    ObservationLine,
    RequestLine,
    RequestTier,
    SegmentLine,
    StateLine,
    encode_line,
    observation_file,
    segment_bin,
)


@dataclass(slots=True)
class _RequestBucket:
    """One bucket's requests to one endpoint; latencies in event seconds, binned by weight."""

    ok_n: float = 0.0
    fail_n: float = 0.0
    ok_w: float = 0.0
    fail_w: float = 0.0
    latency_n: int = 0
    latency_max_s: float = 0.0
    latency_bins: dict[int, float] = field(default_factory=dict)

    def line(self, t: float, tier: RequestTier, name: str) -> RequestLine:
        return RequestLine(
            t=t,
            tier=tier,
            name=name,
            ok_n=self.ok_n,
            fail_n=self.fail_n,
            ok_w=self.ok_w,
            fail_w=self.fail_w,
            lat_n=self.latency_n,
            lat_max=self.latency_max_s if self.latency_n else None,
            lat_bins=dict(sorted(self.latency_bins.items())),
        )


@dataclass
class _SegmentBucket:
    ok_n: int = 0
    fail_n: int = 0
    slow_n: int = 0
    download_sum_s: float = 0.0
    download_bins: dict[int, int] = field(default_factory=dict)
    ratio_bins: dict[int, int] = field(default_factory=dict)

    def line(self, t: float) -> SegmentLine:
        return SegmentLine(
            t=t,
            n=self.ok_n,
            fail_n=self.fail_n,
            slow_n=self.slow_n,
            dl_sum=self.download_sum_s,
            dl_bins=dict(sorted(self.download_bins.items())),
            ratio_bins=dict(sorted(self.ratio_bins.items())),
        )


class BucketRecorder:
    """Aggregates failures, requests (per endpoint, with their latencies) and segment downloads
    per event-time bucket and hands every line to `_emit`: state lines at once, the aggregates
    on `flush`."""

    def __init__(self, bucket_s: float) -> None:
        self._bucket_s = bucket_s
        self._failures: dict[tuple[float, RequestTier, str], list[float]] = {}
        self._requests: dict[tuple[float, RequestTier, str], _RequestBucket] = {}
        self._segments: dict[float, _SegmentBucket] = {}

    def _emit(self, line: ObservationLine) -> None:
        raise NotImplementedError

    def _bucket(self, t: float) -> float:
        return math.floor(t / self._bucket_s) * self._bucket_s

    def state(self, line: StateLine) -> None:
        self._emit(line.model_copy(update={"t": round(line.t, 3)}))

    def failure(self, t: float, tier: RequestTier, message: str, weight: float) -> None:
        entry = self._failures.setdefault((self._bucket(t), tier, message[:200]), [0.0, 0.0])
        entry[0] += 1
        entry[1] += weight

    def request(
        self,
        t: float,
        tier: RequestTier,
        name: str,
        ok: bool,
        weight: float,
        latency_s: float | None,
    ) -> None:
        """One request to endpoint `name` (a `Call.name`), answered (or given up on) at event
        time t after `latency_s` event seconds; None: it has no latency (docs/metrics.md)."""
        key = (self._bucket(t), tier, name)
        bucket = self._requests.get(key)
        if bucket is None:
            bucket = self._requests[key] = _RequestBucket()
        if ok:
            bucket.ok_n += 1
            bucket.ok_w += weight
        else:
            bucket.fail_n += 1
            bucket.fail_w += weight
        if latency_s is not None:
            bucket.latency_n += 1
            bucket.latency_max_s = max(bucket.latency_max_s, latency_s)
            latency_bin = segment_bin(latency_s)
            bucket.latency_bins[latency_bin] = bucket.latency_bins.get(latency_bin, 0.0) + weight

    def segment(self, t: float, download_s: float, duration_s: float, ok: bool) -> None:
        """One media segment download (against a real target): how long it took, against how
        long it plays; failed downloads are only counted."""
        bucket = self._segments.setdefault(self._bucket(t), _SegmentBucket())
        if not ok:
            bucket.fail_n += 1
            return
        bucket.ok_n += 1
        bucket.download_sum_s += download_s
        dl_bin = segment_bin(download_s)
        bucket.download_bins[dl_bin] = bucket.download_bins.get(dl_bin, 0) + 1
        if duration_s > 0:  # an empty segment carries no audio to be late for
            if download_s > duration_s:
                bucket.slow_n += 1
            ratio_bin = segment_bin(download_s / duration_s)
            bucket.ratio_bins[ratio_bin] = bucket.ratio_bins.get(ratio_bin, 0) + 1

    def flush(self) -> None:
        for (t, tier, msg), (n, w) in self._failures.items():
            self._emit(FailureLine(t=t, tier=tier, msg=msg, n=n, w=w))
        for (t, tier, name), requests in self._requests.items():
            self._emit(requests.line(t, tier, name))
        for t, bucket in self._segments.items():
            self._emit(bucket.line(t))
        self._failures.clear()
        self._requests.clear()
        self._segments.clear()


class JsonlRecorder(BucketRecorder):
    """Appends observations to `observations-<pid>.jsonl` in a directory; call `flush` about
    once a second. Locust's `--processes` forks after the locustfile is imported, so the file is
    opened lazily by whichever process writes: one file per process, never shared."""

    def __init__(self, directory: Path, bucket_s: float) -> None:
        super().__init__(bucket_s)
        self._directory = directory
        self._pid = -1
        self._file: IO[str] | None = None

    def _out(self) -> IO[str]:
        if self._file is None or self._pid != os.getpid():
            self._pid = os.getpid()
            # a fork's copy belongs to the parent
            self._failures, self._requests, self._segments = {}, {}, {}
            path = observation_file(self._directory, self._pid)
            self._file = path.open("a", encoding="utf-8", buffering=1)
        return self._file

    def _emit(self, line: ObservationLine) -> None:
        self._out().write(encode_line(line))

    def failure(self, t: float, tier: RequestTier, message: str, weight: float) -> None:
        self._out()
        super().failure(t, tier, message, weight)

    def request(
        self,
        t: float,
        tier: RequestTier,
        name: str,
        ok: bool,
        weight: float,
        latency_s: float | None,
    ) -> None:
        self._out()
        super().request(t, tier, name, ok, weight, latency_s)

    def segment(self, t: float, download_s: float, duration_s: float, ok: bool) -> None:
        self._out()
        super().segment(t, download_s, duration_s, ok)

    def flush(self) -> None:
        out = self._out()
        super().flush()
        out.flush()

    def close(self) -> None:
        self.flush()
        self._out().close()
        self._file = None
