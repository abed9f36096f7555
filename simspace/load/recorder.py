"""Observations written by a load process as they happen: one JSON line per listener state change,
and failures and requests aggregated per event-time bucket (bounded, never one line per request).

Line kinds: {"k": "state", "t", "id", "kind", "w", ...extra}, {"k": "fail", "t", "tier", "msg",
"n", "w"}, {"k": "req", "t", "tier", "ok_n", "fail_n", "ok_w", "fail_w"}.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import IO


class JsonlRecorder:
    """Appends observations to `observations-<pid>.jsonl` in a directory; call `flush` about
    once a second. Locust's `--processes` forks after the locustfile is imported, so the file is
    opened lazily by whichever process writes: one file per process, never shared."""

    def __init__(self, directory: Path, bucket_s: float) -> None:
        self._directory = directory
        self._pid = -1
        self._file: IO[str] | None = None
        self._bucket_s = bucket_s
        self._failures: dict[tuple[float, str, str], list[float]] = {}
        self._requests: dict[tuple[float, str], list[float]] = {}

    def _out(self) -> IO[str]:
        if self._file is None or self._pid != os.getpid():
            self._pid = os.getpid()
            self._failures, self._requests = {}, {}  # a fork's copy belongs to the parent
            path = self._directory / f"observations-{self._pid}.jsonl"
            self._file = path.open("a", encoding="utf-8", buffering=1)
        return self._file

    def _bucket(self, t: float) -> float:
        return math.floor(t / self._bucket_s) * self._bucket_s

    def state(self, t: float, listener: int, kind: str, weight: float, **extra: object) -> None:
        line = {"k": "state", "t": round(t, 3), "id": listener, "kind": kind, "w": weight}
        self._out().write(json.dumps({**line, **extra}) + "\n")

    def failure(self, t: float, tier: str, message: str, weight: float) -> None:
        self._out()
        entry = self._failures.setdefault((self._bucket(t), tier, message[:200]), [0.0, 0.0])
        entry[0] += 1
        entry[1] += weight

    def request(self, t: float, tier: str, ok: bool, weight: float) -> None:
        self._out()
        entry = self._requests.setdefault((self._bucket(t), tier), [0.0, 0.0, 0.0, 0.0])
        entry[0 if ok else 1] += 1
        entry[2 if ok else 3] += weight

    def flush(self) -> None:
        out = self._out()
        for (t, tier, msg), (n, w) in self._failures.items():
            line = {"k": "fail", "t": t, "tier": tier, "msg": msg, "n": n, "w": w}
            out.write(json.dumps(line) + "\n")
        for (t, tier), (ok_n, fail_n, ok_w, fail_w) in self._requests.items():
            line = {"k": "req", "t": t, "tier": tier, "ok_n": ok_n, "fail_n": fail_n,
                    "ok_w": ok_w, "fail_w": fail_w}  # fmt: skip
            out.write(json.dumps(line) + "\n")
        self._failures.clear()
        self._requests.clear()
        out.flush()

    def close(self) -> None:
        self.flush()
        self._out().close()
        self._file = None
