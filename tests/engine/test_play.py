"""A plan played in virtual time to its result: per-endpoint request stats and latency over
event time are filled, the same bytes every time."""

from __future__ import annotations

from pathlib import Path

from simspace.engine.play import virtual_result
from simspace.plan import make_plan
from simspace.scenario import load_scenario

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def test_endpoints_and_latency_are_filled_and_the_same_every_time() -> None:
    loaded = load_scenario(str(SMALL))
    plan = make_plan(loaded.scenario, loaded.variant)
    result = virtual_result(loaded.scenario, loaded.variant, plan)
    again = virtual_result(loaded.scenario, loaded.variant, plan)
    assert result.model_dump_json() == again.model_dump_json()

    names = {e.name for e in result.endpoints}
    assert {"api: stream status", "api: start watching", "cdn: chunk"} <= names
    for tier in {r.tier for r in result.requests}:
        by_bucket = sum(r.ok + r.failed for r in result.requests if r.tier == tier)
        by_endpoint = sum(e.requests for e in result.endpoints if e.tier == tier)
        assert abs(by_endpoint / by_bucket - 1) < 1e-9
    for endpoint in result.endpoints:
        # in virtual time every request is answered or timed out: each has a latency
        assert endpoint.latency_s.count > 0
        stats = endpoint.latency_s
        quantiles = [v for v in (stats.p50, stats.p95, stats.p99, stats.max) if v is not None]
        assert len(quantiles) == 4
        assert quantiles == sorted(quantiles)
        assert quantiles[0] >= 0.0

    assert set(result.latency) == {r.tier for r in result.requests}
    for series in result.latency.values():
        assert series.t == result.listeners.t
        answered = [p for p in series.p50_s if p is not None]
        assert answered
        assert len(series.p95_s) == len(series.p99_s) == len(series.t)
