"""A sweep's result as `sweep.json` holds it: what was asked, the scale and seed, and per variant
its axes, every point's outcome, the region (the share of points reproducing every scored fact)
and each fact's share. Pure: built from outcomes, no I/O."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace.explore.points import PointOutcome
from simspace.explore.sweep import BASE, Axis, Sampling
from simspace.explore.sweep_spec import VariantAxes
from simspace.judge.verdicts import EventCalendar
from simspace.scenario.model import Scenario


class SweepSpec(BaseModel):
    """What the command line asked for."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario_file: str
    vary: list[str] = Field(description="the --vary texts; empty: the fitted parameters")
    variants: list[str] = Field(description="the variants swept (`base`: no variant)")
    samples: int | None = Field(None, description="--samples: a Latin-hypercube sample")
    engine: Literal["virtual", "locust"]
    budget_s: float | None = Field(None, description="virtual engine: wall seconds per point")
    seed: int = Field(description="the plan's seed, and the sample's")
    workers: int


class FactShare(BaseModel):
    """How often one scored fact was reproduced across a variant's points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    fact_id: str
    statement: str
    reproduced: int = Field(description="points that reproduced it")
    share: float = Field(description="reproduced / points (0 without points)")


class VariantSweep(BaseModel):
    """One variant across its points."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    variant: str | None
    name: str = Field(description="the variant, or `base`")
    description: str = Field(description="what the hypothesis assumes")
    sampling: Sampling
    samples: int | None = None
    axes: list[Axis]
    population_scale: float = Field(description="simulated listeners per event listener")
    scale_reason: str = Field("", description="why this scale")
    outcomes: list[PointOutcome] = Field(description="every point, in the order played")
    region: int = Field(description="points reproducing every scored fact")
    region_share: float = Field(description="region / points: where the hypothesis holds")
    unplayed: int = Field(0, description="points whose settings broke the scenario")
    facts: list[FactShare] = Field(description="per scored fact, in file order")
    runs: list[str] = Field(default_factory=list, description="run directories (locust)")


class SweepResult(BaseModel):
    """sweep.json."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = 1
    scenario: str
    title: str
    started_at: str = Field(description="UTC, ISO 8601")
    wall_s: float = Field(description="wall seconds the points took")
    spec: SweepSpec
    calendar: EventCalendar = Field(description="for clock times on the axes")
    variants: list[VariantSweep]


def reproduces_all(outcome: PointOutcome) -> bool:
    """Whether a point reproduced every scored fact (a point that could not play did not)."""
    return outcome.problem is None and outcome.scored > 0 and outcome.reproduced == outcome.scored


def variant_sweep(
    scenario: Scenario,
    axes: VariantAxes,
    outcomes: Sequence[PointOutcome],
    scale: tuple[float, str],
    runs: Sequence[str] = (),
) -> VariantSweep:
    """A variant's points summed up: the region and each scored fact's share."""
    total = len(outcomes)

    def share(count: int) -> float:
        return count / total if total else 0.0

    facts = []
    for fact in scenario.facts:
        if fact.scored and fact.about == "this_event":
            count = sum(o.verdicts.get(fact.id) == "reproduced" for o in outcomes)
            facts.append(FactShare(fact_id=fact.id, statement=fact.statement,
                                   reproduced=count, share=share(count)))  # fmt: skip
    region = sum(reproduces_all(o) for o in outcomes)
    variant = axes.variant
    description = (
        scenario.variants[variant].description
        if variant is not None
        else "the base scenario (no variant)"
    )
    return VariantSweep(
        variant=variant,
        name=variant or BASE,
        description=description,
        sampling=axes.sampling,
        samples=axes.samples,
        axes=list(axes.axes),
        population_scale=scale[0],
        scale_reason=scale[1],
        outcomes=list(outcomes),
        region=region,
        region_share=share(region),
        unplayed=sum(o.problem is not None for o in outcomes),
        facts=facts,
        runs=list(runs),
    )
