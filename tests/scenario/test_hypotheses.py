"""`fitted: true` and `range` on tiers, operator actions and attacks: bounds read like the field,
every problem of a range at once, and the fitted parameters of the reference scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from simspace.errors import ScenarioError
from simspace.scenario.loader import load_scenario
from simspace.scenario.parameters import fitted_parameters

ROOT = Path(__file__).resolve().parent.parent.parent
SMALL = ROOT / "tests" / "data" / "small_space.yaml"


def _with_action(tmp_path: Path, action: dict[str, object]) -> Path:
    data = yaml.safe_load(SMALL.read_text())
    data["operator_actions"] = [action]
    path = tmp_path / "scenario.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_bounds_are_read_like_the_field(tmp_path: Path) -> None:
    bounds = {"at": ["20:02", "+8m"], "capacity_rps": ["20k", 1e5]}
    action = {"action": "set_capacity", "at": "20:05", "tier": "api", "capacity_rps": "50k",
              "fitted": True, "range": bounds}  # fmt: skip
    scenario = load_scenario(_with_action(tmp_path, action)).scenario
    (at, capacity) = fitted_parameters(scenario)
    assert (at.loc, at.low, at.high, at.value, at.kind) == (
        ("operator_actions", 0, "at"),
        120.0,
        480.0,
        300.0,
        "event_time",
    )
    assert (capacity.low, capacity.high, capacity.kind) == (20_000.0, 100_000.0, "number")
    assert at.owner == "operator_actions[0] (set_capacity at +5m)"


@pytest.mark.parametrize(
    ("fields", "messages"),
    [
        ({"fitted": True}, ["fitted: true needs a range"]),
        ({"range": {"at": ["20:02", "20:08"]}}, ["range is for a fitted part"]),
        ({"fitted": True, "range": {"at": ["20:08", "20:02"], "capacity_rps": ["60k", "90k"]}},
         ["range.at: low must be below high", "range.capacity_rps: the value itself (50000)"]),
        ({"fitted": True, "range": {"tier": [1, 2], "capacity_rps": ["10k"], "at": ["x", "y"]}},
         ["'tier' is not a number field here (one of: at, capacity_rps)",
          "capacity_rps: a range is [low, high]", "at: "]),
    ],
)  # fmt: skip
def test_every_problem_of_a_range_is_reported(
    tmp_path: Path, fields: dict[str, object], messages: list[str]
) -> None:
    action = {"action": "set_capacity", "at": "20:05", "tier": "api", "capacity_rps": "50k"}
    with pytest.raises(ScenarioError) as caught:
        load_scenario(_with_action(tmp_path, action | fields))
    text = str(caught.value)
    assert "operator_actions[0]" in text
    for message in messages:
        assert message in text


def test_the_reference_scenarios_say_what_they_fitted() -> None:
    trump = load_scenario(ROOT / "scenarios" / "trump_space.yaml").scenario
    paths = {".".join(map(str, p.loc)) for p in fitted_parameters(trump)}
    assert "operator_actions.2.at" in paths  # the 20:40 capacity change is a hypothesis
    ddos = load_scenario(ROOT / "scenarios" / "trump_space.yaml", "ddos").scenario
    assert {p.loc for p in fitted_parameters(ddos)} >= {("attacks", 0, "rate_rps"),
                                                         ("attacks", 0, "end")}  # fmt: skip
    meltdown = load_scenario(ROOT / "scenarios" / "desantis_launch.yaml", "cdn_meltdown").scenario
    tiers = [p.loc for p in fitted_parameters(meltdown) if p.loc[0] == "platform"]
    assert tiers == [("platform", "tiers", "cdn", "capacity_rps")]  # the variant unfitted the api
