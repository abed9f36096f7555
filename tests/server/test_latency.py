"""Modelled latency reaches clients in wall time (event latency / speedup) without blocking.

Only lower bounds are asserted: a sleep is never shorter than asked, whatever the machine.
"""

from __future__ import annotations

import asyncio
import time

from pytest_aiohttp import AiohttpClient

from simspace.clock import EventClock
from simspace.server import create_app
from tests.platform.scenarios import FETCH_FAILED_TEXT, make_scenario


async def test_served_requests_wait_their_service_time(aiohttp_client: AiohttpClient) -> None:
    scenario = make_scenario(
        {"platform": {"tiers": {"api": {"service_time": 0.3}}}}  # 0.3 event s at speedup 2
    )
    clock = EventClock.starting_now(t_begin=-600.0, speedup=2.0)
    client = await aiohttp_client(create_app(scenario, clock))
    started = time.monotonic()
    response = await client.get("/api/spaces/live")
    assert response.status == 200
    assert time.monotonic() - started >= 0.15


async def test_timeouts_answer_after_the_tier_timeout(aiohttp_client: AiohttpClient) -> None:
    scenario = make_scenario({"platform": {"tiers": {"api": {"queue_limit": 1e6, "timeout": 20}}}})
    clock = EventClock.starting_now(t_begin=-600.0, speedup=100.0)
    client = await aiohttp_client(create_app(scenario, clock))
    heavy = await client.get("/api/spaces/live", headers={"X-Sim-Weight": "50000"})
    assert heavy.status == 504  # 50 s of work queued at 1000/s: past the 20 s timeout
    started = time.monotonic()
    # waits happen concurrently: the loop is never blocked by one request's latency
    responses = await asyncio.gather(*(client.get("/api/spaces/live") for _ in range(20)))
    elapsed_s = time.monotonic() - started
    assert elapsed_s >= 0.2  # 20 event seconds at speedup 100
    for response in responses:
        assert response.status == 504
        body = await response.json()
        assert body == {"errors": [{"message": FETCH_FAILED_TEXT, "code": "timeout"}]}
