"""Drives the hosts' and speakers' scripts from the orchestrator with aiohttp (a handful of
requests; keeping them out of Locust means they never depend on how it spreads users)."""

from __future__ import annotations

import asyncio
import contextlib
import time

import aiohttp

from simspace.clock import EventClock
from simspace.load.actions import Call, Reply, Script, Wait


async def drive_script(session: aiohttp.ClientSession, base_url: str, clock: EventClock,
                       script: Script, timeout_s: float) -> None:  # fmt: skip
    """Run a client script until it ends or the task is cancelled."""
    with contextlib.suppress(StopIteration):
        action = next(script)
        while True:
            reply: Reply | None = None
            if isinstance(action, Wait):
                delay = clock.wall_time_at(action.until_t) - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                reply = await _request(session, base_url, action, timeout_s)
            action = script.send(reply)


async def _request(
    session: aiohttp.ClientSession, base_url: str, call: Call, timeout_s: float
) -> Reply:
    headers = {"X-Sim-Weight": f"{call.weight:.6g}", **call.headers}
    try:
        async with session.request(
            call.method,
            base_url + call.path,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=timeout_s),
        ) as response:
            return Reply(response.status, await response.read())
    except (aiohttp.ClientError, TimeoutError) as exc:
        return Reply(0, error=type(exc).__name__)
