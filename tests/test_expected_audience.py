"""The audience a plan expects: the scenario's serving rules, and what sets the peak, in words."""

from __future__ import annotations

import math

import pytest

from simspace.audience_math import CumulativeArrivals
from simspace.expected_audience import ExpectedAudience, expected_audience, serving_rules
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_offset_s
from tests.platform.scenarios import make_scenario


def _audience(scenario: Scenario) -> ExpectedAudience:
    arrived = CumulativeArrivals(scenario.audience.arrivals, scenario.audience.listening_time)
    return expected_audience(scenario, arrived, scenario.window.start, scenario.window.end, 30.0)


def test_the_host_starts_the_space_and_actions_end_relaunch_and_cap_it() -> None:
    scenario = make_scenario(
        {
            "platform": {"listener_cap": 500},
            "operator_actions": [
                {"action": "cap_listeners", "at": 600, "listeners": 800},
                {"action": "restart_space", "at": 1200, "host": "relauncher"},
                {"action": "end_space", "at": 3000},
            ],
        }
    )
    rules = serving_rules(scenario, scenario.window.start)
    # host joins at -60; the relaunch is live at once (its host joined at 0)
    assert rules.live == ((-60.0, 1200.0), (1200.0, 3000.0))
    assert rules.ends == (1200.0, 3000.0)
    assert rules.main_caps == ((-math.inf, 500.0), (600.0, 800.0))
    assert rules.overflow == ()  # clients do not look for overflow rooms unless told
    assert rules.patience_s == scenario.audience.client.patience
    assert rules.rejoin_share == scenario.audience.client.rejoin.probability


def test_a_relaunch_goes_live_when_its_host_joins_and_a_host_before_the_window_at_once() -> None:
    scenario = make_scenario(
        {
            "speakers": [
                {"id": "host", "name": "H", "role": "host", "account": "h", "joins_at": -3600},
                {"id": "late", "name": "L", "role": "cohost", "account": "l", "joins_at": 900},
            ],
            "operator_actions": [{"action": "restart_space", "at": 300, "host": "late"}],
        }
    )
    rules = serving_rules(scenario, scenario.window.start)
    assert rules.live == ((scenario.window.start, 300.0), (900.0, math.inf))


def test_overflow_rooms_are_read_with_their_caps_and_opening_when_clients_look_for_them() -> None:
    rooms = {
        "rooms": [
            {"id": "a", "cap_listeners": 100},
            {"id": "b", "opens": "by_action"},
            {"id": "c", "opens": "by_action"},
        ]
    }
    actions = [
        {"action": "open_room", "at": 120, "room": "b"},
        {"action": "cap_listeners", "at": 240, "listeners": 300, "room": "a"},
    ]
    overrides = {"platform": rooms, "operator_actions": actions}
    rules = serving_rules(make_scenario(overrides), -600)
    assert rules.overflow == ()
    overrides["audience"] = {"client": {"on_refused": "overflow"}}
    a, b, c = serving_rules(make_scenario(overrides), -600).overflow
    assert (a.id, a.caps, a.opens_at) == ("a", ((-math.inf, 100.0), (240.0, 300.0)), None)
    assert (b.caps, b.opens_at) == (((-math.inf, None),), 120.0)
    assert c.opens_at == math.inf  # never opened


def test_clients_that_give_up_when_refused_are_read_as_such() -> None:
    scenario = make_scenario({"audience": {"client": {"on_refused": "give_up"}}})
    assert serving_rules(scenario, -600).give_up_when_refused


def test_a_cap_is_the_basis_of_a_capped_peak() -> None:
    # 1000 arrivals over the window, 600 s each: ~140 at once uncapped; capped at 100
    audience = _audience(make_scenario({"platform": {"listener_cap": 100}}))
    assert audience.peak.served == pytest.approx(100, rel=0.02)
    assert audience.uncapped_peak[1] == pytest.approx(1000 / 4200 * 600, rel=0.02)
    assert audience.basis() == (
        "capped at 100 by the main room's cap; uncapped and live from the start, the audience "
        f"would peak at 143 at {format_offset_s(audience.uncapped_peak[0])}"
    )


def test_those_who_waited_for_the_host_are_the_basis_of_a_late_peak() -> None:
    overrides = {
        "speakers": [{"id": "host", "name": "H", "role": "host", "account": "h", "joins_at": 1200}],
        "audience": {"client": {"patience": 1200}},
    }
    audience = _audience(make_scenario(overrides))
    # arrivals from -10m, 1000 over 70m: those of the last 20 minutes (patience) are waiting
    waiting = next(p.waiting for p in audience.points if p.t == 1200)
    assert waiting == pytest.approx(1000 / 70 * 20, rel=0.05)
    assert audience.basis() == (
        f"the Space goes live at +20m, when its host starts it: ~{format_approx_count(waiting)} "
        "waiting start listening together (~"
        f"{format_approx_count(1000 / 70 * 30 - waiting)} gave up before, after 20m); "
        "uncapped and live from the start, the audience would peak at "
        f"{format_approx_count(audience.uncapped_peak[1])} at "
        f"{format_offset_s(audience.uncapped_peak[0])}"
    )
    assert audience.peak.served > audience.uncapped_peak[1]


def test_an_audience_that_nothing_holds_back_says_so() -> None:
    overrides = {
        "speakers": [{"id": "host", "name": "H", "role": "host", "account": "h", "joins_at": -600}]
    }
    audience = _audience(make_scenario(overrides))
    assert audience.peak.served == pytest.approx(audience.uncapped_peak[1])
    assert audience.basis() == (
        "the audience as it arrives: no cap reached, the Space live from the start"
    )


def test_overflow_rooms_add_to_a_capped_peak_in_its_basis() -> None:
    overrides = {
        "platform": {"listener_cap": 100, "rooms": [{"id": "a", "cap_listeners": 20}]},
        "audience": {"client": {"on_refused": "overflow"}},
    }
    audience = _audience(make_scenario(overrides))
    assert audience.peak.rooms["main"] == pytest.approx(100, rel=0.02)
    assert audience.peak.rooms["a"] == pytest.approx(20, rel=0.02)
    assert audience.basis().startswith(
        "capped at 100 by the main room's cap + 20 in overflow room a (full); uncapped"
    )
