"""build_result: the platform's ground truth and the listeners' observations on one grid."""

from __future__ import annotations

from simspace.results.build import RunRecord, build_result
from simspace.results.model import STUB_OBSERVER, TARGET_OBSERVER, Observer
from simspace.results.observations import Observations
from simspace.wire.ground_truth import (
    GroundTruth,
    LedgerDump,
    SpaceColumns,
    SpaceSnapshot,
    TimelineDump,
)
from simspace.wire.observations import StateLine, encode_line
from tests.report import builders as b


def _record(
    truth: GroundTruth | None, observer: Observer = STUB_OBSERVER, **kw: object
) -> RunRecord:
    observations = kw.pop("observations", Observations())
    return RunRecord(
        scenario=b.scenario(window=(0.0, 600.0)),
        variant=None,
        plan=b.plan(0.0, 600.0),
        observations=observations,  # type: ignore[arg-type]
        ground_truth=truth,
        observer=observer,
        status="interrupted",
        failure=None,
        wall_s=3.0,
        generator_cpu=[],
        **kw,  # type: ignore[arg-type]
    )


def _truth() -> GroundTruth:
    timeline = TimelineDump(
        bucket_s=60.0,
        t=[0.0, 60.0, 120.0],
        spaces=[
            SpaceColumns(index=1, listeners=[10.0, 20.0, 0.0]),
            SpaceColumns(index=2, listeners=[0.0, 5.0, 7.0]),
        ],
    )
    ledger = LedgerDump(
        spaces=[SpaceSnapshot(index=1, running_at=0.0), SpaceSnapshot(index=2, running_at=60.0)]
    )
    return GroundTruth(timeline=timeline, ledger=ledger)


def _listening(n: int) -> Observations:
    observations = Observations()
    for i in range(n):
        observations.add_line(encode_line(StateLine(t=30.0, id=i, kind="playing", w=100.0)))
    return observations


def test_each_space_series_and_how_far_the_timeline_got() -> None:
    result = build_result(_record(_truth()))
    assert result.observed_until == 180.0
    assert result.listeners.t[:4] == [0.0, 60.0, 120.0, 180.0]
    assert [s.listeners[:4] for s in result.spaces] == [[10, 20, 0, 0], [0, 5, 7, 0]]
    assert result.listeners.concurrent[:3] == [10.0, 25.0, 7.0]
    assert (result.metrics.peak_listeners, result.metrics.peak_listeners_at) == (25.0, 60.0)
    assert result.metrics.start_delay_s == 0.0
    assert result.observer == STUB_OBSERVER
    assert not result.warnings


def test_without_platform_ground_truth_the_peak_is_what_our_listeners_heard() -> None:
    record = _record(None, TARGET_OBSERVER, observations=_listening(3), observed_until=90.0)
    result = build_result(record)
    assert result.spaces == []
    assert result.metrics.peak_listeners == 300.0
    assert result.listeners.concurrent == result.listeners.listening
    assert result.observed_until == 90.0
    assert result.observer.platform_observed is False
    assert not result.warnings  # nothing was missing: the engine records no platform side


def test_a_platform_timeline_that_could_not_be_read_is_a_warning() -> None:
    result = build_result(_record(None, observations=_listening(1)))
    assert result.metrics.peak_listeners == 0.0
    assert any("timeline could not be read" in w for w in result.warnings)
