"""Time to first audio over event time: the listeners whose first audio came in each bucket and
their percentiles, from every sample (the result's sample list is thinned, the series is not)."""

from __future__ import annotations

import pytest

from simspace.results import build
from simspace.results.build import RunRecord, build_result
from simspace.results.model import STUB_OBSERVER, RunResult
from simspace.results.observations import Observations
from simspace.results.ttfa import TTFA_BUCKETS, ttfa_series
from simspace.wire.observations import StateLine, encode_line
from tests.report import builders as b


def test_each_bucket_holds_the_listeners_whose_audio_came_in_it() -> None:
    grid = [60.0 * i for i in range(11)]  # 0 .. 10m, one-minute steps: one step a bucket
    samples = [(10.0, 1.0), (20.0, 3.0), (30.0, 2.0), (130.0, 5.0), (-5.0, 4.0), (1e4, 9.0)]
    series = ttfa_series(samples, grid, 60.0)
    assert (series.t, series.bucket_s) == (grid, 60.0)
    # before the grid: the first bucket; after it: the last
    assert series.count == [4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]
    assert series.p50_s[:3] == [2.0, None, 5.0]  # nearest rank of 1, 2, 3, 4
    assert series.p95_s[:3] == [4.0, None, 5.0]
    assert (series.p50_s[-1], series.p95_s[-1]) == (9.0, 9.0)


def test_a_fine_grid_is_gathered_into_whole_steps() -> None:
    grid = [float(i) for i in range(1200)]  # 20 min in one-second steps
    series = ttfa_series([(i + 0.5, float(i)) for i in range(1200)], grid, 1.0)
    assert len(series.t) == TTFA_BUCKETS
    assert series.bucket_s == 10.0
    assert series.t[:3] == [0.0, 10.0, 20.0]
    assert set(series.count) == {10}
    assert (series.p50_s[1], series.p95_s[1]) == (14.0, 19.0)


def test_no_sample_gives_empty_buckets() -> None:
    series = ttfa_series([], [0.0, 60.0], 60.0)
    assert series.count == [0, 0]
    assert series.p50_s == series.p95_s == [None, None]


def _playing(n: int) -> Observations:
    observations = Observations()
    for i in range(n):
        t, ttfa_s = 30.0 + 60.0 * (i % 3), float(i)
        line = StateLine(t=t, id=i, kind="playing", w=100.0, ttfa_s=ttfa_s, waited_s=ttfa_s)
        observations.add_line(encode_line(line))
    return observations


def test_the_result_series_counts_every_listener_even_when_samples_are_thinned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(build, "MAX_TTFA_SAMPLES", 10)
    record = RunRecord(
        scenario=b.scenario(window=(0.0, 600.0)),
        variant=None,
        plan=b.plan(0.0, 600.0),
        observations=_playing(30),
        ground_truth=None,
        observer=STUB_OBSERVER,
        status="completed",
        failure=None,
        wall_s=1.0,
        generator_cpu=[],
    )
    result = build_result(record)
    assert result.ttfa is not None
    assert (len(result.ttfa.t), result.ttfa.total) == (10, 30)
    series = result.ttfa_series
    assert series is not None
    # 601 one-second grid steps, 6 to a bucket: audio at 30 s, 90 s and 150 s
    assert series.bucket_s == 6.0
    assert series.t == result.listeners.t[::6]
    assert [(i, n) for i, n in enumerate(series.count) if n] == [(5, 10), (15, 10), (25, 10)]
    # at 30 s: listeners 0, 3, .. 27; at 90 s: 1, 4, .. 28
    assert (series.p50_s[5], series.p95_s[5]) == (12.0, 27.0)
    assert (series.p50_s[15], series.p95_s[15]) == (13.0, 28.0)
    assert RunResult.model_validate_json(result.model_dump_json()) == result
