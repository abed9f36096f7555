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


LISTENER = {"X-Sim-Weight": "50"}


async def test_waiting_room_then_host_start_then_join(client: Client, clock: FakeClock) -> None:
    space_id, media_key = await _find_the_space(client)
    await _waiting_room_refuses_to_join(client, clock, space_id, media_key)
    await _only_the_host_starts_the_space(client, space_id)
    clock.advance(12.0)
    await _metadata_says_running(client, space_id, media_key)
    location, session_id = await _join(client, space_id, media_key)
    await _play(client, media_key, location)
    await _ping_then_stop_then_booted(client, space_id, session_id)
    assert client.app[MODEL_KEY].current.peak_listeners == 50


async def _find_the_space(client: Client) -> tuple[str, str]:
    live = await _json(client, "GET", "/api/spaces/live", headers=LISTENER)
    space_id, media_key = live["space_id"], live["media_key"]
    assert live == {
        "space_id": space_id,
        "media_key": media_key,
        "host": "host",
        "state": "NotStarted",
        "rooms": [],
    }
    return space_id, media_key


async def _waiting_room_refuses_to_join(
    client: Client, clock: FakeClock, space_id: str, media_key: str
) -> None:
    """Metadata says NotStarted, and joining is refused with the scenario's text."""
    for _ in range(3):
        clock.advance(10.0)
        metadata = await _json(client, "GET", f"/api/spaces/{space_id}", headers=LISTENER)
        assert metadata["data"]["audioSpace"]["metadata"]["state"] == "NotStarted"
    refused = await _json(client, "GET", f"/api/live_video_stream/status/{media_key}", 409)
    assert refused == {"errors": [{"message": UNAVAILABLE_TEXT, "code": "not_started"}]}
    await _json(client, "POST", f"/api/spaces/{space_id}/watching/start", 409)


async def _only_the_host_starts_the_space(client: Client, space_id: str) -> None:
    publish = f"/api/spaces/{space_id}/publish"
    await _json(client, "POST", publish, 409, headers={"X-Sim-Speaker": "guest"})
    forbidden = await _json(client, "POST", publish, 403, headers={"X-Sim-Speaker": "nobody"})
    assert forbidden["errors"][0]["code"] == "bad_request"
    await _json(client, "POST", publish, 403)
    started = await _json(client, "POST", publish, headers={"X-Sim-Speaker": "host"})
    assert started == {"ok": True, "state": "Running"}


async def _metadata_says_running(client: Client, space_id: str, media_key: str) -> None:
    metadata = await _json(client, "GET", f"/api/spaces/{space_id}", headers=LISTENER)
    fields = metadata["data"]["audioSpace"]["metadata"]
    assert fields["state"] == "Running"
    assert fields["rest_id"] == space_id
    assert fields["media_key"] == media_key
    assert fields["started_at"] == -570.0
    assert fields["ended_at"] is None
    assert fields["title"] == "Unit test event"


async def _join(client: Client, space_id: str, media_key: str) -> tuple[str, str]:
    """Stream status, then start watching: the playlist's location and the session id."""
    status = await _json(
        client, "GET", f"/api/live_video_stream/status/{media_key}", headers=LISTENER
    )
    location = status["source"]["location"]
    assert status == {"source": {"location": location, "status": "LIVE"}}
    assert location == f"/hls/{media_key}/dynamic_playlist.m3u8"
    watching = await _json(
        client, "POST", f"/api/spaces/{space_id}/watching/start", headers=LISTENER
    )
    metadata = await _json(client, "GET", f"/api/spaces/{space_id}")
    assert metadata["data"]["audioSpace"]["metadata"]["total_live_listeners"] == 50
    return location, watching["session_id"]


async def _play(client: Client, media_key: str, location: str) -> None:
    playlist = await client.get(location, headers=LISTENER)
    assert playlist.status == 200
    assert playlist.content_type == "application/vnd.apple.mpegurl"
    text = await playlist.text()
    assert text.startswith("#EXTM3U\n")
    chunks = [line for line in text.splitlines() if line.startswith("chunk_")]
    assert len(chunks) == 3  # 12 s of 3.008 s segments
    chunk = await client.get(f"/hls/{media_key}/{chunks[-1]}", headers=LISTENER)
    assert chunk.status == 200
    assert chunk.content_type == "audio/aac"
    body = await chunk.read()
    assert body.startswith(b"ID3")


async def _ping_then_stop_then_booted(client: Client, space_id: str, session_id: str) -> None:
    ping = f"/api/spaces/{space_id}/watching/ping?session_id={session_id}"
    assert await _json(client, "POST", ping, headers=LISTENER) == {"ok": True}
    stop = f"/api/spaces/{space_id}/watching/stop?session_id={session_id}"
    assert await _json(client, "POST", stop, headers=LISTENER) == {"ok": True}
    booted = await _json(client, "POST", ping, 410)
    assert booted["errors"][0] == {"message": UNAVAILABLE_TEXT, "code": "booted"}


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
