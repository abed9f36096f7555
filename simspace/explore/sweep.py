"""What a sweep varies and where it plays: one `--vary [VARIANT:]PATH=LOW..HIGH[:N][:log]`
read in the field's own format (`20:35`, `+40m`, `150k`, `90s`, `2.5%`) into an axis of a
scenario, the fitted parameters as axes, and the points along axes: a grid, or a seeded
Latin-hypercube sample. Pure. Per variant, with every problem at its place: `sweep_spec`."""

from __future__ import annotations

import itertools
import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from simspace import units
from simspace.scenario.base import Loc
from simspace.scenario.loader import format_loc
from simspace.scenario.model import Scenario
from simspace.scenario.parameters import (
    ParameterError,
    field_at,
    fitted_parameters,
    parse_path,
    parse_value,
    value_at,
    with_values,
)
from simspace.scenario.types import Count, Duration, EventTime, Fraction, Ratio

FieldKind = Literal["event_time", "duration", "count", "ratio", "integer", "number"]
Sampling = Literal["grid", "lhs"]

DEFAULT_POINTS = 5
MAX_POINTS_PER_AXIS = 100
MAX_GRID_POINTS = 4096
"""Points of one variant's grid at most; more is a sample (`--samples`), not a grid."""
MAX_IMPLICIT_GRID = 64
"""Without --vary, the fitted parameters' grid is played when it has at most this many points;
a larger one becomes a Latin-hypercube sample of this many."""
BASE = "base"
"""The scenario without a variant, in --variants and as a --vary prefix."""
NOT_SWEPT = ("version", "simulation")
"""How a run is simulated, not what happened: --seed and --scale choose those."""

_KINDS: tuple[tuple[object, FieldKind], ...] = (
    (get_args(EventTime)[1], "event_time"),
    (get_args(Duration)[1], "duration"),
    (get_args(Count)[1], "count"),
    (get_args(Ratio)[1], "ratio"),
    (get_args(Fraction)[1], "ratio"),
)
"""A field's kind by its parser (the BeforeValidator of its type in scenario.types)."""
_INVALID = re.compile(r"^with [^:]*: (: )?(Value error, )?")
"""The start of `with_values`' message (the setting in raw numbers), replaced by the range."""
_VARY = re.compile(r"(?:(?P<variant>[^:=]+):)?(?P<path>[^=:]+)=(?P<low>.+?)\.\.(?P<tail>.+)")
_HIGH = re.compile(r"(?P<high>[^:]+)(?P<options>(?::[^:]*)*)")
_CLOCK_HIGH = re.compile(r"(?P<high>\d{1,2}:\d{2}|[^:]+)(?P<options>(?::[^:]*)*)")


class Axis(BaseModel):
    """One parameter varied: where, in which unit, over which range, and the scenario's own
    value (the variant's)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    path: str = Field(description="dotted path, as `validate` prints it")
    kind: FieldKind = Field(description="how its values read: event time, count, duration...")
    low: float = Field(description="lowest value (seconds, a count, a fraction)")
    high: float = Field(description="highest value")
    points: int = Field(description="grid points; for a sample, the bins of its marginal")
    log: bool = Field(False, description="log spacing (ratios kept equal)")
    value: float = Field(description="the scenario's own value, for reference")

    @property
    def loc(self) -> Loc:
        return parse_path(self.path)

    def at(self, u: float) -> float:
        """The value a fraction `u` (0..1) along the axis, linear or logarithmic."""
        if self.log:
            value = math.exp(math.log(self.low) + u * (math.log(self.high) - math.log(self.low)))
        else:
            value = self.low + u * (self.high - self.low)
        return float(round(value)) if self.kind == "integer" else value

    def grid(self) -> list[float]:
        """`points` values from low to high (an integer axis keeps each whole value once)."""
        values = [self.at(i / (self.points - 1)) for i in range(self.points)]
        return sorted(set(values)) if self.kind == "integer" else values

    def bin_of(self, value: float) -> int:
        """Which of `points` equal bins (equal ratios on a log axis) holds `value`."""
        if self.log:
            u = math.log(value / self.low) / math.log(self.high / self.low)
        else:
            u = (value - self.low) / (self.high - self.low)
        return min(self.points - 1, max(0, int(u * self.points)))


@dataclass(frozen=True)
class Vary:
    """One `--vary` as written: the bounds and options stay text until the field is known
    (`20:45:8` is a clock time and 8 points for an event time, 20 and 45 points... never)."""

    text: str
    variant: str | None
    path: str
    low: str
    tail: str
    """HIGH[:N][:log]"""

    def high_points_log(self, clock: bool) -> tuple[str, int, bool]:
        """HIGH, the point count and log spacing; `clock`: HIGH may be a clock time `HH:MM`
        (for seconds, write an offset: `+45m30s`)."""
        match = (_CLOCK_HIGH if clock else _HIGH).fullmatch(self.tail)
        if match is None:
            raise VaryError(f"{self.text!r}: expected [VARIANT:]PATH=LOW..HIGH[:N][:log]")
        points, log = None, False
        for option in match["options"].split(":")[1:]:
            if option == "log" and not log:
                log = True
            elif option.isdigit() and points is None:
                points = int(option)
            else:
                raise VaryError(f"{option!r} after HIGH is neither a point count nor log")
        if points is not None and not 2 <= points <= MAX_POINTS_PER_AXIS:
            raise VaryError(f"{points} points: an axis has 2 to {MAX_POINTS_PER_AXIS}")
        return match["high"].strip(), points or DEFAULT_POINTS, log


class VaryError(ValueError):
    """A `--vary` that does not read as [VARIANT:]PATH=LOW..HIGH[:N][:log]."""


def parse_vary(text: str) -> Vary:
    """`operator_actions[2].at=20:35..20:45:8`, `ddos:attacks[0].rate_rps=100k..1M:6:log`."""
    match = _VARY.fullmatch(text.strip())
    if match is None:
        raise VaryError(f"{text!r}: expected [VARIANT:]PATH=LOW..HIGH[:N][:log]")
    variant = match["variant"].strip() if match["variant"] else None
    return Vary(text, variant, match["path"].strip(), match["low"].strip(), match["tail"])


def field_kind(scenario: Scenario, loc: Loc) -> FieldKind:
    """How the field at `loc` reads its values, from its declared type (`number` when the
    path ends in a mapping the model does not type field by field)."""
    field = field_at(scenario, loc)
    if field is None:
        return "number"
    members = [field.annotation, *get_args(field.annotation)]
    metadata = [*field.metadata]
    for member in members:
        if get_origin(member) is Annotated:
            metadata += get_args(member)[1:]
    for validator, kind in _KINDS:
        if validator in metadata:
            return kind
    return "integer" if int in members else "number"


def axis_for(scenario: Scenario, vary: Vary) -> Axis:
    """The axis a `--vary` asks for on this scenario; ParameterError (with as much of the path
    as exists) when the path or the range does not fit it."""
    loc = parse_path(vary.path)
    if loc[0] in NOT_SWEPT:
        raise ParameterError(loc[:1], f"{loc[0]} is how the run is simulated; see --seed, --scale")
    value = value_at(scenario, loc)
    kind = field_kind(scenario, loc)
    try:
        high_text, points, log = vary.high_points_log(clock=kind == "event_time")
    except VaryError as exc:
        raise ParameterError(loc, str(exc)) from None
    problems, bounds = [], []
    for name, text in (("low", vary.low), ("high", high_text)):
        try:
            bounds.append(parse_value(scenario, loc, text))
        except ParameterError as exc:
            problems.append(f"{name} {str(exc).removeprefix(format_loc(loc) + ': ')}")
    if problems:
        raise ParameterError(loc, "; ".join(problems))
    low, high = bounds
    written = f"{vary.low}..{high_text}"
    if not low < high:
        raise ParameterError(loc, f"{written}: low must be below high")
    if log and low <= 0:
        raise ParameterError(loc, f"{written}: a log axis needs low above 0")
    axis = Axis(path=format_loc(loc), kind=kind, low=low, high=high, points=points, log=log,
                value=value)  # fmt: skip
    for end in (low, high):  # each end alone must give a valid scenario (e.g. inside the window)
        try:
            with_values(scenario, {loc: end})
        except ParameterError as exc:
            reason = _INVALID.sub("", str(exc))
            shown = format_axis_value(axis, end)
            raise ParameterError(loc, f"{written}: {shown} breaks the scenario: {reason}") from None
    return axis


LOG_SPAN = 4.0
"""A fitted number range wider than this factor is spread evenly in log space (5k..20k is,
150k..300k is not): a capacity's plausible values differ by factors, not by steps."""


def fitted_axes(scenario: Scenario) -> list[Axis]:
    """The scenario's fitted parameters over their stated ranges, in file order."""
    return [
        Axis(
            path=format_loc(p.loc),
            kind=field_kind(scenario, p.loc),
            low=p.low,
            high=p.high,
            points=DEFAULT_POINTS,
            log=p.kind == "number" and p.low > 0 and p.high / p.low >= LOG_SPAN,
            value=p.value,
        )
        for p in fitted_parameters(scenario)
    ]


def grid(axes: Sequence[Axis]) -> list[tuple[float, ...]]:
    """Every combination of the axes' grid values, the first axis slowest."""
    return list(itertools.product(*(axis.grid() for axis in axes)))


def latin_hypercube(axes: Sequence[Axis], samples: int, seed: int) -> list[tuple[float, ...]]:
    """`samples` points such that each axis, cut into `samples` equal strata (equal ratios on a
    log axis), has exactly one point in each; the same seed gives the same points."""
    rng = random.Random(seed)
    columns = []
    for axis in axes:
        strata = list(range(samples))
        rng.shuffle(strata)
        columns.append([axis.at((stratum + rng.random()) / samples) for stratum in strata])
    return list(zip(*columns, strict=True)) if axes else [()] * min(samples, 1)


def format_axis_value(axis: Axis, value: float) -> str:
    """A value as the field writes it, rounded for reading: `+40m`, `200k`, `90s`, `2.5%`."""
    if axis.kind == "event_time":
        return units.format_offset_s(round(value))
    if axis.kind == "duration":
        return units.format_duration_s(round(value, 3) if value < 60 else round(value))
    if axis.kind == "count":
        return units.format_approx_count(value)
    if axis.kind == "ratio":
        return f"{float(f'{value * 100:.3g}'):g}%"
    return f"{value:g}"
