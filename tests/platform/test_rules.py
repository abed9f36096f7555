"""Failure rules, operator actions and attacks on the event clock; determinism of the model."""

from __future__ import annotations

import json
from typing import Any

import pytest

from simspace.clock import FakeClock
from simspace.platform import PlatformApi, PlatformModel, SpaceState
from tests.platform.scenarios import make_scenario

STEP_S = 0.05


def overload(api: PlatformApi, clock: FakeClock, until_t: float, rate_rps: float) -> None:
    """Metadata polls at `rate_rps` (event scale) from the clock's time until `until_t`."""
    space_id = api.model.current.space_id
    while clock.t < until_t - 1e-9:
        api.space_metadata(space_id, weight=rate_rps * STEP_S)
        clock.t = round(clock.t + STEP_S, 6)
    api.model.advance()


def crash_scenario(sustained_s: float = 30.0) -> dict[str, Any]:
    rule = {
        "kind": "crash_space",
        "id": "melt",
        "when": {"tier": "api", "utilisation_above": 1.5, "sustained": sustained_s},
        "state": "TimedOut",
    }
    return {"platform": {"failure_rules": [rule]}}


def test_crash_fires_exactly_when_the_overload_has_lasted_long_enough() -> None:
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(make_scenario(crash_scenario(30.0)), clock))
    space = api.model.current
    api.publish(space.space_id, "host")
    overload(api, clock, 60.0, 2200.0)
    (crash,) = api.model.ledger.events("crash")
    # 2200/s read over a 5 s window is 0.55, 1.1, 1.65 at ticks 1..3: above 1.5 from tick 3
    assert crash["overload_since"] == 3
    assert crash["t"] == 33
    assert crash["rule"] == "melt"
    assert space.state is SpaceState.TIMED_OUT
    assert space.ended_t == 33
    assert space.end_cause == "crash:melt"
    assert api.live_space().data is not None


@pytest.mark.parametrize("sustained_s", [0.0, 1.0, 7.0, 45.0])
def test_crash_delay_equals_the_sustained_duration(sustained_s: float) -> None:
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(make_scenario(crash_scenario(sustained_s)), clock))
    overload(api, clock, 80.0, 3000.0)
    (crash,) = api.model.ledger.events("crash")
    assert crash["t"] - crash["overload_since"] == sustained_s


def test_a_break_in_the_overload_resets_the_streak() -> None:
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(make_scenario(crash_scenario(30.0)), clock))
    overload(api, clock, 25.0, 2000.0)
    clock.t = 35.0  # ten quiet seconds: the window empties
    overload(api, clock, 60.0, 2000.0)
    assert api.model.ledger.events("crash") == []
    assert api.model.current.state is SpaceState.NOT_STARTED


def _boot_run(seed: int) -> tuple[PlatformApi, list[str]]:
    rule = {
        "kind": "boot_listeners",
        "id": "shed",
        "when": {"tier": "api", "utilisation_above": 1.5, "sustained": 10},
        "fraction": 0.5,
        "cooldown": 20,
    }
    clock = FakeClock(t=0.0)
    api = PlatformApi(
        PlatformModel(make_scenario({"platform": {"failure_rules": [rule]}}), clock, seed=seed)
    )
    space = api.model.current
    api.publish(space.space_id, "host")
    sessions = []
    for _ in range(200):
        reply = api.start_watching(space.space_id)
        assert reply.data is not None
        sessions.append(reply.data["session_id"])
    clock.t = 5.0
    overload(api, clock, 45.0, 2500.0)
    clock.t = 60.0  # let the backlog drain so that the pings below are served
    kept = [s for s in sessions if api.ping_watching(space.space_id, s).code is None]
    return api, kept


def test_boot_rule_boots_a_fraction_each_cooldown() -> None:
    api, kept = _boot_run(seed=1)
    boots = api.model.ledger.events("boot")
    assert [b["sessions"] for b in boots] == [100, 50]
    assert boots[1]["t"] - boots[0]["t"] == 20
    assert len(kept) == 50
    assert api.model.current.listeners == 50
    (failure,) = [f for f in api.model.ledger.failures() if f.kind == "boot"]
    assert (failure.reason, failure.count, failure.weight) == ("shed", 150, 150.0)


def test_boot_is_deterministic_given_the_seed() -> None:
    assert _boot_run(seed=3)[1] == _boot_run(seed=3)[1]
    assert _boot_run(seed=3)[1] != _boot_run(seed=4)[1]


def test_degrade_rule_cuts_capacity_once() -> None:
    rule = {
        "kind": "degrade_tier",
        "id": "cache_falls",
        "when": {"tier": "api", "utilisation_above": 1.2, "sustained": 5},
        "target": "cdn",
        "capacity_factor": 0.25,
    }
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(make_scenario({"platform": {"failure_rules": [rule]}}), clock))
    overload(api, clock, 60.0, 2000.0)
    (event,) = api.model.ledger.events("degrade")
    assert (event["capacity_before"], event["capacity_after"]) == (1e5, 2.5e4)
    assert api.model.tiers["cdn"].capacity_rps == 2.5e4


def test_capacity_and_rate_limit_actions_apply_at_their_times() -> None:
    actions = [
        {"action": "set_capacity", "at": 30, "tier": "api", "capacity_rps": 4000},
        {"action": "rate_limit", "at": 60, "tier": "api", "rate_rps": 300},
    ]
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(make_scenario({"operator_actions": actions}), clock))
    tier = api.model.tiers["api"]
    clock.t = 29.99
    api.model.advance()
    assert tier.capacity_rps == 1000
    clock.t = 30.0
    api.model.advance()
    assert tier.capacity_rps == 4000
    overload(api, clock, 59.0, 2000.0)
    assert api.model.timeline.totals("api")["rate_limited"] == 0
    overload(api, clock, 90.0, 2000.0)
    assert api.model.timeline.totals("api")["rate_limited"] > 0
    assert tier.rate_limit_rps == 300
    times = [e["t"] for e in api.model.ledger.events("operator_action")]
    assert times == [30.0, 60.0]


def test_attacks_load_the_tier_and_are_counted_apart() -> None:
    attack = {"id": "flood", "tier": "api", "rate_rps": 3000, "start": 10, "end": 40}
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(make_scenario({"attacks": [attack]}), clock))
    space = api.model.current
    clock.t = 20.0
    assert api.space_metadata(space.space_id).code == "overload"
    assert api.model.tiers["api"].utilisation(20.0) == pytest.approx(3.0, rel=1e-3)
    clock.t = 50.0
    assert api.space_metadata(space.space_id).code is None
    timeline = api.model.timeline_dump().model_dump()["tiers"]["api"]
    assert sum(timeline["attack_offered"]) == pytest.approx(90_000)
    assert sum(timeline["attack_rejected"]) == pytest.approx(90_000 - 30_000 - 5000)
    assert sum(timeline["offered"]) == 2.0  # the clients' own two requests
    (flood,) = [f for f in api.model.ledger.failures() if f.kind == "attack"]
    assert (flood.reason, flood.tier) == ("flood", "api")
    assert flood.weight == pytest.approx(90_000)
    kinds = [(e["kind"], e["t"]) for e in api.model.ledger.events() if "attack" in e["kind"]]
    assert kinds == [("attack_started", 10.0), ("attack_ended", 40.0)]


def _scripted_run(seed: int) -> str:
    scenario = make_scenario(
        {
            "operator_actions": [{"action": "restart_space", "at": 40, "host": "relauncher"}],
            "platform": crash_scenario(10.0)["platform"],
        }
    )
    clock = FakeClock(t=0.0)
    api = PlatformApi(PlatformModel(scenario, clock, seed=seed))
    api.publish(api.model.current.space_id, "host")
    ids = [api.start_watching(api.model.current.space_id).data for _ in range(20)]
    overload(api, clock, 30.0, 2500.0)
    clock.t = 50.0
    api.publish(api.model.current.space_id, "relauncher")
    ids += [api.start_watching(api.model.current.space_id).data for _ in range(5)]
    return json.dumps(
        [ids, api.model.timeline_dump().model_dump(), api.model.ledger_dump().model_dump()]
    )


def test_the_model_is_deterministic_given_seed_and_requests() -> None:
    assert _scripted_run(11) == _scripted_run(11)
    assert _scripted_run(11) != _scripted_run(12)
