"""Robustness labels from hand-made outcomes: a timing that follows a fitted time one-to-one is
set by it, a fact lost at an end of a range is sensitive to that parameter, one held everywhere
is robust; facts the run did not reproduce get no label. And the points that are played."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from simspace.explore.points import Point, PointOutcome
from simspace.explore.robustness import label_facts, perturbations, slope, varied_parameters
from simspace.judge.verdicts import FactVerdict, Unit, Verdict
from simspace.results.robustness import VariedParameter
from simspace.scenario.loader import load_scenario
from simspace.scenario.parameters import parse_path

ROBUST_SPACE = str(Path(__file__).resolve().parent.parent / "data" / "robust_space.yaml")
AT = VariedParameter(
    path="operator_actions[2].at",
    owner="operator_actions[2] (set_capacity at +40m)",
    unit="event_time",
    value=2400.0,
    low=2100.0,
    high=2700.0,
)
CAPACITY = VariedParameter(
    path="platform.tiers.api.capacity_rps",
    owner="platform.tiers.api",
    unit="count",
    value=200e3,
    low=150e3,
    high=300e3,
)


def verdict(
    fact_id: str, unit: Unit = "duration", verdict: Verdict = "reproduced", scored: bool = True
) -> FactVerdict:
    return FactVerdict(
        fact_id=fact_id,
        metric="start_delay" if unit == "duration" else "peak_listeners",
        statement="",
        sources=[],
        scored=scored,
        unit=unit,
        verdict=verdict if scored else "claim",
        observed=1.0,
        reported_min=None,
        reported_max=None,
    )


def outcome(
    settings: dict[str, float],
    observed: Mapping[str, float | bool | None],
    lost: tuple[str, ...] = (),
    problem: str | None = None,
) -> PointOutcome:
    """A point where every fact was reproduced but those `lost` (not reproduced)."""
    return PointOutcome(
        variant=None,
        settings=settings,
        fit_score=None if problem else 1.0,
        verdicts={f: "not_reproduced" if f in lost else "reproduced" for f in observed},
        observed=dict(observed),
        problem=problem,
    )


def around(
    delay_at: dict[float, float],
    peak: float = 1e6,
    lost_at: dict[float, tuple[str, ...]] | None = None,
) -> tuple[PointOutcome, list[PointOutcome]]:
    """The base point and the four perturbations of AT and CAPACITY; `delay_at`: the start delay
    at each value of AT (the other points keep the base's); `lost_at`: facts lost at a value of
    either parameter."""
    lost_at = lost_at or {}
    base = outcome({}, {"delay": delay_at[AT.value], "peak": peak, "seen": True})
    perturbed = []
    for p in (AT, CAPACITY):
        for end in (p.low, p.high):
            delay = delay_at[end] if p is AT else delay_at[AT.value]
            observed = {"delay": delay, "peak": peak, "seen": True}
            perturbed.append(outcome({p.path: end}, observed, lost_at.get(end, ())))
    return base, perturbed


RUN = [verdict("delay"), verdict("peak", "count"), verdict("seen", "seen")]


def test_a_timing_that_follows_a_fitted_time_one_to_one_is_set_by_it() -> None:
    base, perturbed = around({2100.0: 2108.0, 2400.0: 2455.0, 2700.0: 2756.0})
    labels = label_facts(RUN, [AT, CAPACITY], base, perturbed)
    assert labels["delay"].label == "set_by"
    assert labels["delay"].text == "set by operator_actions[2] (set_capacity at +40m)"
    assert labels["delay"].parameters == ["operator_actions[2].at"]
    # the count and the error seen do not move with it: robust over the 4 points
    assert labels["peak"].label == labels["seen"].label == "robust"
    assert labels["peak"].text == "robust (reproduced at all 4 perturbations)"


def test_a_timing_that_moves_less_or_more_than_the_time_is_not_set_by_it() -> None:
    for delay_at in (
        {2100.0: 2400.0, 2400.0: 2455.0, 2700.0: 2500.0},  # slope ~0.17
        {2100.0: 1800.0, 2400.0: 2455.0, 2700.0: 3300.0},  # slope 2.5
    ):
        labels = label_facts(RUN, [AT, CAPACITY], *around(delay_at))
        assert labels["delay"].label == "robust"


def test_a_fact_lost_at_an_end_of_a_range_is_sensitive_to_that_parameter() -> None:
    base, perturbed = around({2100.0: 2400.0, 2400.0: 2400.0, 2700.0: 2400.0},
                             lost_at={150e3: ("peak",)})  # fmt: skip
    labels = label_facts(RUN, [AT, CAPACITY], base, perturbed)
    assert labels["peak"].label == "sensitive"
    assert labels["peak"].parameters == ["platform.tiers.api.capacity_rps"]
    assert labels["peak"].text == (
        "sensitive to platform.tiers.api.capacity_rps (not reproduced at 150k)"
    )
    assert labels["delay"].label == "robust"


def test_lost_at_both_ends_of_a_time_says_both_times() -> None:
    base, perturbed = around({2100.0: 2400.0, 2400.0: 2400.0, 2700.0: 2400.0},
                             lost_at={2100.0: ("seen",), 2700.0: ("seen",)})  # fmt: skip
    labels = label_facts(RUN, [AT, CAPACITY], base, perturbed)
    assert labels["seen"].text == (
        "sensitive to operator_actions[2].at (not reproduced at +35m or +45m)"
    )


def test_set_by_a_time_and_sensitive_to_another_parameter_says_both() -> None:
    base, perturbed = around({2100.0: 2100.0, 2400.0: 2400.0, 2700.0: 2700.0},
                             lost_at={150e3: ("delay",)})  # fmt: skip
    label = label_facts(RUN, [AT, CAPACITY], base, perturbed)["delay"]
    assert label.label == "set_by"
    assert label.parameters == ["operator_actions[2].at", "platform.tiers.api.capacity_rps"]
    assert label.text == (
        "set by operator_actions[2] (set_capacity at +40m); sensitive to "
        "platform.tiers.api.capacity_rps (not reproduced at 150k)"
    )


def test_only_reproduced_scored_facts_are_labelled() -> None:
    run = [
        verdict("delay", verdict="not_reproduced"),
        verdict("peak", "count", verdict="not_observable"),
        verdict("seen", "seen", scored=False),
    ]
    base, perturbed = around({2100.0: 2108.0, 2400.0: 2455.0, 2700.0: 2756.0})
    assert label_facts(run, [AT, CAPACITY], base, perturbed) == {}


def test_points_that_could_not_be_played_are_left_out() -> None:
    base, perturbed = around({2100.0: 2400.0, 2400.0: 2400.0, 2700.0: 2400.0},
                             lost_at={150e3: ("peak",)})  # fmt: skip
    broken = [o.model_copy(update={"problem": "window"}) if o.settings == {CAPACITY.path: 150e3}
              else o for o in perturbed]  # fmt: skip
    labels = label_facts(RUN, [AT, CAPACITY], base, broken)
    assert labels["peak"].text == "robust (reproduced at all 3 perturbations)"
    nothing = [o.model_copy(update={"problem": "window"}) for o in perturbed]
    assert label_facts(RUN, [AT, CAPACITY], base, nothing) == {}


def test_the_slope_is_fitted_over_the_base_and_the_ends() -> None:
    base, perturbed = around({2100.0: 2100.0, 2400.0: 2500.0, 2700.0: 2700.0})
    assert slope(AT, "delay", base, perturbed) == 1.0
    assert slope(CAPACITY, "delay", base, perturbed) == 0.0
    assert slope(AT, "seen", base, perturbed) is None  # not a number


def test_the_points_are_the_base_then_each_end_one_at_a_time() -> None:
    at, cap = parse_path(AT.path), parse_path(CAPACITY.path)
    at_the_low_end = AT.model_copy(update={"low": AT.value})
    points = perturbations([(at, at_the_low_end), (cap, CAPACITY)], "ddos")
    assert points == [
        Point("ddos"),
        Point("ddos", ((at, 2700.0),)),  # the low end is the value itself: played once
        Point("ddos", ((cap, 150e3),)),
        Point("ddos", ((cap, 300e3),)),
    ]


def test_the_fitted_parameters_of_a_scenario_with_their_units() -> None:
    found = varied_parameters(load_scenario(ROBUST_SPACE).scenario)
    assert [(loc, p.path, p.unit, p.low, p.value, p.high) for loc, p in found] == [
        (("platform", "tiers", "cdn", "capacity_rps"), "platform.tiers.cdn.capacity_rps",
         "count", 1e3, 200e3, 400e3),
        (("operator_actions", 0, "at"), "operator_actions[0].at", "event_time", 300.0, 360.0,
         420.0),
    ]  # fmt: skip
    assert found[1][1].owner == "operator_actions[0] (set_capacity at +6m)"
    assert varied_parameters(load_scenario(ROBUST_SPACE.replace("robust", "small")).scenario) == []
