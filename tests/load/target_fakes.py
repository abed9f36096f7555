"""A fake live HLS origin and the target-mode listener built for it, on a fake clock."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply
from simspace.load.target_listener import TargetListener
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy, RejoinPolicy
from simspace.wire.observations import StateDetails
from tests.load.fakes import ListRecorder, drive, error

ORIGIN = "https://live.example"
MEDIA = f"{ORIGIN}/live/stream.m3u8"
MASTER = f"{ORIGIN}/live/master.m3u8"


@dataclass
class SegmentRecorder(ListRecorder):
    segments: list[tuple[float, float, float, bool]] = field(default_factory=list)

    def segment(self, t: float, download_s: float, duration_s: float, ok: bool) -> None:
        self.segments.append((t, download_s, duration_s, ok))

    def at(self, kind: str) -> list[tuple[float, StateDetails]]:
        return [(t, extra) for t, _, k, extra in self.states if k == kind]


def media_body(first: int, end: int, segment_s: float = 2.0, ended: bool = False) -> bytes:
    """A live playlist as ffmpeg's hls muxer writes it, listing sequences [first, end)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3", f"#EXT-X-TARGETDURATION:{math.ceil(segment_s)}"]
    lines.append(f"#EXT-X-MEDIA-SEQUENCE:{first}")
    for seq in range(first, end):
        lines += [f"#EXTINF:{segment_s:.6f},", f"live{seq}.ts"]
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return ("\n".join(lines) + "\n").encode()


@dataclass
class FakeLive:
    """A live HLS origin: segment n covers [start_t + n*d, start_t + (n+1)*d) and is listed once
    complete, in a sliding window. Every `.m3u8` but the master is the media playlist; segments
    are `live<n>.ts` beside it. `latency` moves the shared clock while a request is served."""

    clock: FakeClock
    segment_s: float = 2.0
    window: int = 5
    start_t: float = 0.0
    end_t: float | None = None
    gone_t: float = math.inf
    latency: Callable[[Call, float], float] = lambda call, t: 0.0
    fail: Callable[[Call, float], Reply | None] = lambda call, t: None
    api: Callable[[Call, float], Reply] | None = None
    log: list[tuple[float, str]] = field(default_factory=list)

    def produced(self, t: float) -> int:
        t = t if self.end_t is None else min(t, self.end_t)
        return max(0, math.floor((t - self.start_t) / self.segment_s + 1e-9))

    def __call__(self, call: Call, t: float) -> Reply:
        assert call.path.startswith(ORIGIN + "/"), call.path
        parts = urlsplit(call.path)
        self.log.append((t, parts.path))
        if self.api is not None and parts.path.startswith("/api/"):
            query = f"?{parts.query}" if parts.query else ""
            return self.api(Call(call.method, parts.path + query, "api", call.name, 1.0), t)
        self.clock.advance(self.latency(call, t))
        failed = self.fail(call, t)
        if failed is not None:
            return failed
        name = parts.path.rsplit("/", 1)[-1]
        if name == "master.m3u8":
            variants = "#EXT-X-STREAM-INF:BANDWIDTH=64000\naudio/stream.m3u8\n"
            variants += "#EXT-X-STREAM-INF:BANDWIDTH=256000\nhi/stream.m3u8\n"
            return Reply(200, f"#EXTM3U\n{variants}".encode())
        if name.endswith(".m3u8"):
            if t >= self.gone_t:
                return error(404, "Not Found", "not_found")
            end = self.produced(t)
            ended = self.end_t is not None and t >= self.end_t
            return Reply(200, media_body(max(0, end - self.window), end, self.segment_s, ended))
        if name.startswith("live") and name.endswith(".ts") and int(name[4:-3]) < self.produced(t):
            return Reply(200, b"\x47" * 188)
        return error(404, "Not Found", "not_found")

    def segment_calls(self) -> list[tuple[float, int]]:
        return [
            (t, int(path.rsplit("/live", 1)[-1][:-3]))
            for t, path in self.log
            if path.endswith(".ts")
        ]

    def playlist_calls(self) -> list[float]:
        return [t for t, path in self.log if path.endswith(".m3u8")]


def policy(**changes: object) -> ClientPolicy:
    return ClientPolicy(rejoin=RejoinPolicy(probability=0.0)).model_copy(update=changes)


def target_listener(
    plan: Plan,
    clock: FakeClock,
    recorder: SegmentRecorder,
    *,
    arrival_t: float = 31.0,
    listening_s: float = 600.0,
    client: ClientPolicy | None = None,
    playlist_url: str = MEDIA,
    join_api: bool = False,
) -> TargetListener:
    return TargetListener(
        ident=3,
        arrival_t=arrival_t,
        plan=plan,
        client=client or policy(),
        listening_s=listening_s,
        clock=clock,
        recorder=recorder,
        rng=random.Random(5),
        playlist_url=playlist_url,
        join_api=join_api,
        url_allowed=lambda url: url.startswith(ORIGIN + "/"),
    )


def play(plan: Plan, live: FakeLive, recorder: SegmentRecorder, **kwargs: object) -> list[Call]:
    listener = target_listener(plan, live.clock, recorder, **kwargs)  # type: ignore[arg-type]
    return drive(listener.script(), live.clock, live)
