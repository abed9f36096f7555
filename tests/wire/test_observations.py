"""Observation lines: what the recorder writes is what the reader reads, kind by kind."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from simspace.load.recorder import JsonlRecorder
from simspace.results.observations import ObservationReader
from simspace.wire.observations import (
    FailureLine,
    ListenerState,
    RequestLine,
    SegmentLine,
    StateLine,
    decode_line,
    encode_line,
)

LINES = [
    StateLine(t=1.5, id=7, kind="playing", w=50.0, ttfa_s=0.4, waited_s=12.0),
    StateLine(t=2.0, id=-1, kind="published", w=0.0, speaker="host", space="1abc"),
    FailureLine(t=10.0, tier="api", msg="Details not available", n=3, w=150.0),
    RequestLine(t=10.0, tier="cdn", ok_n=4, fail_n=1, ok_w=200.0, fail_w=50.0),
    RequestLine(
        t=10.0,
        tier="api",
        name="api: stream status",
        ok_n=4,
        fail_n=1,
        ok_w=200.0,
        fail_w=50.0,
        lat_n=4,
        lat_max=2.5,
        lat_bins={120: 150.0, 207: 50.0},
    ),
    SegmentLine(t=20.0, n=2, fail_n=1, slow_n=1, dl_sum=3.5, dl_bins={140: 2}, ratio_bins={9: 2}),
]


@pytest.mark.parametrize("line", LINES, ids=lambda line: line.k)
def test_each_kind_round_trips(line: StateLine) -> None:
    text = encode_line(line)
    assert text.endswith("\n")
    assert "\n" not in text[:-1]
    assert decode_line(text) == line


def test_absent_optional_fields_are_left_out() -> None:
    assert encode_line(StateLine(t=0.0, id=1, kind="arrived", w=1.0)) == (
        '{"k":"state","t":0.0,"id":1,"kind":"arrived","w":1.0}\n'
    )


def test_a_request_line_written_before_endpoints_reads_with_no_endpoint_or_latency() -> None:
    line = decode_line('{"k":"req","t":10,"tier":"api","ok_n":1,"fail_n":0,"ok_w":5,"fail_w":0}')
    assert isinstance(line, RequestLine)
    assert (line.name, line.lat_n, line.lat_max, line.lat_bins) == (None, 0, None, {})


@pytest.mark.parametrize(
    "text",
    [
        '{"k":"state","t":1,"id":1,"kind":"dancing","w":1}',  # not a listener state
        '{"k":"fail","t":1,"tier":"edge","msg":"x","n":1,"w":1}',  # not a tier
        '{"k":"nope","t":1}',
        '{"t":1}',
        "not json",
    ],
)
def test_lines_that_are_not_one_of_the_kinds_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="validation error"):
        decode_line(text)


def test_every_listener_state_the_recorder_writes_counts_in_the_reader(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0)
    states = get_args(ListenerState)
    for i, state in enumerate(states):
        recorder.state(StateLine(t=float(i), id=i, kind=state, w=2.0))
    recorder.close()
    observations = ObservationReader(tmp_path).poll()
    assert observations.bad_lines == 0
    assert {state: observations.counts[state] for state in states} == dict.fromkeys(states, 2.0)
