"""`result.json` → `robustness`: how each fact a run reproduced holds when the scenario's fitted
parameters move within their plausible ranges (docs/reporting.md). Written by the run
(`run/robustness.py`), read by the verdicts; here so that both can import it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace import units

RobustnessLabel = Literal["robust", "sensitive", "set_by"]
"""robust: reproduced at every perturbation; sensitive: not reproduced at some end of a
parameter's range; set_by: the observed timing moves one-to-one with a fitted event time."""
ParameterUnit = Literal["event_time", "duration", "count", "ratio", "number"]


class VariedParameter(BaseModel):
    """One fitted parameter, as it was varied."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="dotted path: operator_actions[2].at")
    owner: str = Field(description="what it belongs to: operator_actions[2] (set_capacity at +40m)")
    unit: ParameterUnit = Field(description="how its values print")
    value: float = Field(description="the scenario's value (seconds, counts, fractions)")
    low: float = Field(description="low end of its plausible range")
    high: float = Field(description="high end of its plausible range")

    def shown(self, value: float) -> str:
        """A value of this parameter for reading: `+35m`, `150k`, `40ms`, `2.5%`."""
        if self.unit == "event_time":
            return units.format_offset_s(value)
        if self.unit == "duration":
            return units.format_duration_s(value)
        if self.unit == "ratio":
            return f"{value * 100:.3g}%"
        return units.format_approx_count(value)


class FactRobustness(BaseModel):
    """One reproduced fact's label."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: RobustnessLabel
    parameters: list[str] = Field(
        default_factory=list,
        description="paths of the parameters it is set by or sensitive to (empty: robust)",
    )
    text: str = Field(description="one line: `set by operator_actions[2] (set_capacity at +40m)`")


class Robustness(BaseModel):
    """Each fitted parameter moved to its low and its high end, one at a time, the others at
    their values, each point played in virtual time; a label per reproduced fact."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    parameters: list[VariedParameter] = Field(
        default_factory=list, description="the fitted parameters varied (none: nothing fitted)"
    )
    population_scale: float | None = Field(
        None, description="the perturbed points' population scale; null when none was played"
    )
    seed: int | None = Field(None, description="the seed every point was played with")
    points: int = Field(0, description="perturbations played (the unperturbed point excluded)")
    unplayed: list[str] = Field(
        default_factory=list, description="perturbations that could not be played, and why"
    )
    facts: dict[str, FactRobustness] = Field(
        default_factory=dict,
        description="fact id -> label, for the facts the run reproduced (others: none)",
    )

    def summary(self) -> str:
        """One line on what was varied: `robustness: 10 perturbations of 5 fitted parameters,
        virtual time at scale 1/3000`."""
        if not self.parameters:
            return "robustness: nothing marked fitted"
        count = len(self.parameters)
        line = (
            f"robustness: {self.points} perturbation{'s' if self.points != 1 else ''} of "
            f"{count} fitted parameter{'s' if count != 1 else ''}"
        )
        if self.population_scale:
            line += f", virtual time at scale 1/{1 / self.population_scale:.4g}"
        if self.unplayed:
            line += f"; {len(self.unplayed)} could not be played"
        return line
