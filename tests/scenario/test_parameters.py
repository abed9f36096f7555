"""Scenario parameters by dotted path: parsing, reading, values written as the file would, and
the scenario with some of them set (validated again)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.scenario.loader import load_scenario
from simspace.scenario.model import Scenario
from simspace.scenario.parameters import (
    ParameterError,
    Setting,
    parse_path,
    parse_value,
    value_at,
    with_values,
)

TRUMP = Path(__file__).resolve().parent.parent.parent / "scenarios" / "trump_space.yaml"


@pytest.fixture(scope="module")
def trump() -> Scenario:
    return load_scenario(TRUMP).scenario


def test_paths_are_those_validate_prints() -> None:
    assert parse_path("operator_actions[2].at") == ("operator_actions", 2, "at")
    assert parse_path("platform.tiers.api.capacity_rps") == ("platform", "tiers", "api",
                                                             "capacity_rps")  # fmt: skip
    for bad in ("", ".a", "a..b", "a[x]", "a b"):
        with pytest.raises(ParameterError):
            parse_path(bad)


def test_values_are_read_and_written_in_the_fields_format(trump: Scenario) -> None:
    at = parse_path("operator_actions[2].at")
    capacity = parse_path("platform.tiers.api.capacity_rps")
    assert value_at(trump, at) == 2400.0
    assert value_at(trump, capacity) == 10_000.0
    assert parse_value(trump, at, "20:35") == 2100.0
    assert parse_value(trump, at, "+35m") == 2100.0
    assert parse_value(trump, capacity, "12.5k") == 12_500.0
    assert parse_value(trump, parse_path("platform.tiers.api.timeout"), "15s") == 15.0
    assert str(Setting(at, 2100.0)) == "operator_actions[2].at = +35m"


@pytest.mark.parametrize(
    ("path", "reach", "message"),
    [
        ("platform.tiers.apx.capacity_rps", ("platform", "tiers"), "no 'apx' here (has: api, cdn)"),
        ("operator_actions[9].at", ("operator_actions",), "no 9 here (a list of 4)"),
        ("event.title", ("event", "title"), "not a number"),
    ],
)
def test_a_path_that_names_no_number_says_how_far_it_got(
    trump: Scenario, path: str, reach: tuple[object, ...], message: str
) -> None:
    with pytest.raises(ParameterError) as caught:
        parse_value(trump, parse_path(path), "1")
    assert caught.value.loc == reach
    assert message in str(caught.value)


def test_with_values_validates_again_and_may_leave_a_fitted_range(trump: Scenario) -> None:
    at = parse_path("operator_actions[2].at")
    moved = with_values(trump, {at: 3000.0})  # beyond the stated 20:35..20:45
    assert moved.operator_actions[2].at == 3000.0
    assert trump.operator_actions[2].at == 2400.0
    with pytest.raises(ParameterError, match="operator_actions"):
        with_values(trump, {at: 1e7})  # outside the event window
