"""The robustness record of result.json: values shown in their parameter's unit, its one-line
summary, and older results (without it) still load."""

from __future__ import annotations

import pytest

from simspace.results.model import RunResult
from simspace.results.robustness import ParameterUnit, Robustness, VariedParameter
from tests.report import builders as b


def parameter(unit: ParameterUnit) -> VariedParameter:
    return VariedParameter(path="x", owner="x", unit=unit, value=1.0, low=0.0, high=2.0)


@pytest.mark.parametrize(
    ("unit", "value", "shown"),
    [
        ("event_time", 2100.0, "+35m"),
        ("event_time", -300.0, "-5m"),
        ("duration", 0.04, "0.04s"),
        ("count", 150e3, "150k"),
        ("ratio", 0.025, "2.5%"),
        ("number", 3.0, "3"),
    ],
)
def test_a_value_is_shown_in_its_parameters_unit(
    unit: ParameterUnit, value: float, shown: str
) -> None:
    assert parameter(unit).shown(value) == shown


def test_the_summary_says_what_was_varied() -> None:
    assert Robustness().summary() == "robustness: nothing marked fitted"
    varied = Robustness(
        parameters=[parameter("count"), parameter("event_time")],
        population_scale=1 / 3000,
        seed=7,
        points=3,
        unplayed=["x=0: outside the window"],
    )
    assert varied.summary() == (
        "robustness: 3 perturbations of 2 fitted parameters, virtual time at scale 1/3000; "
        "1 could not be played"
    )


def test_a_result_round_trips_with_its_robustness_and_loads_without_it() -> None:
    result = b.result()
    assert result.robustness is None
    checked = result.model_copy(update={"robustness": Robustness(parameters=[parameter("count")])})
    assert RunResult.model_validate_json(checked.model_dump_json()) == checked
    older = result.model_dump(mode="json")
    older.pop("robustness")
    assert RunResult.model_validate(older).robustness is None
