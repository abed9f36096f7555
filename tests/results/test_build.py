"""build_result: the platform's ground truth and the listeners' observations on one grid."""

from __future__ import annotations

import dataclasses

import pytest

from simspace.results.build import RunRecord, build_result
from simspace.results.model import STUB_OBSERVER, TARGET_OBSERVER, Observer, RunResult
from simspace.results.observations import Observations
from simspace.wire.ground_truth import (
    GroundTruth,
    LedgerDump,
    SpaceColumns,
    SpaceSnapshot,
    TierColumns,
    TimelineDump,
)
from simspace.wire.observations import RequestLine, StateLine, encode_line, segment_bin
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


def _requests(t: float, name: str, ok_w: float, fail_w: float, latency_s: float) -> str:
    return encode_line(
        RequestLine(
            t=t, tier="api", name=name, ok_n=1, fail_n=1, ok_w=ok_w, fail_w=fail_w,
            lat_n=2, lat_max=latency_s, lat_bins={segment_bin(latency_s): ok_w + fail_w},
        )
    )  # fmt: skip


def test_requests_per_endpoint_and_latency_over_time_beside_the_tier_totals() -> None:
    observations = Observations()
    observations.add_line(_requests(0.0, "api: stream status", 300.0, 100.0, 0.5))
    observations.add_line(_requests(0.0, "api: start watching", 100.0, 0.0, 2.0))
    observations.add_line(_requests(130.0, "api: stream status", 100.0, 100.0, 8.0))
    result = build_result(_record(_truth(), observations=observations))
    # per tier as before: the endpoints summed
    assert [(r.t, r.tier, r.ok, r.failed) for r in result.requests] == [
        (0.0, "api", 400.0, 100.0),
        (130.0, "api", 100.0, 100.0),
    ]
    endpoints = {e.name: e for e in result.endpoints}
    assert [e.name for e in result.endpoints] == ["api: start watching", "api: stream status"]
    status = endpoints["api: stream status"]
    assert (status.tier, status.requests, status.failed) == ("api", 600.0, 200.0)
    assert status.error_ratio == pytest.approx(1 / 3)
    assert (status.latency_s.count, status.latency_s.max) == (4, 8.0)
    assert status.latency_s.p50 == pytest.approx(0.5, rel=0.05)  # 400 of 600 by weight
    (api,) = result.latency.values()
    assert list(result.latency) == ["api"]
    assert api.t == result.listeners.t
    # step 0: 400 weight at 0.5 s, 100 at 2 s; step 2 (bucket 130): 200 at 8 s; none elsewhere
    assert api.p50_s[:4] == [pytest.approx(0.5, rel=0.05), None, pytest.approx(8.0, rel=0.05), None]
    assert api.p95_s[0] == pytest.approx(2.0, rel=0.05)
    assert set(api.p99_s[3:]) == {None}
    assert RunResult.model_validate_json(result.model_dump_json()) == result


def test_the_start_time_labels_and_revision_are_carried_into_the_result() -> None:
    record = _record(
        _truth(),
        started_at="2026-11-30T07:43:32Z",
        labels={"build": "candidate"},
        revision="3f2a9c1-dirty",
    )
    result = build_result(record)
    assert (result.started_at, result.labels, result.revision) == (
        "2026-11-30T07:43:32Z",
        {"build": "candidate"},
        "3f2a9c1-dirty",
    )
    assert RunResult.model_validate_json(result.model_dump_json()) == result
    unlabelled = build_result(_record(_truth()))
    assert (unlabelled.started_at, unlabelled.labels, unlabelled.revision) == (None, {}, None)


def test_each_step_keeps_its_busiest_server_bucket_beside_its_mean() -> None:
    # A 100 min window: 10 s grid steps over the server's 1 s buckets.
    offered = [100.0] * 30
    offered[14] = 1000.0  # one busy second in the second step
    timeline = TimelineDump(
        bucket_s=1.0,
        t=[float(i) for i in range(30)],
        tiers={"api": TierColumns(offered=offered, capacity=[500.0] * 30)},
    )
    truth = GroundTruth(timeline=timeline, ledger=LedgerDump())
    record = dataclasses.replace(_record(truth), plan=b.plan(0.0, 6000.0))
    api = build_result(record).tiers["api"]
    assert api.t[:4] == [0.0, 10.0, 20.0, 30.0]
    assert api.offered_rps[:4] == [100.0, 190.0, 100.0, 0.0]
    assert api.offered_peak_rps[:4] == [100.0, 1000.0, 100.0, 0.0]
    assert api.peak_bucket_s == 1.0
