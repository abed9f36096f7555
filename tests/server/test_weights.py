"""What the stub takes as a request's weight: plain ASCII decimal syntax in a sane range, and
no heavier than its run's plan can send (one request of weight 1e7 would time the API out)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from aiohttp import web
from pytest_aiohttp import AiohttpClient

from simspace.clock import EventClock, FakeClock
from simspace.plan import make_plan
from simspace.run.backends.base import RunContext
from simspace.run.backends.stub import StubBackend
from simspace.run.rundir import RunDirectory
from simspace.scenario import load_scenario
from simspace.server import create_app
from simspace.server.weights import MAX_WEIGHT, MIN_WEIGHT, parse_weight, plan_max_weight
from simspace.wire.server_args import ServerArgs
from simspace.wire.spaces_api import weight_header
from tests.run.cli_runs import ROOT
from tests.server.conftest import Client

NOT_PLAIN_DECIMALS = [
    "1_000",  # Python's float() takes digit separators
    " 5 ",
    "5\t",
    "\u0665",  # ARABIC-INDIC DIGIT FIVE: float() takes any Unicode digit
    "\uff15",  # FULLWIDTH DIGIT FIVE
    "5e-324",  # a subnormal: positive, and meaningless
    "1e-7",
    "+5",
    "nan",
    "infinity",
    "0x10",
    "1e",
    ".",
    "5.5.5",
]


@pytest.mark.parametrize("raw", NOT_PLAIN_DECIMALS)
def test_only_plain_ascii_decimals_in_range_are_weights(raw: str) -> None:
    assert parse_weight(raw) is None


@pytest.mark.parametrize(
    ("raw", "weight"),
    [("1", 1.0), ("0.0002", 0.0002), ("5000", 5000.0), ("7.", 7.0), (".5", 0.5),
     ("1.23457e+06", 1.23457e6), ("1E3", 1000.0), ("1e-6", MIN_WEIGHT), ("1e7", MAX_WEIGHT)],
)  # fmt: skip
def test_what_the_load_side_writes_is_a_weight(raw: str, weight: float) -> None:
    assert parse_weight(raw) == weight


def test_every_weight_header_the_load_side_writes_parses_back() -> None:
    for weight in (MIN_WEIGHT, 0.001234567, 1.0, 187.5123, 1500.06, 123456789.0 / 37, MAX_WEIGHT):
        assert parse_weight(weight_header(weight)) == pytest.approx(weight, rel=1e-5)


async def _raw_status(client: Client, header_line: bytes) -> int:
    """A request whose X-Sim-Weight goes out byte for byte (UTF-8 included)."""
    reader, writer = await asyncio.open_connection(client.server.host, client.server.port)
    writer.write(
        b"GET /api/spaces/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + header_line
        + b"\r\n\r\n"
    )
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(data.split(b" ", 2)[1])


@pytest.mark.parametrize(
    "value", ["1_000", "\u0665", "5e-324", "+5"], ids=["underscore", "arabic", "subnormal", "plus"]
)
async def test_the_stub_refuses_them_with_400(client: Client, value: str) -> None:
    assert await _raw_status(client, b"X-Sim-Weight: " + value.encode("utf-8")) == 400
    response = await client.get("/api/spaces/live", headers={"X-Sim-Weight": "5"})
    assert response.status == 200


def _ci_smoke_app() -> tuple[web.Application, float, list[float]]:
    loaded = load_scenario(ROOT / "scenarios" / "ci_smoke.yaml")
    plan = make_plan(loaded.scenario)
    clock = FakeClock(t=plan.t_begin, speedup=plan.speedup)
    app = create_app(loaded.scenario, clock, max_weight=plan_max_weight(plan))
    cadences = [plan.metadata_poll.weight, plan.ping.weight, plan.playlist_poll.weight]
    return app, plan_max_weight(plan), [*cadences, plan.listener_weight]


async def test_a_run_stub_refuses_a_request_heavier_than_its_plan_can_send(
    aiohttp_client: AiohttpClient,
) -> None:
    app, max_weight, plans_weights = _ci_smoke_app()
    client = await aiohttp_client(app)
    assert max_weight < MAX_WEIGHT
    heavy = await client.get("/api/spaces/live", headers={"X-Sim-Weight": "1e7"})
    assert heavy.status == 400
    assert f"{max_weight:g}" in (await heavy.json())["errors"][0]["message"]
    for weight in plans_weights:  # what its listeners send is taken, and the API is not swamped
        response = await client.get(
            "/api/spaces/live", headers={"X-Sim-Weight": weight_header(weight)}
        )
        assert response.status == 200, weight


@pytest.mark.parametrize("name", ["ci_smoke", "trump_space", "desantis_launch"])
def test_a_plans_bound_covers_every_weight_it_sends(name: str) -> None:
    plan = make_plan(load_scenario(ROOT / "scenarios" / f"{name}.yaml").scenario)
    bound = plan_max_weight(plan)
    for cadence in (plan.metadata_poll, plan.playlist_poll, plan.ping):
        assert cadence.weight * 2 <= bound
    window_s = plan.t_end - plan.t_begin
    # one listener's pings over the whole window, charged at once, still fit
    assert (
        plan.listener_weight * window_s / plan.ping.event_interval_s <= bound or bound == MAX_WEIGHT
    )
    assert 1.0 <= bound <= MAX_WEIGHT


def test_the_run_starts_its_stub_with_its_plans_bound(tmp_path: Path) -> None:
    loaded = load_scenario(ROOT / "scenarios" / "ci_smoke.yaml")
    plan = make_plan(loaded.scenario)
    rundir = RunDirectory.create(tmp_path, "ci_smoke", None)
    context = RunContext(loaded, plan, EventClock(0.0, plan.t_begin, plan.speedup), rundir)
    args = StubBackend(context).server_args(tmp_path / "ready.json")
    assert args.max_weight == plan_max_weight(plan)
    assert ServerArgs.parse(args.argv()[2:]) == args  # crosses the command line intact
