"""A real HLS client (ffprobe) plays the live playlist the stub serves on a loopback port."""

from __future__ import annotations

import asyncio
import json
import shutil

import pytest
from pytest_aiohttp import AiohttpServer

from simspace.clock import EventClock
from simspace.server import MODEL_KEY, create_app
from tests.platform.scenarios import make_scenario

pytestmark = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe not on PATH")

# A safety net against a hung tool, not a speed assertion.
_FFPROBE_TIMEOUT_S = 120.0


@pytest.mark.parametrize(("sample_rate_hz", "channels"), [(48_000, 2), (44_100, 1)])
async def test_ffprobe_reads_the_live_playlist(
    aiohttp_server: AiohttpServer, sample_rate_hz: int, channels: int
) -> None:
    hls = {"sample_rate_hz": sample_rate_hz, "channels": channels, "bitrate_kbps": 64}
    scenario = make_scenario({"platform": {"hls": hls}})
    clock = EventClock.starting_now(t_begin=-300.0, speedup=1.0)
    app = create_app(scenario, clock, live=True)
    server = await aiohttp_server(app, host="127.0.0.1")
    media_key = app[MODEL_KEY].current.media_key
    url = f"http://127.0.0.1:{server.port}/hls/{media_key}/dynamic_playlist.m3u8"
    process = await asyncio.create_subprocess_exec(
        "ffprobe", "-v", "error", "-show_streams", "-of", "json", url,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        out, err = await asyncio.wait_for(process.communicate(), _FFPROBE_TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, err.decode()
    (stream,) = json.loads(out)["streams"]
    assert stream["codec_type"] == "audio"
    assert stream["codec_name"] == "aac"
    assert stream["profile"] == "LC"
    assert int(stream["sample_rate"]) == sample_rate_hz
    assert stream["channels"] == channels
    assert app[MODEL_KEY].timeline.totals("cdn")["served"] >= 2  # playlist and chunks
