"""Malformed input never gets a 5xx and never grows the server's state."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc

import aiohttp
import pytest

from simspace.server import MODEL_KEY
from tests.platform.scenarios import UNAVAILABLE_TEXT
from tests.server.conftest import Client

BAD_WEIGHTS = [
    "abc",
    "-1",
    "0",
    "-0",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e8",
    "10000001",
    "",
    " ",
    "1" * 100,
    "0x10",
    "1,5",
    "5 kg",
]


async def _media_key(client: Client) -> str:
    response = await client.get("/api/spaces/live")
    key: str = (await response.json())["media_key"]
    return key


@pytest.mark.parametrize("weight", BAD_WEIGHTS)
async def test_bad_weights_are_400_json_everywhere(client: Client, weight: str) -> None:
    media_key = await _media_key(client)
    space_id = client.app[MODEL_KEY].current.space_id
    requests = [
        ("GET", "/api/spaces/live"),
        ("GET", f"/api/spaces/{space_id}"),
        ("POST", f"/api/spaces/{space_id}/watching/start"),
        ("POST", f"/api/spaces/{space_id}/watching/ping?session_id=x"),
        ("GET", f"/hls/{media_key}/dynamic_playlist.m3u8"),
    ]
    for method, path in requests:
        response = await client.request(method, path, headers={"X-Sim-Weight": weight})
        assert response.status == 400, (method, path)
        body = await response.json()
        assert body["errors"][0]["code"] == "bad_request"
        assert "X-Sim-Weight" in body["errors"][0]["message"]


@pytest.mark.parametrize("listeners", BAD_WEIGHTS)
async def test_bad_listener_counts_to_start_watching_are_400(
    client: Client, listeners: str
) -> None:
    space_id = client.app[MODEL_KEY].current.space_id
    path = f"/api/spaces/{space_id}/watching/start"
    response = await client.post(path, headers={"X-Sim-Listeners": listeners})
    assert response.status == 400
    assert "X-Sim-Listeners" in (await response.json())["errors"][0]["message"]


@pytest.mark.parametrize("weight", ["1", "0.0002", "5000", " 7 "])
async def test_good_weights_are_accepted(client: Client, weight: str) -> None:
    response = await client.get("/api/spaces/live", headers={"X-Sim-Weight": weight})
    assert response.status == 200


async def test_the_largest_weight_is_valid_but_overloads_a_small_tier(client: Client) -> None:
    response = await client.get("/api/spaces/live", headers={"X-Sim-Weight": "1e7"})
    assert response.status == 503  # more than the whole queue: the modelled answer
    assert (await response.json())["errors"][0]["code"] == "overload"


@pytest.mark.parametrize(
    "path",
    [
        "/api/spaces/1doesnotexist",
        "/api/spaces/%00%01",
        "/api/spaces/" + "x" * 2000,
        "/api/live_video_stream/status/28_000",
        "/hls/28_000/dynamic_playlist.m3u8",
        "/hls/28_000/chunk_1_0_a.aac",
        "/nothing/here",
        "/",
        "/api",
        "/_sim",
        "/_sim/nothing",
    ],
)
async def test_unknown_things_are_404_json(client: Client, path: str) -> None:
    response = await client.get(path)
    assert response.status == 404
    assert await response.json() == {"errors": [{"message": UNAVAILABLE_TEXT, "code": "not_found"}]}


@pytest.mark.parametrize(
    "name",
    [
        "chunk_1_0_a.aac",
        "chunk_-1_0_a.aac",
        "chunk_1723506630000000000_0_a.aac.bak",
        "..",
        "...",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "chunk_" + "1" * 300 + "_0_a.aac",
        "master_playlist.m3u8",
        "DYNAMIC_PLAYLIST.M3U8",
    ],
)
async def test_bad_chunk_names_are_404(client: Client, name: str) -> None:
    model = client.app[MODEL_KEY]
    model.go_live(prefill_s=30.0)
    response = await client.get(f"/hls/{model.current.media_key}/{name}")
    assert response.status == 404
    assert (await response.json())["errors"][0]["code"] == "not_found"


async def _raw_status(client: Client, request_line: str) -> tuple[int, bytes]:
    """Send a request line as is (no client-side URL normalisation)."""
    server = client.server
    reader, writer = await asyncio.open_connection(server.host, server.port)
    writer.write(f"{request_line}\r\nHost: x\r\nConnection: close\r\n\r\n".encode("latin-1"))
    await writer.drain()
    data = await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(data.split(b" ", 2)[1]), data


@pytest.mark.parametrize(
    "target",
    [
        "/hls/{key}/../../../../etc/passwd",
        "/hls/{key}/..%2F..%2F..%2Fetc%2Fpasswd",
        "/hls/../../etc/passwd",
        "/hls/{key}/%2e%2e/%2e%2e/etc/passwd",
        "/hls/{key}/chunk_1_0_a.aac/../../../../etc/passwd",
        "//etc/passwd",
        "/hls/{key}/%ff%fe",
    ],
)
async def test_path_traversal_never_escapes(client: Client, target: str) -> None:
    model = client.app[MODEL_KEY]
    model.go_live(prefill_s=30.0)
    status, data = await _raw_status(
        client, f"GET {target.format(key=model.current.media_key)} HTTP/1.1"
    )
    assert status in (400, 404)
    assert b"root:" not in data


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/spaces/live"),
        ("POST", "/api/spaces/live"),
        ("PUT", "/api/spaces/x"),
        ("GET", "/api/spaces/x/watching/start"),
        ("PATCH", "/api/spaces/x/publish"),
        ("POST", "/hls/k/dynamic_playlist.m3u8"),
        ("OPTIONS", "/_sim/health"),
        ("POST", "/_sim/timeline"),
        ("HEAD", "/api/spaces/live"),
    ],
)
async def test_bad_methods_are_405(client: Client, method: str, path: str) -> None:
    response = await client.request(method, path)
    assert response.status == 405
    if method != "HEAD":
        assert (await response.json())["errors"][0]["code"] == "bad_request"


async def test_missing_session_id_is_400(client: Client) -> None:
    space_id = client.app[MODEL_KEY].current.space_id
    for action in ("ping", "stop"):
        response = await client.post(f"/api/spaces/{space_id}/watching/{action}")
        assert response.status == 400


async def test_garbage_request_lines_are_not_5xx(client: Client) -> None:
    for line in ["GARBAGE", "GET", "GET / HTTP/9.9", "G\x00T / HTTP/1.1", "GET " + "/a" * 5000]:
        status, _ = await _raw_status(client, line)
        assert 400 <= status < 500, line


async def _malformed_burst(
    session: aiohttp.ClientSession, client: Client, media_key: str, space_id: str, n: int
) -> None:
    requests = [
        ("GET", "/api/spaces/1bad{i}", {}),
        ("GET", f"/hls/{media_key}/chunk_{{i}}_{{i}}_a.aac", {}),
        ("GET", "/hls/28_{i}/dynamic_playlist.m3u8", {}),
        ("POST", f"/api/spaces/{space_id}/watching/ping?session_id=s{{i}}", {}),
        ("GET", "/api/spaces/live", {"X-Sim-Weight": "-{i}"}),
        ("DELETE", "/nowhere/{i}", {}),
    ]
    for i in range(n):
        for method, path, headers in requests:
            url = client.make_url(path.format(i=i))
            sent = {key: value.format(i=i) for key, value in headers.items()}
            async with session.request(method, url, headers=sent) as response:
                await response.read()
                assert response.status < 500


async def test_malformed_input_does_not_grow_state_or_memory(client: Client) -> None:
    model = client.app[MODEL_KEY]
    model.go_live(prefill_s=30.0)
    space = model.current
    # A plain session: the test client keeps every response, which would hide a server leak.
    async with aiohttp.ClientSession() as session:
        await _malformed_burst(session, client, space.media_key, space.space_id, 100)
        tracemalloc.start()
        try:
            await _malformed_burst(session, client, space.media_key, space.space_id, 100)
            gc.collect()
            before, _ = tracemalloc.get_traced_memory()
            await _malformed_burst(session, client, space.media_key, space.space_id, 400)
            gc.collect()
            after, _ = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    # 2400 malformed requests: a per-request leak of even 100 bytes would show
    assert after - before < 200_000
    assert len(model.sessions) == 0
    assert len(model.spaces) == 1
    assert len(model.ledger.failures()) <= 4
    assert len(model.ledger.events()) <= 3
