"""Drives the hosts' and speakers' scripts from the stub backend with aiohttp (a handful of
requests; keeping them out of Locust means they never depend on how it spreads users)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator

import aiohttp

from simspace.clock import EventClock
from simspace.load.actions import Call, Reply, Script, Wait, Watch
from simspace.load.population import host_scripts
from simspace.scenario.model import Scenario
from simspace.scenario.model import Speaker as SpeakerSpec
from simspace.wire.observations import RequestTier, StateLine
from simspace.wire.spaces_api import WEIGHT_HEADER, weight_header

log = logging.getLogger(__name__)


async def drive_script(session: aiohttp.ClientSession, base_url: str, clock: EventClock,
                       script: Script, timeout_s: float) -> None:  # fmt: skip
    """Run a client script until it ends or the task is cancelled."""
    with contextlib.suppress(StopIteration):
        action = next(script)
        while True:
            reply: Reply | None = None
            if isinstance(action, Wait | Watch):  # hosts watch nothing: a Watch is its time
                delay = clock.wall_time_at(action.until_t) - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            else:
                reply = await _request(session, base_url, action, timeout_s)
            action = script.send(reply)


async def _request(
    session: aiohttp.ClientSession, base_url: str, call: Call, timeout_s: float
) -> Reply:
    headers = {WEIGHT_HEADER: weight_header(call.weight), **call.headers}
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


@contextlib.asynccontextmanager
async def run_speakers(
    session: aiohttp.ClientSession,
    url: str,
    speakers: list[SpeakerSpec],
    scenario: Scenario,
    clock: EventClock,
    seed: int,
    timeout_s: float,
) -> AsyncIterator[None]:
    """Hosts and speakers run as tasks for the duration of the block."""
    scripts = host_scripts(speakers, scenario.audience.client, clock, seed, LogRecorder())
    tasks = [
        asyncio.create_task(drive_script(session, url, clock, script, timeout_s))
        for script in scripts
    ]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class LogRecorder:
    """Speakers' outcomes go to the log: the server records when each Space went live."""

    def state(self, line: StateLine) -> None:
        log.info("speaker %s at %.0f: %s", line.speaker, line.t, line.kind)

    def failure(self, t: float, tier: RequestTier, message: str, weight: float) -> None:
        log.debug("speaker request failed at %.0f on %s: %s", t, tier, message)
