"""Observations of a virtual run, kept in memory: the same lines, aggregated per bucket the same
way as a Locust process writes them, handed straight to the reader's `Observations`."""

from __future__ import annotations

from simspace.load.recorder import BucketRecorder
from simspace.results.observations import Observations
from simspace.wire.observations import ObservationLine


class MemoryRecorder(BucketRecorder):
    def __init__(self, bucket_s: float) -> None:
        super().__init__(bucket_s)
        self.observations = Observations()

    def _emit(self, line: ObservationLine) -> None:
        self.observations.add(line)
