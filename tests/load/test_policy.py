"""The client's pure decisions: whether a room listed by the platform has room for a listener."""

from __future__ import annotations

import pytest

from simspace.load.policy import has_room, over_cap


@pytest.mark.parametrize(
    ("room", "joining", "expected"),
    [
        ({"state": "Running", "listeners": 9_000, "listener_cap": 10_000}, 600.0, True),
        # 7 seats left cannot take a simulated listener who stands for 621
        ({"state": "Running", "listeners": 9_993, "listener_cap": 10_000}, 621.0, False),
        ({"state": "Running", "listeners": 9_379, "listener_cap": 10_000}, 621.0, True),
        ({"state": "Running", "listeners": 50_000, "listener_cap": None}, 621.0, True),
        ({"state": "NotStarted", "listeners": 0, "listener_cap": 10_000}, 1.0, False),
        ({"state": "Ended", "listeners": 0, "listener_cap": None}, 1.0, False),
    ],
)
def test_a_room_has_room_for_the_listeners_joining(
    room: dict[str, object], joining: float, expected: bool
) -> None:
    assert has_room(room, joining) is expected


def test_an_unknown_cap_or_count_is_not_over_the_cap() -> None:
    assert over_cap("10k", 20_000, 1.0) is False
    assert over_cap(10_000, None, 1.0) is False
    assert over_cap(10_000, 10_000, 1.0) is True
