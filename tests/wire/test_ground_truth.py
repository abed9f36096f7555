"""The platform's ground truth crosses the process boundary as typed dumps: what the model
writes is what the run reads, and what old servers wrote still reads."""

from __future__ import annotations

import json

from simspace.clock import FakeClock
from simspace.platform import PlatformApi, PlatformModel
from simspace.wire.ground_truth import LedgerDump, PlatformState, TimelineDump
from tests.platform.scenarios import make_scenario


def _api() -> PlatformApi:
    scenario = make_scenario(
        {"operator_actions": [{"action": "restart_space", "at": -500, "host": "relauncher"}]}
    )
    clock = FakeClock(t=-600.0)
    api = PlatformApi(PlatformModel(scenario, clock))
    api.publish(api.model.current.space_id, "host")
    for _ in range(3):
        api.start_watching(api.model.current.space_id)
    clock.t = -450.0
    api.model.advance()
    return api


def test_timeline_round_trips_through_json() -> None:
    dump = _api().model.timeline_dump()
    assert dump.spaces
    assert dump.tiers
    assert TimelineDump.model_validate_json(dump.model_dump_json()) == dump


def test_ledger_round_trips_with_its_events_details() -> None:
    dump = _api().model.ledger_dump()
    again = LedgerDump.model_validate_json(dump.model_dump_json())
    assert again == dump
    assert [s.index for s in again.spaces] == [1, 2]
    restart = next(e for e in again.events if e.kind == "operator_action")
    assert restart.details["scheduled_at"] == -500


def test_live_state_round_trips() -> None:
    state = _api().model.state()
    assert PlatformState.model_validate_json(state.model_dump_json()) == state


def test_a_dump_with_fields_a_newer_server_adds_still_reads() -> None:
    data = json.loads(_api().model.timeline_dump().model_dump_json())
    data["tiers"]["api"]["future_column"] = [1.0]
    data["added_later"] = True
    assert TimelineDump.model_validate(data).tiers["api"].offered == data["tiers"]["api"]["offered"]
