"""The in-process router answers exactly as the aiohttp server does: the same requests, in the
same order, to two platforms built alike, give the same statuses and bodies."""

from __future__ import annotations

import json

from pytest_aiohttp import AiohttpClient

from simspace.clock import FakeClock
from simspace.platform import PlatformApi, PlatformModel
from simspace.platform.router import PlatformRouter
from simspace.server import create_app
from tests.platform.scenarios import make_scenario

LISTENER = {"X-Sim-Weight": "50"}


async def test_router_answers_as_the_server_does(aiohttp_client: AiohttpClient) -> None:
    clock = FakeClock(t=-600.0, speedup=10_000.0)
    scenario = make_scenario()
    client = await aiohttp_client(create_app(scenario, clock))
    router = PlatformRouter(PlatformApi(PlatformModel(scenario, clock)))
    seen: list[tuple[int, bytes]] = []

    async def both(method: str, path: str, headers: dict[str, str] | None = None) -> bytes:
        headers = headers or LISTENER
        response = await client.request(method, path, headers=headers)
        body = await response.read()
        weight = float(headers.get("X-Sim-Weight", "1"))
        listeners = headers.get("X-Sim-Listeners")
        routed = router.handle(
            method,
            path,
            weight,
            headers.get("X-Sim-Speaker"),
            None if listeners is None else float(listeners),
        )
        assert (routed.status, routed.body) == (response.status, body), (method, path)
        seen.append((response.status, body))
        return body

    live = json.loads(await both("GET", "/api/spaces/live"))
    space, media = live["space_id"], live["media_key"]
    await both("GET", f"/api/spaces/{space}")
    await both("GET", f"/api/live_video_stream/status/{media}")
    await both("POST", f"/api/spaces/{space}/watching/start")  # not running yet
    await both("POST", f"/api/spaces/{space}/publish", {"X-Sim-Speaker": "nobody"})
    await both("POST", f"/api/spaces/{space}/publish", {"X-Sim-Speaker": live["host"]})
    clock.advance(12.0)
    await both("GET", f"/api/spaces/{space}")
    await both("GET", f"/api/live_video_stream/status/{media}")
    session = json.loads(await both("POST", f"/api/spaces/{space}/watching/start"))
    playlist = (await both("GET", f"/hls/{media}/dynamic_playlist.m3u8")).decode()
    chunk = next(line for line in playlist.splitlines() if line and not line.startswith("#"))
    await both("GET", f"/hls/{media}/{chunk}")
    await both("GET", f"/hls/{media}/chunk_0_999999_a.aac")
    # a join standing for 3 attempts of 50 listeners registers 50
    retried = {"X-Sim-Weight": "150", "X-Sim-Listeners": "50"}
    await both("POST", f"/api/spaces/{space}/watching/start", retried)
    session_id = session["session_id"]
    await both("POST", f"/api/spaces/{space}/watching/ping?session_id={session_id}")
    await both("POST", f"/api/spaces/{space}/watching/ping")  # no session id
    await both("POST", f"/api/spaces/{space}/watching/stop?session_id={session_id}")
    await both("POST", f"/api/spaces/{space}/watching/ping?session_id={session_id}")
    await both("GET", "/api/spaces/nope")
    await both("GET", "/no/such/path")
    await both("POST", f"/api/spaces/{space}/end", {"X-Sim-Speaker": live["host"]})
    statuses = {status for status, _ in seen}
    assert {200, 400, 403, 404, 409, 410} <= statuses, statuses
