"""Floods against a real target: scaled like the audience, split over paced users."""

from __future__ import annotations

import itertools

import pytest

from simspace.clock import FakeClock
from simspace.load.actions import Call, Reply, Wait
from simspace.load.attacker import MAX_USERS_PER_FLOOD, flood_shares, flood_users
from simspace.scenario.platform import Flood
from simspace.wire.observations import ATTACK_TIER

URL = "http://127.0.0.1:8080/live.m3u8"


def flood(rate_rps: float, start: float = 10.0, end: float = 20.0) -> Flood:
    return Flood(id="f", tier="cdn", rate_rps=rate_rps, start=start, end=end)


@pytest.mark.parametrize(
    ("rate_rps", "scale", "users", "per_user_rps"),
    [
        (60.0, 1.0, 3, 20.0),
        (1_000_000.0, 1 / 1000, 50, 20.0),
        (10.0, 1.0, 1, 10.0),
        (1e9, 1 / 10, MAX_USERS_PER_FLOOD, 1e8 / MAX_USERS_PER_FLOOD),  # capped user count
    ],
)
def test_a_flood_is_scaled_like_the_audience_and_split(
    rate_rps: float, scale: float, users: int, per_user_rps: float
) -> None:
    got_users, got_rps = flood_users(flood(rate_rps), scale)
    assert got_users == users
    assert got_rps == pytest.approx(per_user_rps)


def test_each_share_keeps_its_own_schedule_and_the_flood_keeps_its_rate() -> None:
    shares = flood_shares([flood(40.0)], 1.0, [URL])
    assert len(shares) == 2
    sent: list[float] = []
    for share in shares:
        clock = FakeClock(0.0)
        script = share.script(clock)
        action = next(script)
        try:
            while True:
                if isinstance(action, Wait):
                    clock.t = max(clock.t, action.until_t)
                    action = script.send(None)
                else:
                    assert isinstance(action, Call)
                    assert (action.path, action.tier, action.weight) == (URL, ATTACK_TIER, 1.0)
                    sent.append(clock.t)
                    action = script.send(Reply(200))
        except StopIteration:
            pass
    sent.sort()
    assert len(sent) == 400  # 40 req/s for 10 s
    assert sent[0] == 10.0
    assert sent[-1] < 20.0
    gaps = {round(b - a, 6) for a, b in itertools.pairwise(sent)}
    assert gaps == {0.025}  # two users interleaved: never in lock-step


def test_a_slow_answer_delays_the_next_request_without_a_burst() -> None:
    [share] = flood_shares([flood(10.0)], 1.0, [URL])
    clock = FakeClock(0.0)
    script = share.script(clock)
    times: list[float] = []
    action = next(script)
    try:
        while True:
            if isinstance(action, Wait):
                clock.t = max(clock.t, action.until_t)
                action = script.send(None)
            else:
                times.append(clock.t)
                clock.t += 0.35 if len(times) == 1 else 0.0  # the first answer takes 350 ms
                action = script.send(Reply(200))
    except StopIteration:
        pass
    assert times[:3] == pytest.approx([10.0, 10.35, 10.45])
