"""The whole listener join and the host start over HTTP, waiting room included."""

from __future__ import annotations

from typing import Any

from simspace.clock import FakeClock
from simspace.server import MODEL_KEY
from tests.platform.scenarios import UNAVAILABLE_TEXT
from tests.server.conftest import Client


async def _json(client: Client, method: str, path: str, status: int = 200, **kw: Any) -> Any:
    response = await client.request(method, path, **kw)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    return await response.json()


async def test_waiting_room_then_host_start_then_join(client: Client, clock: FakeClock) -> None:
    listener = {"X-Sim-Weight": "50"}
    live = await _json(client, "GET", "/api/spaces/live", headers=listener)
    space_id, media_key = live["space_id"], live["media_key"]
    assert live == {
        "space_id": space_id,
        "media_key": media_key,
        "host": "host",
        "state": "NotStarted",
    }

    # the waiting room: metadata says NotStarted, joining is refused with the scenario's text
    for _ in range(3):
        clock.advance(10.0)
        metadata = await _json(client, "GET", f"/api/spaces/{space_id}", headers=listener)
        assert metadata["data"]["audioSpace"]["metadata"]["state"] == "NotStarted"
    refused = await _json(client, "GET", f"/api/live_video_stream/status/{media_key}", 409)
    assert refused == {"errors": [{"message": UNAVAILABLE_TEXT, "code": "not_running"}]}
    await _json(client, "POST", f"/api/spaces/{space_id}/watching/start", 409)

    # the host starts the Space; nobody else can
    publish = f"/api/spaces/{space_id}/publish"
    await _json(client, "POST", publish, 409, headers={"X-Sim-Speaker": "guest"})
    forbidden = await _json(client, "POST", publish, 403, headers={"X-Sim-Speaker": "nobody"})
    assert forbidden["errors"][0]["code"] == "bad_request"
    await _json(client, "POST", publish, 403)
    started = await _json(client, "POST", publish, headers={"X-Sim-Speaker": "host"})
    assert started == {"ok": True, "state": "Running"}
    clock.advance(12.0)

    # the listener's join
    metadata = await _json(client, "GET", f"/api/spaces/{space_id}", headers=listener)
    fields = metadata["data"]["audioSpace"]["metadata"]
    assert fields["state"] == "Running"
    assert fields["rest_id"] == space_id
    assert fields["media_key"] == media_key
    assert fields["started_at"] == -570.0
    assert fields["ended_at"] is None
    assert fields["title"] == "Unit test event"
    status = await _json(
        client, "GET", f"/api/live_video_stream/status/{media_key}", headers=listener
    )
    location = status["source"]["location"]
    assert status == {"source": {"location": location, "status": "LIVE"}}
    assert location == f"/hls/{media_key}/dynamic_playlist.m3u8"
    watching = await _json(
        client, "POST", f"/api/spaces/{space_id}/watching/start", headers=listener
    )
    session_id = watching["session_id"]
    metadata = await _json(client, "GET", f"/api/spaces/{space_id}")
    assert metadata["data"]["audioSpace"]["metadata"]["total_live_listeners"] == 50

    playlist = await client.get(location, headers=listener)
    assert playlist.status == 200
    assert playlist.content_type == "application/vnd.apple.mpegurl"
    text = await playlist.text()
    assert text.startswith("#EXTM3U\n")
    chunks = [line for line in text.splitlines() if line.startswith("chunk_")]
    assert len(chunks) == 3  # 12 s of 3.008 s segments
    chunk = await client.get(f"/hls/{media_key}/{chunks[-1]}", headers=listener)
    assert chunk.status == 200
    assert chunk.content_type == "audio/aac"
    body = await chunk.read()
    assert body.startswith(b"ID3")

    ping = f"/api/spaces/{space_id}/watching/ping?session_id={session_id}"
    assert await _json(client, "POST", ping, headers=listener) == {"ok": True}
    stop = f"/api/spaces/{space_id}/watching/stop?session_id={session_id}"
    assert await _json(client, "POST", stop, headers=listener) == {"ok": True}
    booted = await _json(client, "POST", ping, 410)
    assert booted["errors"][0] == {"message": UNAVAILABLE_TEXT, "code": "booted"}
    assert client.app[MODEL_KEY].current.peak_listeners == 50


async def test_host_end_stops_the_stream(client: Client, clock: FakeClock) -> None:
    live = await _json(client, "GET", "/api/spaces/live")
    host = {"X-Sim-Speaker": "host"}
    await _json(client, "POST", f"/api/spaces/{live['space_id']}/publish", headers=host)
    clock.advance(30.0)
    await _json(client, "POST", f"/api/spaces/{live['space_id']}/end", 403)
    ended = await _json(client, "POST", f"/api/spaces/{live['space_id']}/end", headers=host)
    assert ended == {"ok": True, "state": "Ended"}
    playlist = await client.get(f"/hls/{live['media_key']}/dynamic_playlist.m3u8")
    assert (await playlist.text()).endswith("#EXT-X-ENDLIST\n")
    await _json(client, "GET", f"/api/live_video_stream/status/{live['media_key']}", 409)
