"""Observations written by a load process as they happen, in the line format of
`simspace.wire.observations`: a line per listener state change, and failures, requests and
segment downloads aggregated per event-time bucket (bounded, never one line per request)."""

from __future__ import annotations

import contextlib
import functools
import logging
import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from simspace.errors import os_reason
from simspace.fileio import write_json
from simspace.wire.load_failure import EXIT_WRITE_FAILED, LoadFailure, load_failure_file
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

log = logging.getLogger(__name__)


MAX_ERROR_KEY_CHARS = 200
_URL = re.compile(r"""\b([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s'"]+)(/[^\s'"]*)""")
_URI = re.compile(r"""\b(URI|URL) '[^']*'""")
_LINE = re.compile(r"\bline [0-9]+:")
_TRAILING = ".,:;)]"


def _url_origin(match: re.Match[str]) -> str:
    """`scheme://host[:port]/<path>` for a URL with a path (punctuation after it kept)."""
    path = match.group(2)
    kept = path.rstrip(_TRAILING)
    return match.group(1) + ("/<path>" if kept not in ("", "/") else kept) + path[len(kept) :]


@functools.lru_cache(maxsize=4096)
def error_key(message: str) -> str:
    """An error message as errors are counted (`errors_seen`): what varies from request to
    request is replaced by a placeholder (a URL's path, a playlist's URI and line number), so
    that one kind of error is one entry, not one per segment; at most 200 characters. Texts
    the platform sends are left as they are: facts name them."""
    key = _URL.sub(_url_origin, message)
    key = _LINE.sub("line <n>:", _URI.sub(r"\1 <uri>", key))
    return key[:MAX_ERROR_KEY_CHARS]


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
        entry = self._failures.setdefault((self._bucket(t), tier, error_key(message)), [0.0, 0.0])
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
    opened lazily by whichever process writes: one file per process, never shared.

    A write that fails (no space left) is never dropped silently: the recorder stops writing,
    leaves `load-failure-<pid>.json` for the run's backend, which fails the run, and, if even
    that cannot be written, ends its process (`exit_process(EXIT_WRITE_FAILED)`)."""

    def __init__(
        self,
        directory: Path,
        bucket_s: float,
        exit_process: Callable[[int], object] = os._exit,
    ) -> None:
        super().__init__(bucket_s)
        self._directory = directory
        self._pid = -1
        self._file: IO[str] | None = None
        self._exit_process = exit_process
        self.broken: str | None = None
        """Why this process stopped recording, once a write failed."""

    def _out(self) -> IO[str] | None:
        if self._file is None or self._pid != os.getpid():
            if self._pid != os.getpid():
                # a fork's copy belongs to the parent, and so does its failure
                self._failures, self._requests, self._segments = {}, {}, {}
                self.broken = None
            self._pid = os.getpid()
            if self.broken is not None:
                return None
            try:
                self._file = self._path().open("a", encoding="utf-8", buffering=1)
            except OSError as exc:
                self._stop(exc)
        return None if self.broken is not None else self._file

    def _path(self) -> Path:
        return observation_file(self._directory, self._pid)

    def _emit(self, line: ObservationLine) -> None:
        out = self._out()
        if out is None:
            return
        try:
            out.write(encode_line(line))
        except OSError as exc:
            self._stop(exc)

    def _stop(self, exc: OSError) -> None:
        """Stop recording and say why where the backend looks."""
        self.broken = f"{self._path()}: {os_reason(exc)}"
        log.error("observations can no longer be written: %s", self.broken)
        with contextlib.suppress(OSError):
            if self._file is not None:
                self._file.close()  # what it still buffers fails again: already reported
        self._file = None
        failure = LoadFailure(pid=self._pid, message=f"cannot write observations: {self.broken}")
        try:
            write_json(load_failure_file(self._directory, self._pid), failure)
        except OSError:
            self._exit_process(EXIT_WRITE_FAILED)

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
        super().flush()
        out = self._out()
        if out is not None:
            try:
                out.flush()
            except OSError as exc:
                self._stop(exc)

    def close(self) -> None:
        self.flush()
        out = self._out()
        if out is not None:
            try:
                out.close()
            except OSError as exc:
                self._stop(exc)
        self._file = None
