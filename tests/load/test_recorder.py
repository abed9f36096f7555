"""Observations: written per process as they happen, aggregated per bucket, read back merged."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from simspace.load.recorder import JsonlRecorder
from simspace.results.observations import ObservationReader
from simspace.wire.observations import StateLine, segment_bin, segment_bin_value


def test_states_failures_and_requests_round_trip(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0)
    recorder.state(StateLine(t=1.0, id=3, kind="arrived", w=50.0))
    recorder.state(StateLine(t=2.0, id=3, kind="waiting", w=50.0))
    recorder.state(StateLine(t=31.0, id=3, kind="playing", w=50.0, ttfa_s=1.5, waited_s=29.0))
    for t in (3.0, 4.0, 15.0):
        recorder.failure(t, "api", "Details not available", 50.0)
        recorder.request(t, "api", "api: stream status", False, 50.0, 0.5)
    recorder.request(31.0, "cdn", "cdn: chunk", True, 100.0, 0.05)
    recorder.close()

    observations = ObservationReader(tmp_path).poll()
    assert observations.counts["arrived"] == 50.0
    assert observations.presence_at(10.0) == {"waiting": 50.0, "listening": 0.0}
    assert observations.presence_at(40.0) == {"waiting": 0.0, "listening": 50.0}
    assert observations.ttfa_s == [(31.0, 1.5)]
    assert observations.failures[(0.0, "api", "Details not available")] == 100.0
    assert observations.failures[(10.0, "api", "Details not available")] == 50.0
    assert observations.requests[(30.0, "cdn")] == [1.0, 0.0, 100.0, 0.0]
    assert observations.heard_audio() == 50.0


def test_reader_reads_only_whole_new_lines(tmp_path: Path) -> None:
    path = tmp_path / "observations-1.jsonl"
    path.write_text('{"k": "state", "t": 1, "id": 1, "kind": "arrived", "w": 2}\n{"k": "sta')
    reader = ObservationReader(tmp_path)
    assert reader.poll().counts["arrived"] == 2.0
    with path.open("a") as handle:
        handle.write('te", "t": 2, "id": 1, "kind": "gave_up", "w": 2}\nnot json\n')
    observations = reader.poll()
    assert observations.counts["gave_up"] == 2.0
    assert observations.counts["arrived"] == 2.0
    assert observations.bad_lines == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_process_writes_its_own_file(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=1.0)
    recorder.state(StateLine(t=0.0, id=1, kind="arrived", w=1.0))
    recorder.flush()
    pid = os.fork()
    if pid == 0:  # the child: what Locust's --processes workers do
        try:
            recorder.failure(1.0, "api", "boom", 1.0)
            recorder.state(StateLine(t=1.0, id=2, kind="arrived", w=1.0))
            recorder.close()
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    recorder.close()
    files = sorted(tmp_path.glob("observations-*.jsonl"))
    assert len(files) == 2
    observations = ObservationReader(tmp_path).poll()
    assert observations.counts["arrived"] == 2.0
    assert observations.failures[(1.0, "api", "boom")] == 1.0


def _lines(directory: Path, kind: str) -> list[dict[str, object]]:
    lines = []
    for path in sorted(directory.glob("observations-*.jsonl")):
        lines += [json.loads(line) for line in path.read_text().splitlines()]
    return [line for line in lines if line["k"] == kind]


def test_segment_downloads_are_aggregated_per_bucket(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0)
    recorder.segment(1.0, 0.5, 2.0, True)
    recorder.segment(2.0, 0.5, 2.0, True)
    recorder.segment(3.0, 3.0, 2.0, True)  # slower than the audio it carries
    recorder.segment(4.0, 10.0, 2.0, False)  # failed: counted, not timed
    recorder.segment(12.0, 0.00001, 0.0, True)  # below the first bin; no duration, no ratio
    recorder.flush()
    recorder.segment(13.0, 1.0, 2.0, True)  # after a flush: a new line for the same bucket
    recorder.close()
    lines = _lines(tmp_path, "seg")
    assert lines == [
        {
            "k": "seg", "t": 0.0, "n": 3, "fail_n": 1, "slow_n": 1, "dl_sum": 4.0,
            "dl_bins": {str(segment_bin(0.5)): 2, str(segment_bin(3.0)): 1},
            "ratio_bins": {str(segment_bin(0.25)): 2, str(segment_bin(1.5)): 1},
        },
        {
            "k": "seg", "t": 10.0, "n": 1, "fail_n": 0, "slow_n": 0, "dl_sum": 0.00001,
            "dl_bins": {"0": 1}, "ratio_bins": {},
        },
        {
            "k": "seg", "t": 10.0, "n": 1, "fail_n": 0, "slow_n": 0, "dl_sum": 1.0,
            "dl_bins": {str(segment_bin(1.0)): 1}, "ratio_bins": {str(segment_bin(0.5)): 1},
        },
    ]  # fmt: skip


def test_segment_bins_are_log_spaced_and_their_values_fall_inside() -> None:
    assert segment_bin(0.0) == segment_bin(1e-4) == segment_bin(-1.0) == 0
    assert segment_bin(math.nan) == 0
    assert segment_bin(math.inf) == segment_bin(1e9) < 10_000
    assert segment_bin(1.0) == math.floor(math.log(1e4) / math.log(1.05)) == 188
    for index in range(400):
        value = segment_bin_value(index)
        lower = 1e-4 * 1.05**index
        assert lower < value < lower * 1.05
        assert segment_bin(value) == index
    # a percentile read back from a bin is within 5% of the value that went in
    for value in (0.003, 0.25, 1.0, 2.0, 7.5, 30.0):
        assert abs(segment_bin_value(segment_bin(value)) / value - 1) < 0.05


def test_requests_are_aggregated_per_bucket_tier_and_endpoint(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0)
    recorder.request(1.0, "api", "api: stream status", True, 50.0, 0.2)
    recorder.request(2.0, "api", "api: stream status", False, 150.0, 3.0)  # a 503, answered
    recorder.request(3.0, "api", "api: stream status", False, 50.0, None)  # connection error
    recorder.request(4.0, "api", "api: start watching", True, 50.0, 0.2)
    recorder.request(12.0, "api", "api: stream status", True, 50.0, 0.2)
    recorder.close()
    lat_02, lat_3 = str(segment_bin(0.2)), str(segment_bin(3.0))
    assert _lines(tmp_path, "req") == [
        {
            "k": "req", "t": 0.0, "tier": "api", "name": "api: stream status",
            "ok_n": 1.0, "fail_n": 2.0, "ok_w": 50.0, "fail_w": 200.0,
            "lat_n": 2, "lat_max": 3.0, "lat_bins": {lat_02: 50.0, lat_3: 150.0},
        },
        {
            "k": "req", "t": 0.0, "tier": "api", "name": "api: start watching",
            "ok_n": 1.0, "fail_n": 0.0, "ok_w": 50.0, "fail_w": 0.0,
            "lat_n": 1, "lat_max": 0.2, "lat_bins": {lat_02: 50.0},
        },
        {
            "k": "req", "t": 10.0, "tier": "api", "name": "api: stream status",
            "ok_n": 1.0, "fail_n": 0.0, "ok_w": 50.0, "fail_w": 0.0,
            "lat_n": 1, "lat_max": 0.2, "lat_bins": {lat_02: 50.0},
        },
    ]  # fmt: skip
    observations = ObservationReader(tmp_path).poll()
    # per tier, the endpoints summed: as before endpoints were recorded
    assert observations.requests[(0.0, "api")] == [2.0, 2.0, 100.0, 200.0]
    status = observations.endpoints.endpoints[("api", "api: stream status")]
    assert (status.requests_w, status.failed_w, status.latency.count) == (300.0, 200.0, 3)
    assert observations.endpoints.latency[(0.0, "api")].count == 3
