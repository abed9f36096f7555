"""The stub as its server runs it (`run_server`, in process, on 127.0.0.1): a malformed request
costs one log line, idle and slow connections are closed, and it stops by itself once the
process that started it is gone. Waits are bounded safety nets, never speed assertions."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from simspace.clock import FakeClock
from simspace.server import create_app
from simspace.server.runner import KEEPALIVE_TIMEOUT_S, run_server
from tests.platform.scenarios import make_scenario

_SAFETY_S = 10.0
SHORT_KEEPALIVE_S = 0.5


def _app() -> Any:
    return create_app(make_scenario(), FakeClock(t=-600.0, speedup=10_000.0))


@contextlib.asynccontextmanager
async def serving(**options: Any) -> AsyncIterator[int]:
    """The stub served by `run_server` until the block ends; yields its port."""
    ready: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run_server(_app(), on_ready=lambda _url, port: ready.set_result(port), **options)
    )
    try:
        yield await asyncio.wait_for(ready, _SAFETY_S)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _send(port: int, data: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), _SAFETY_S)
    writer.close()
    await writer.wait_closed()
    return answer


MALFORMED = [
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",  # request line too long
    b"GET /_sim/health HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",  # a header without a colon
    b"POST /_sim/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
]


@pytest.mark.parametrize("request_bytes", MALFORMED, ids=["long-line", "no-colon", "bad-length"])
async def test_a_malformed_request_is_400_and_one_log_line(
    request_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with serving() as port:
        caplog.clear()
        answer = await _send(port, request_bytes)
    assert b" 400 " in answer.split(b"\r\n")[0]
    logged = [logging.Formatter().format(r) for r in caplog.records if r.levelno >= logging.INFO]
    logged = [line for line in logged if "stopping the stub" not in line]
    assert len(logged) == 1, logged
    assert "\n" not in logged[0]
    assert len(logged[0]) < 400
    assert "127.0.0.1" in logged[0]


async def test_an_idle_connection_is_closed() -> None:
    async with serving(keepalive_timeout_s=SHORT_KEEPALIVE_S) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(reader.read(), _SAFETY_S) == b""  # closed, never answered
        writer.close()


async def test_a_connection_left_idle_after_a_request_is_closed() -> None:
    async with serving(keepalive_timeout_s=SHORT_KEEPALIVE_S) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /_sim/health HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), _SAFETY_S)
        writer.close()
    assert b" 200 OK" in answer.split(b"\r\n")[0]  # answered, then closed once idle


async def test_headers_sent_slowly_are_cut_off() -> None:
    async with serving(keepalive_timeout_s=SHORT_KEEPALIVE_S) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /_sim/health HTTP/1.1\r\n")
        closed = False
        deadline = asyncio.get_running_loop().time() + _SAFETY_S
        while not closed and asyncio.get_running_loop().time() < deadline:
            try:
                writer.write(b"X-Slow: 1\r\n")  # one header line every 0.1 s, never the end
                await writer.drain()
                closed = await asyncio.wait_for(reader.read(1), 0.1) == b""
            except TimeoutError:
                continue
            except ConnectionError:
                closed = True
        writer.close()
    assert closed


def test_the_default_keepalive_bounds_a_connection_without_a_request() -> None:
    # longer than any client's cadence (docs/platform-api.md), but not aiohttp's hour
    assert 30.0 <= KEEPALIVE_TIMEOUT_S <= 120.0


async def test_it_stops_by_itself_once_its_parent_is_gone(tmp_path: Path) -> None:
    not_our_parent = os.getppid() + 1  # as if the run that started it had been killed
    await asyncio.wait_for(
        run_server(_app(), parent_pid=not_our_parent, dump_dir=tmp_path), _SAFETY_S
    )
    assert (tmp_path / "timeline.json").exists()  # stopped cleanly: the dumps are written


async def test_it_keeps_serving_while_its_parent_lives() -> None:
    async with serving(parent_pid=os.getppid()) as port:
        await asyncio.sleep(1.5)  # three parent checks
        answer = await _send(port, b"GET /_sim/health HTTP/1.0\r\n\r\n")
    assert b" 200 OK" in answer.split(b"\r\n")[0]
