"""Robustness labels of the facts a run reproduced: which points to play (each fitted parameter
at its low and its high end, one at a time, the others at their values) and, from how those
points judged, whether a fact is `robust`, `sensitive` to a parameter or `set_by` a fitted
event time. Pure: the points are played elsewhere (`explore.points`, from `run/robustness.py`).

- set by: the fact is a timing and its observed value moves one-to-one with a fitted event time
  (least-squares slope over the unperturbed point and that time's ends within
  `ONE_TO_ONE_SLOPE`): the fact follows the hypothesis rather than emerging from the model.
- sensitive to: not reproduced at some end of the parameter's range.
- robust: reproduced at every perturbation played.

Facts the run did not reproduce, and claims, get no label.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, BeforeValidator

from simspace import units
from simspace.explore.points import Point, PointOutcome
from simspace.judge.verdicts import FactVerdict, Verdict
from simspace.judge.wording import VERDICT_LABEL
from simspace.results.robustness import FactRobustness, ParameterUnit, VariedParameter
from simspace.scenario.base import Loc
from simspace.scenario.hypotheses import FittedParameter
from simspace.scenario.loader import format_loc
from simspace.scenario.model import Scenario
from simspace.scenario.parameters import fitted_parameters

ONE_TO_ONE_SLOPE = (0.8, 1.2)
"""Observed seconds per parameter second that count as moving one-to-one."""
TIMING_UNITS = ("duration", "event_time")
_UNIT_OF_PARSER: dict[Any, ParameterUnit] = {
    units.parse_duration_s: "duration",
    units.parse_count: "count",
    units.parse_ratio: "ratio",
}


def varied_parameters(scenario: Scenario) -> list[tuple[Loc, VariedParameter]]:
    """Every fitted parameter of the scenario, where it is and how it is shown, in file order."""
    return [(p.loc, _varied(scenario, p)) for p in fitted_parameters(scenario)]


def _varied(scenario: Scenario, parameter: FittedParameter) -> VariedParameter:
    return VariedParameter(
        path=format_loc(parameter.loc),
        owner=parameter.owner,
        unit=_unit(scenario, parameter),
        value=parameter.value,
        low=parameter.low,
        high=parameter.high,
    )


def _unit(scenario: Scenario, parameter: FittedParameter) -> ParameterUnit:
    """How the field reads values (a duration, a count, a ratio), from its declared type."""
    if parameter.kind == "event_time":
        return "event_time"
    node: Any = scenario
    for step in parameter.loc[:-1]:
        node = (
            getattr(node, step)
            if isinstance(step, str) and isinstance(node, BaseModel)
            else node[step]
        )
    name = parameter.loc[-1]
    field = (
        type(node).model_fields.get(name)
        if isinstance(node, BaseModel) and isinstance(name, str)
        else None
    )
    for meta in field.metadata if field else ():
        if isinstance(meta, BeforeValidator) and meta.func in _UNIT_OF_PARSER:
            return _UNIT_OF_PARSER[meta.func]
    return "number"


def perturbations(
    parameters: Sequence[tuple[Loc, VariedParameter]], variant: str | None
) -> list[Point]:
    """The unperturbed point first, then each parameter at its low and its high end (an end equal
    to the value itself is the unperturbed point, not played twice)."""
    points = [Point(variant)]
    for loc, parameter in parameters:
        for end in (parameter.low, parameter.high):
            if end != parameter.value:
                points.append(Point(variant, ((loc, end),)))
    return points


def label_facts(
    run_verdicts: Sequence[FactVerdict],
    parameters: Sequence[VariedParameter],
    base: PointOutcome | None,
    perturbed: Sequence[PointOutcome],
) -> dict[str, FactRobustness]:
    """A label for each scored fact the run reproduced; none when no perturbation was played.
    `base`: the unperturbed point at the perturbations' scale (for slopes)."""
    played = [o for o in perturbed if o.problem is None]
    if not played:
        return {}
    return {
        v.fact_id: label_fact(v, parameters, base, played)
        for v in run_verdicts
        if v.scored and v.verdict == "reproduced"
    }


def label_fact(
    verdict: FactVerdict,
    parameters: Sequence[VariedParameter],
    base: PointOutcome | None,
    played: Sequence[PointOutcome],
) -> FactRobustness:
    """One reproduced fact's label from the perturbations played."""
    fact_id = verdict.fact_id
    setters = [
        p
        for p in parameters
        if p.unit == "event_time"
        and verdict.unit in TIMING_UNITS
        and _one_to_one(slope(p, fact_id, base, played))
    ]
    misses = {p.path: _misses(p, fact_id, played) for p in parameters}
    sensitive = [p for p in parameters if misses[p.path] and p not in setters]
    if setters:
        text = "set by " + " and ".join(_setter_text(p) for p in setters)
        if sensitive:
            text += "; " + _sensitive_text(sensitive, misses)
        return FactRobustness(
            label="set_by", parameters=[p.path for p in setters + sensitive], text=text
        )
    if sensitive:
        return FactRobustness(
            label="sensitive",
            parameters=[p.path for p in sensitive],
            text=_sensitive_text(sensitive, misses),
        )
    count = len(played)
    return FactRobustness(
        label="robust", text=f"robust (reproduced at all {count} perturbation{_s(count)})"
    )


def slope(
    parameter: VariedParameter,
    fact_id: str,
    base: PointOutcome | None,
    played: Sequence[PointOutcome],
) -> float | None:
    """Least-squares slope of the fact's observed value against the parameter, over the
    unperturbed point and the parameter's perturbations; None with fewer than two values."""
    pairs = [
        (o.settings[parameter.path], o.observed.get(fact_id))
        for o in played
        if parameter.path in o.settings
    ]
    if base is not None and base.problem is None:
        pairs.append((parameter.value, base.observed.get(fact_id)))
    points = [
        (x, float(y)) for x, y in pairs if isinstance(y, int | float) and not isinstance(y, bool)
    ]
    if len({x for x, _ in points}) < 2:
        return None
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread


def _one_to_one(value: float | None) -> bool:
    low, high = ONE_TO_ONE_SLOPE
    return value is not None and low <= value <= high


def _misses(
    parameter: VariedParameter, fact_id: str, played: Sequence[PointOutcome]
) -> list[tuple[float, Verdict]]:
    """The parameter's values at which the fact was not reproduced, with its verdict there."""
    misses: list[tuple[float, Verdict]] = []
    for outcome in played:
        value = outcome.settings.get(parameter.path)
        verdict = outcome.verdicts.get(fact_id, "not_observable")
        if value is not None and verdict != "reproduced":
            misses.append((value, verdict))
    return sorted(misses)


def _setter_text(parameter: VariedParameter) -> str:
    """`operator_actions[2] (set_capacity at +40m)`; a field other than `at` is named."""
    field = parameter.path.rsplit(".", 1)[-1]
    return parameter.owner if field == "at" else f"{parameter.owner} {field}"


def _sensitive_text(
    parameters: Sequence[VariedParameter], misses: dict[str, list[tuple[float, Verdict]]]
) -> str:
    """`sensitive to platform.tiers.api.capacity_rps (not reproduced at 150k)`."""
    parts = []
    for p in parameters:
        by_verdict: dict[Verdict, list[str]] = {}
        for value, verdict in misses[p.path]:
            by_verdict.setdefault(verdict, []).append(p.shown(value))
        where = ", ".join(
            f"{VERDICT_LABEL[verdict]} at {' or '.join(values)}"
            for verdict, values in by_verdict.items()
        )
        parts.append(f"{p.path} ({where})")
    return "sensitive to " + ", ".join(parts)


def _s(count: int) -> str:
    return "" if count == 1 else "s"
