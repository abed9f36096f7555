"""The listener's life with injected collaborators: what it makes of each way a player ends, and
a route that refuses requests. The life is the same whatever plays the audio."""

from __future__ import annotations

import random
from collections.abc import Generator
from dataclasses import dataclass, field

import pytest

from simspace.clock import FakeClock
from simspace.load.actions import Action, Call, Reply, Wait
from simspace.load.listener import Listener
from simspace.load.listening import Listening, PlayEnd, Player, Refusal, Route, Stream
from simspace.plan import Plan, make_plan
from simspace.scenario.audience import ClientPolicy, RejoinPolicy
from tests.load.fakes import FakeSpaces, ListRecorder, drive
from tests.load.scenarios import small_scenario


@dataclass
class ScriptedPlayer:
    """Ends each play as told, after `play_s` of event time; keeps the streams it was given."""

    ends: list[PlayEnd]
    play_s: float = 5.0
    streams: list[Stream] = field(default_factory=list)

    def play(self, listener: Listening, stream: Stream) -> Generator[Action, Reply | None, PlayEnd]:
        self.streams.append(stream)
        yield Wait(listener.clock.now() + self.play_s)
        return self.ends.pop(0)


@dataclass
class RefuseCdn:
    """A route that lets API requests through and refuses every CDN one."""

    def address(self, call: Call) -> Call | Refusal:
        return Refusal(call.tier, 2.0, "no CDN here") if call.tier == "cdn" else call

    def locate(self, location: str) -> str | Refusal:
        return "https://cdn.example" + location


@pytest.fixture
def plan() -> Plan:
    return make_plan(small_scenario(), speedup=10.0, population_scale=0.01)


def _life(
    plan: Plan,
    recorder: ListRecorder,
    clock: FakeClock,
    *,
    player: Player | None = None,
    route: Route | None = None,
    direct_playlist: str | None = None,
) -> Listener:
    client = ClientPolicy(patience=3600.0, rejoin=RejoinPolicy(probability=0.0))
    life = Listener(7, -300.0, plan, client, 600.0, clock, recorder, random.Random(1))
    life.player = player or life.player
    life.route = route or life.route
    life.direct_playlist = direct_playlist
    return life


def test_a_stream_that_fails_to_start_sends_the_listener_back_to_the_waiting_room(
    plan: Plan,
) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    player = ScriptedPlayer(["stream_failed", "left"])
    calls = drive(_life(plan, recorder, clock, player=player).script(), clock, FakeSpaces(0.0))
    assert recorder.kinds() == [
        "arrived", "waiting", "joining", "waiting", "joining", "left",
    ]  # fmt: skip
    stream = player.streams[0]
    assert stream.location == "/hls/m1/dynamic_playlist.m3u8"
    assert stream.watching is not None
    assert stream.watching.ping_path == "/api/spaces/s1/watching/ping?session_id=x"
    assert stream.waiting_since == -300.0
    assert stream.joined_at >= 0.0  # the Space went live at 0
    assert player.streams[1].waiting_since == stream.waiting_since  # the same wait goes on
    assert calls[-1].path == "/api/spaces/s1/watching/stop?session_id=x"  # leaving stops it


@pytest.mark.parametrize(
    ("end", "recorded"),
    [
        ("stream_gone", {"space": "s1"}),  # a missing playlist: the Space has ended
        ("space_ended", {"space": "s1"}),
        ("booted", {"space": "s1"}),
    ],
)
def test_how_a_play_ends_is_recorded_with_the_space(
    plan: Plan, end: PlayEnd, recorded: dict[str, str]
) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    player = ScriptedPlayer([end])
    calls = drive(_life(plan, recorder, clock, player=player).script(), clock, FakeSpaces(0.0))
    kind = "space_ended" if end == "stream_gone" else end
    assert recorder.states[-1][2:] == (kind, recorded)
    assert "api: stop watching" not in {c.name for c in calls}


def test_giving_up_counts_the_wait_from_the_waiting_room(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    player = ScriptedPlayer(["gave_up"], play_s=50.0)
    drive(_life(plan, recorder, clock, player=player).script(), clock, FakeSpaces(0.0))
    t, _, kind, details = recorder.states[-1]
    assert kind == "gave_up"
    assert details == {"waited_s": t - player.streams[0].waiting_since}


def test_a_direct_playlist_skips_the_waiting_room_and_is_tried_until_patience(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    player = ScriptedPlayer(["stream_gone", "stream_failed", "left"], play_s=1.0)
    life = _life(plan, recorder, clock, player=player, direct_playlist="https://x/live.m3u8")
    calls = drive(life.script(), clock, FakeSpaces(0.0))
    assert calls == []  # no Spaces API: every request is the player's
    assert recorder.kinds() == ["arrived", "waiting", "joining", "left"]
    assert [s.location for s in player.streams] == ["https://x/live.m3u8"] * 3
    assert all(s.watching is None and s.joined_at == -300.0 for s in player.streams)


def test_a_refused_request_is_a_failure_that_is_never_sent(plan: Plan) -> None:
    clock, recorder = FakeClock(t=-600.0, speedup=10.0), ListRecorder()
    life = _life(plan, recorder, clock, route=RefuseCdn())
    life.client = life.client.model_copy(update={"patience": 200.0})
    calls = drive(life.script(), clock, FakeSpaces(-400.0))
    assert calls
    assert all(c.tier == "api" for c in calls)
    assert {f[1:] for f in recorder.failures} == {("cdn", "no CDN here", 2.0)}
    assert recorder.kinds()[-1] == "gave_up"  # no audio ever came
