"""A worker's side of a distributed run without Locust or gevent: its observations kept in memory
and sent to the master in bounded batches, and its clock's offset from the master's."""

from __future__ import annotations

from collections.abc import Callable

from simspace.load.recorder import BucketRecorder
from simspace.wire.distributed import MAX_BATCH_LINES, ClockReport, ObservationBatch
from simspace.wire.observations import ObservationLine, encode_line

__all__ = ["MessageRecorder", "clock_offset"]


def clock_offset(probes: list[tuple[float, float, float]]) -> ClockReport:
    """Master minus worker clock from round trips (worker sent, master answered, worker got),
    taken from the probe with the shortest round trip (NTP's rule: its midpoint errs least)."""
    sent, master, received = min(probes, key=lambda p: p[2] - p[0])
    return ClockReport(offset_s=master - (sent + received) / 2, round_trip_s=received - sent)


class MessageRecorder(BucketRecorder):
    """Observations kept in memory and sent to the master in batches (no shared disk)."""

    def __init__(self, send: Callable[[ObservationBatch], None], bucket_s: float) -> None:
        super().__init__(bucket_s)
        self._send = send
        self._lines: list[str] = []

    def _emit(self, line: ObservationLine) -> None:
        self._lines.append(encode_line(line))

    def flush(self, final: bool = False) -> None:
        super().flush()
        lines, self._lines = self._lines, []
        for start in range(0, len(lines), MAX_BATCH_LINES):
            chunk = lines[start : start + MAX_BATCH_LINES]
            last = start + MAX_BATCH_LINES >= len(lines)
            self._send(ObservationBatch(lines=chunk, final=final and last))
        if final and not lines:
            self._send(ObservationBatch(lines=[], final=True))

    def close(self) -> None:
        self.flush(final=True)
