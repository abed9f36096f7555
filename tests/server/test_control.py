"""Control endpoints under /_sim: shapes of what the run and the console read."""

from __future__ import annotations

from typing import Any

from simspace.clock import FakeClock
from simspace.platform import REASONS
from simspace.server import MODEL_KEY
from tests.server.conftest import Client


async def _get(client: Client, path: str) -> Any:
    response = await client.get(path)
    assert response.status == 200
    return await response.json()


async def test_health_and_clock(client: Client, clock: FakeClock) -> None:
    clock.t = -100.0
    assert await _get(client, "/_sim/health") == {"ok": True, "t": -100.0}
    assert await _get(client, "/_sim/clock") == {
        "wall0": None,
        "t_begin": None,
        "speedup": 10_000.0,
        "t": -100.0,
    }


async def test_control_calls_are_never_charged(client: Client) -> None:
    model = client.app[MODEL_KEY]
    for path in ("health", "clock", "state", "timeline", "ledger", "metrics"):
        response = await client.get(f"/_sim/{path}")
        assert response.status == 200
    assert model.timeline.totals("api")["requests"] == 0
    assert model.timeline.totals("cdn")["requests"] == 0


async def test_state_summarises_spaces_and_tiers(client: Client, clock: FakeClock) -> None:
    space_id = client.app[MODEL_KEY].current.space_id
    await client.post(f"/api/spaces/{space_id}/publish", headers={"X-Sim-Speaker": "host"})
    await client.post(f"/api/spaces/{space_id}/watching/start", headers={"X-Sim-Weight": "25"})
    await client.get("/api/spaces/nope")
    state = await _get(client, "/_sim/state")
    assert state["t"] == clock.t
    assert state["sessions"] == 1
    assert state["listener_cap"] is None
    (space,) = state["spaces"]
    assert space["space_id"] == space_id
    assert (space["state"], space["listeners"], space["sessions"]) == ("Running", 25.0, 1)
    assert set(space) == {
        "index", "space_id", "media_key", "host", "state", "created_at", "running_at",
        "ended_at", "end_cause", "listeners", "sessions", "peak_listeners", "room",
        "refused_listeners",
    }  # fmt: skip
    api = state["tiers"]["api"]
    assert api["requests"] == 3
    assert api["offered"] == 27
    assert api["rejected"]["not_found"] == 1
    assert set(api["rejected"]) == set(REASONS)
    assert {"capacity_rps", "utilisation", "backlog", "rate_limit_rps", "attack_rps"} <= set(api)


async def test_timeline_and_ledger_documents(client: Client, clock: FakeClock) -> None:
    space_id = client.app[MODEL_KEY].current.space_id
    await client.post(f"/api/spaces/{space_id}/publish", headers={"X-Sim-Speaker": "host"})
    clock.advance(5.0)
    await client.get(f"/api/spaces/{space_id}")
    timeline = await _get(client, "/_sim/timeline")
    assert timeline["now"] == -595.0
    assert (timeline["origin_t"], timeline["bucket_s"], timeline["buckets"]) == (-600, 1, 6)
    assert timeline["t"] == [-600, -599, -598, -597, -596, -595]
    assert len(timeline["tiers"]["api"]["offered"]) == 6
    assert timeline["spaces"][0]["state"][-2] == "Running"
    ledger = await _get(client, "/_sim/ledger")
    assert (ledger["version"], ledger["now"]) == (1, -595.0)
    assert ledger["events"][1]["kind"] == "space_running"
    assert ledger["spaces"][0]["running_at"] == -600.0
    assert ledger["failures"] == []
    assert ledger["events_dropped"] == 0


async def test_metrics_are_prometheus_text(client: Client) -> None:
    await client.get("/api/spaces/live")
    response = await client.get("/_sim/metrics")
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = await response.text()
    assert 'simspace_tier_requests_total{tier="api"} 1.0' in text
    assert 'simspace_tier_rejected_weight_total{tier="api",reason="overload"} 0.0' in text
    assert 'state="NotStarted"} 1' in text
    for line in text.splitlines():
        if not line.startswith("#"):
            name_and_labels, value = line.rsplit(" ", 1)
            float(value)
            assert name_and_labels.startswith("simspace_")


async def test_changes_long_poll_answers_at_a_change_or_after_its_wait(
    client: Client, clock: FakeClock
) -> None:
    model = client.app[MODEL_KEY]
    first = await _get(client, "/_sim/changes?after=-1")
    assert first == {"changes": 1, "changed_at": model.current.created_t}  # Space 1 created
    unchanged = await _get(client, "/_sim/changes?after=1&wait_s=0.05")
    assert unchanged == first
    clock.t = 12.0
    model.start_space(model.current, 12.0)
    assert await _get(client, "/_sim/changes?after=1&wait_s=5") == {
        "changes": 2,
        "changed_at": 12.0,
    }
    bad = await client.get("/_sim/changes?after=x")
    assert bad.status == 400
