"""What refused listeners do, played against the platform model in virtual time: the client's
`on_refused` policy (retry, wait, overflow, give up) and restreams, on a small capped Space."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from simspace.engine.play import virtual_result
from simspace.plan import make_plan
from simspace.results.model import RunResult
from simspace.scenario.model import Scenario
from simspace.scenario.variants import apply_overrides

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"
HOST = {"id": "host", "name": "Host", "role": "host", "account": "host", "joins_at": -1}
CAPPED: dict[str, Any] = {
    "platform": {
        "listener_cap": 20_000,
        "rooms": [{"id": "spill", "cap_listeners": 15_000, "opens": "when_full"}],
        "errors": {"room_full": "Room full"},
    },
    # the API has headroom: refusals come from the cap, not from overload
    "operator_actions": [],
    "speakers": [HOST],
}


def _run(client: dict[str, Any], extra: dict[str, Any] | None = None) -> RunResult:
    base = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    base["platform"]["tiers"]["api"]["capacity_rps"] = "200k"
    overrides = apply_overrides(CAPPED, {"audience": {"client": client}, **(extra or {})})
    scenario = Scenario.model_validate(apply_overrides(base, overrides))
    plan = make_plan(scenario, None, population_scale=1 / 200)
    return virtual_result(scenario, None, plan)


def _start_watching(result: RunResult) -> float:
    return next(e.requests for e in result.endpoints if e.name == "api: start watching")


def _peak(result: RunResult, room: str) -> float:
    return max((s.peak_listeners for s in result.spaces if s.room == room), default=0.0)


@pytest.fixture(scope="module")
def retry() -> RunResult:
    return _run({"on_refused": "retry"})


def test_retrying_clients_fill_the_main_room_only(retry: RunResult) -> None:
    assert _peak(retry, "main") == pytest.approx(20_000, rel=0.02)
    # the full room opened its overflow room, but retrying clients never look for it
    assert _peak(retry, "spill") == 0.0
    assert retry.metrics.errors_seen["Room full"] > 0
    assert retry.spaces[0].refused_listeners > 0


def test_overflow_clients_fill_the_overflow_room(retry: RunResult) -> None:
    overflow = _run({"on_refused": "overflow"})
    assert _peak(overflow, "main") == pytest.approx(20_000, rel=0.02)
    assert _peak(overflow, "spill") == pytest.approx(15_000, rel=0.05)
    assert overflow.metrics.unique_listeners > retry.metrics.unique_listeners


def test_waiting_clients_send_fewer_joins_than_retrying_ones(retry: RunResult) -> None:
    wait = _run({"on_refused": "wait"})
    assert _peak(wait, "main") == pytest.approx(20_000, rel=0.02)
    assert _start_watching(wait) < 0.5 * _start_watching(retry)


def test_clients_who_give_up_when_refused_leave_at_once(retry: RunResult) -> None:
    give_up = _run({"on_refused": "give_up"})
    one_minute_in = give_up.listeners.t.index(60.0)
    # refused at once, they are gone within the first minute; retrying ones wait out patience
    assert give_up.listeners.gave_up[one_minute_in] > 30_000
    assert retry.listeners.gave_up[one_minute_in] == 0.0
    assert _start_watching(give_up) < 0.1 * _start_watching(retry)


def test_a_restream_takes_refused_listeners(retry: RunResult) -> None:
    restream = {"restreams": [{"id": "elsewhere", "opens_at": "-5m", "share": 1.0}]}
    gone = _run({"on_refused": "retry"}, {"audience": restream})
    assert retry.metrics.restreamed == 0.0
    assert gone.metrics.restreamed > 0
    assert _start_watching(gone) < _start_watching(retry)
