"""What would separate two runs that reproduce the same facts: observations far enough apart,
farthest first; close ones and unknown ones are left out."""

from __future__ import annotations

from typing import Any

from simspace.judge.separation import separators
from simspace.results.model import RunResult, TierSeries
from tests.report.builders import result


def observed(errors: dict[str, float], **metrics: Any) -> RunResult:
    base = result(**metrics)
    return base.model_copy(
        update={"metrics": base.metrics.model_copy(update={"errors_seen": errors})}
    )


def test_far_apart_first_close_ones_left_out() -> None:
    a = observed({"timeout": 80.0, "full": 20.0}, peak_listeners=1_000_000.0, gave_up_ratio=0.30)
    b = observed({"timeout": 30.0, "full": 70.0}, peak_listeners=1_200_000.0, gave_up_ratio=0.05)
    found = separators([a, b], most=5)
    labels = [s.label for s in found]
    assert set(labels[:2]) == {'share of failed requests showing "full"',
                               'share of failed requests showing "timeout"'}  # fmt: skip
    assert {found[0].values, found[1].values} == {("20%", "70%"), ("80%", "30%")}
    assert "share of arrivals who gave up" in labels  # 25 points apart
    assert "peak concurrent listeners" not in labels  # 1.2x: too close to tell apart


def test_counts_apart_by_a_factor_and_missing_values() -> None:
    a = observed({}, peak_listeners=400_000.0, start_delay_s=None)
    b = observed({}, peak_listeners=1_300_000.0, start_delay_s=2400.0)
    (found,) = separators([a, b])
    assert (found.label, found.values) == ("peak concurrent listeners", ("400k", "1.3M"))


def _with_api(run: RunResult, capacity_rps: float, attack_rps: float) -> RunResult:
    t = [-60.0, 0.0, 60.0]
    api = TierSeries(t=t, offered_rps=[100.0] * 3, capacity_rps=[capacity_rps] * 3,
                     utilisation=[0.5] * 3, backlog=[0.0] * 3, rejected_rps={},
                     timed_out_rps=[0.0] * 3, attack_rps=[attack_rps] * 3)  # fmt: skip
    return run.model_copy(update={"tiers": {"api": api}})


def test_platform_side_observations_separate_an_attack_from_a_small_api() -> None:
    organic = _with_api(observed({}), capacity_rps=10e3, attack_rps=0.0)
    flood = _with_api(observed({}), capacity_rps=200e3, attack_rps=300.0)
    found = {s.label: s.values for s in separators([organic, flood], most=5)}
    assert found["share of api requests not from listeners (attack traffic; platform side)"] == (
        "0%",
        "75%",
    )
    assert found["api capacity at the scheduled start (platform side)"] == (
        "10k req/s",
        "200k req/s",
    )
