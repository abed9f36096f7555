"""A sweep's spec per variant: each `--vary` applied to each variant swept (or, without any,
its fitted parameters), a path that names different things in two variants refused, and every
problem of every variant positioned where the variant writes the path, all at once. Pure: the
scenarios and the file's positions in, each variant's axes and points out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from simspace.errors import Problem, ScenarioError, UsageError
from simspace.explore.points import Point
from simspace.explore.sweep import (
    BASE,
    DEFAULT_POINTS,
    MAX_GRID_POINTS,
    MAX_IMPLICIT_GRID,
    Axis,
    Sampling,
    Vary,
    VaryError,
    axis_for,
    fitted_axes,
    grid,
    latin_hypercube,
    parse_vary,
)
from simspace.scenario.base import Loc
from simspace.scenario.loader import format_loc
from simspace.scenario.model import Scenario
from simspace.scenario.parameters import ParameterError, parse_path, value_at
from simspace.scenario.yaml_positions import Mark, Positions


@dataclass(frozen=True)
class VariantAxes:
    """One variant's axes and how they are sampled."""

    variant: str | None
    axes: tuple[Axis, ...]
    sampling: Sampling
    samples: int | None = None

    def points(self, seed: int) -> list[Point]:
        values = (
            latin_hypercube(self.axes, self.samples, seed)
            if self.sampling == "lhs" and self.samples
            else grid(self.axes)
        )
        locs = [axis.loc for axis in self.axes]
        return [Point(self.variant, tuple(zip(locs, v, strict=True))) for v in values]


@dataclass(frozen=True)
class SweepInput:
    """A variant's scenario to sweep (`variant` None: the base scenario)."""

    variant: str | None
    scenario: Scenario


def variant_mark(positions: Positions, variant: str | None, loc: Loc) -> Mark:
    """Where `loc` is written for this variant: in its overrides when they write (part of) it,
    else in the base scenario."""
    if variant is not None:
        prefix: Loc = ("variants", variant, "overrides")
        for end in range(len(loc), 0, -1):
            if (*prefix, *loc[:end]) in positions.values:
                return positions.values[(*prefix, *loc[:end])]
    return positions.value_of(loc)


@dataclass
class _Problems:
    """Problems found per variant, merged so that one shared by every variant reads once."""

    file: str
    positions: Positions
    found: dict[tuple[int, int, str, str], list[str | None]]

    def add(self, variant: str | None, loc: Loc, path: str, message: str) -> None:
        mark = variant_mark(self.positions, variant, loc)
        self.found.setdefault((mark.line, mark.column, path, message), []).append(variant)

    def raise_any(self, variants: int) -> None:
        problems = []
        for (line, column, path, message), where in self.found.items():
            suffix = ""
            if len(set(where)) < variants:
                named = dict.fromkeys(v or BASE for v in where)
                suffix = f" (variant {', '.join(named)})"
            problems.append(Problem(self.file, line, column, path, message + suffix))
        if problems:
            raise ScenarioError(problems)


def sweep_axes(
    file: str,
    positions: Positions,
    inputs: Sequence[SweepInput],
    varies: Sequence[str],
    samples: int | None = None,
) -> list[VariantAxes]:
    """Each variant's axes for these `--vary` texts (none: its fitted parameters); every
    problem of every variant at once, as a ScenarioError."""
    problems = _Problems(file, positions, {})
    swept = [i.variant or BASE for i in inputs]
    requests: list[Vary] = []
    for text in varies:
        try:
            vary = parse_vary(text)
        except VaryError as exc:
            problems.add(None, (), "--vary", str(exc))
            continue
        requests.append(vary)
    for vary in requests:
        if vary.variant is not None and vary.variant not in swept:
            message = f"variant {vary.variant!r} is not swept (swept: {', '.join(swept)})"
            problems.add(None, ("variants",), vary.path, message)
    result = [_variant_axes(i, requests, inputs, problems, samples) for i in inputs]
    problems.raise_any(len(inputs))
    for axes in result:
        size = math.prod(len(axis.grid()) for axis in axes.axes)
        if axes.sampling == "grid" and size > MAX_GRID_POINTS:
            raise UsageError(
                f"a grid of {size:,} points (most {MAX_GRID_POINTS:,}): use --samples N for a "
                "Latin-hypercube sample, or fewer points per axis (:N)"
            )
    return result


def _variant_axes(
    one: SweepInput,
    requests: Sequence[Vary],
    inputs: Sequence[SweepInput],
    problems: _Problems,
    samples: int | None,
) -> VariantAxes:
    if not requests:
        fitted = tuple(fitted_axes(one.scenario))
        if samples or DEFAULT_POINTS ** len(fitted) > MAX_IMPLICIT_GRID:
            return VariantAxes(one.variant, fitted, "lhs", samples or MAX_IMPLICIT_GRID)
        return VariantAxes(one.variant, fitted, "grid")
    axes: list[Axis] = []
    for vary in requests:
        if vary.variant not in (None, one.variant or BASE):
            continue
        try:
            axis = axis_for(one.scenario, vary)
            if vary.variant is None:
                _same_owner(one, axis.loc, inputs)
        except ParameterError as exc:
            problems.add(one.variant, exc.loc, vary.path, _message(exc, vary))
            continue
        if any(a.path == axis.path for a in axes):
            problems.add(one.variant, axis.loc, vary.path, "varied twice")
        axes.append(axis)
    return VariantAxes(one.variant, tuple(axes), "lhs" if samples else "grid", samples)


def _message(exc: ParameterError, vary: Vary) -> str:
    """The error's message without the path it starts with (the problem names the path)."""
    try:
        path = format_loc(parse_path(vary.path))
    except ParameterError:
        return str(exc)
    return str(exc).removeprefix(f"{path}: ")


def _owner(scenario: Scenario, loc: Loc) -> str | None:
    """What the list item at `loc` is (`set_capacity`, `flood`), to tell items apart."""
    node: Any = scenario.model_dump(mode="json")
    for step in loc:
        node = node[step]
    if isinstance(node, dict):
        found = node.get("action") or node.get("id")
        return str(found) if found is not None else None
    return None


def _same_owner(one: SweepInput, loc: Loc, inputs: Sequence[SweepInput]) -> None:
    """A path for every variant must name the same thing in each: `operator_actions[2]` is
    set_capacity in one variant and end_space in another is a mistake, not a sweep."""
    for depth, step in enumerate(loc):
        if not isinstance(step, int):
            continue
        mine = _owner(one.scenario, loc[: depth + 1])
        for other in inputs:
            try:
                value_at(other.scenario, loc)
            except ParameterError:
                continue  # reported for that variant
            theirs = _owner(other.scenario, loc[: depth + 1])
            if mine != theirs:
                where = format_loc(loc[: depth + 1])
                name = other.variant or BASE
                raise ParameterError(
                    loc[: depth + 1],
                    f"{where} is {mine} here but {theirs} in {name}: vary it per variant, "
                    f"e.g. --vary '{one.variant or BASE}:{format_loc(loc)}=LOW..HIGH'",
                )
