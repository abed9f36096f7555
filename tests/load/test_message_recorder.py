"""A remote worker's observations go to the master in bounded batches, the last one marked;
its clock offset is read from the probe with the shortest round trip."""

from __future__ import annotations

import pytest

from simspace.load.message_recorder import MessageRecorder, clock_offset
from simspace.wire.distributed import MAX_BATCH_LINES, ObservationBatch
from simspace.wire.observations import StateLine, decode_line


def test_lines_are_sent_in_batches_of_at_most_the_bound() -> None:
    sent: list[ObservationBatch] = []
    recorder = MessageRecorder(sent.append, bucket_s=60.0)
    for ident in range(MAX_BATCH_LINES + 5):
        recorder.state(StateLine(t=1.0, id=ident, kind="arrived", w=10.0))
    recorder.failure(2.0, "api", "Details not available", 10.0)
    recorder.flush()
    assert [len(b.lines) for b in sent] == [MAX_BATCH_LINES, 6]
    assert not any(b.final for b in sent)
    decoded = [decode_line(line) for batch in sent for line in batch.lines]
    assert sum(isinstance(line, StateLine) for line in decoded) == MAX_BATCH_LINES + 5
    recorder.flush()
    assert len(sent) == 2  # nothing new: nothing sent


def test_the_last_batch_is_marked_even_when_empty() -> None:
    sent: list[ObservationBatch] = []
    recorder = MessageRecorder(sent.append, bucket_s=60.0)
    recorder.state(StateLine(t=1.0, id=1, kind="arrived", w=10.0))
    recorder.flush(final=True)
    recorder.close()
    assert [(len(b.lines), b.final) for b in sent] == [(1, True), (0, True)]


def test_the_offset_comes_from_the_shortest_round_trip() -> None:
    # (worker sent, master answered, worker got): the master's clock is 2 s ahead
    probes = [(10.0, 12.3, 10.4), (20.0, 22.05, 20.1), (30.0, 32.5, 30.9)]
    report = clock_offset(probes)
    assert report.offset_s == pytest.approx(2.0)
    assert report.round_trip_s == pytest.approx(0.1)
