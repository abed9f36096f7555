"""When Space 1 is created: at the event window's start at the earliest, even when the stub's
process starts before the run's clock reaches the window."""

from __future__ import annotations

from simspace.clock import FakeClock
from simspace.platform import PlatformModel
from tests.platform.scenarios import make_scenario

WINDOW_START_S = -600.0  # tests.platform.scenarios.BASE


def _created_and_capped(model: PlatformModel) -> list[tuple[str, float]]:
    events = model.ledger.dump(now=model.t).events
    return [(e.kind, e.t) for e in events if e.kind in ("space_created", "listener_cap")]


def test_a_stub_started_before_the_window_dates_space_one_from_the_window_start() -> None:
    # The stub starts its startup margin (4 wall s) before the run's clock reaches the window:
    # at speedup 50 its clock reads 200 event seconds early.
    clock = FakeClock(t=WINDOW_START_S - 200.0, speedup=50.0)
    model = PlatformModel(make_scenario({"platform": {"listener_cap": 500}}), clock)
    assert model.current.created_t == WINDOW_START_S
    assert model.changed_at == WINDOW_START_S
    assert _created_and_capped(model) == [
        ("space_created", WINDOW_START_S),
        ("listener_cap", WINDOW_START_S),
    ]


def test_a_platform_started_inside_the_window_creates_space_one_at_its_clock() -> None:
    model = PlatformModel(make_scenario(), FakeClock(t=WINDOW_START_S + 30.0))
    assert model.current.created_t == WINDOW_START_S + 30.0
    assert _created_and_capped(model) == [("space_created", WINDOW_START_S + 30.0)]
