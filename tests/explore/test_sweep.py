"""A sweep's spec: `--vary` texts read in each field's own format, every problem of every variant
at once with its place in the file, the fitted parameters when nothing is varied, and the points
(a grid, or a seeded, stratified Latin-hypercube sample)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from simspace.errors import ScenarioError, UsageError
from simspace.explore.sweep import (
    Axis,
    VaryError,
    format_axis_value,
    grid,
    latin_hypercube,
    parse_vary,
)
from simspace.explore.sweep_spec import SweepInput, VariantAxes, sweep_axes
from simspace.scenario.loader import load_scenario
from simspace.scenario.yaml_positions import parse_yaml

SMALL = Path(__file__).resolve().parent.parent / "data" / "small_space.yaml"
CAPACITY = "platform.tiers.api.capacity_rps"
ACTION_AT = "operator_actions[0].at"

# small_space.yaml with the scale-up action marked fitted, and a variant whose actions differ.
FITTED_ACTION = (
    "  - {action: set_capacity, at: +6m, tier: api, capacity_rps: 40k,\n"
    '     fitted: true, range: {at: ["20:04", "20:08"], capacity_rps: [20k, 80k]}}\n'
)
ENDED_VARIANT = (
    "  ended:\n"
    '    description: "the Space is ended instead"\n'
    "    overrides:\n"
    "      operator_actions:\n"
    "        - {action: end_space, at: +10m}\n"
)


def two_variants(tmp_path: Path) -> Path:
    """small_space.yaml with a fitted action and a variant `ended` whose action is end_space."""
    text = SMALL.read_text(encoding="utf-8")
    action = "  - {action: set_capacity, at: +6m, tier: api, capacity_rps: 40k}\n"
    assert action in text
    text = text.replace(action, FITTED_ACTION).replace("variants:\n", "variants:\n" + ENDED_VARIANT)
    path = tmp_path / "two.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def axes_of(
    file: Path, varies: list[str], variants: list[str | None], samples: int | None = None
) -> list[VariantAxes]:
    positions = parse_yaml(file.read_text(encoding="utf-8"))[1]
    inputs = [SweepInput(v, load_scenario(file, v).scenario) for v in variants]
    return sweep_axes(str(file), positions, inputs, varies, samples)


def line_of(file: Path, text: str) -> int:
    """The 1-based line where `text` first stands in the file."""
    lines = file.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_vary_reads_variant_path_range_points_and_log() -> None:
    vary = parse_vary("ddos:attacks[0].rate_rps=100k..1M:6:log")
    assert (vary.variant, vary.path, vary.low) == ("ddos", "attacks[0].rate_rps", "100k")
    assert vary.high_points_log(clock=False) == ("1M", 6, True)
    assert parse_vary("a.b=1..2:log:3").high_points_log(clock=False) == ("2", 3, True)
    assert parse_vary("a.b=1..2").high_points_log(clock=False) == ("2", 5, False)
    # a clock time as HIGH (event times only): `20:45:8` is 20:45 and 8 points
    at = parse_vary("operator_actions[2].at=20:35..20:45:8")
    assert (at.variant, at.low, at.high_points_log(clock=True)) == (
        None,
        "20:35",
        ("20:45", 8, False),
    )
    assert parse_vary("x.attempts=1..4:10").high_points_log(clock=False) == ("4", 10, False)


@pytest.mark.parametrize(
    ("text", "clock"),
    [("no-range", False), ("a.b=1", False), ("a.b=1..2:x", False), ("a.b=1..2:1", False),
     ("a.b=1..2:3:4", False), ("a.b=1..2:log:log", False), ("a.b=1..20:45:8:9", True)],
)  # fmt: skip
def test_a_malformed_vary_is_refused(text: str, clock: bool) -> None:
    with pytest.raises(VaryError):
        parse_vary(text).high_points_log(clock)


def test_bounds_read_in_the_fields_own_format() -> None:
    (base,) = axes_of(SMALL, [f"{CAPACITY}=2k..8k:3", f"{ACTION_AT}=20:04..+8m:3",
                              "audience.client.patience=2m..10m:2",
                              "audience.client.retries.attempts=1..4:10"], [None])  # fmt: skip
    capacity, at, patience, attempts = base.axes
    assert (capacity.kind, capacity.low, capacity.high, capacity.value) == ("count", 2e3, 8e3, 4e3)
    assert (at.kind, at.low, at.high, at.value) == ("event_time", 240.0, 480.0, 360.0)
    assert (patience.kind, patience.low, patience.high) == ("duration", 120.0, 600.0)
    assert attempts.kind == "integer"
    assert attempts.grid() == [1.0, 2.0, 3.0, 4.0]  # whole values, each once
    assert [format_axis_value(at, v) for v in at.grid()] == ["+4m", "+6m", "+8m"]
    assert [format_axis_value(capacity, v) for v in capacity.grid()] == ["2k", "5k", "8k"]
    assert base.sampling == "grid"
    assert len(base.points(seed=1)) == 3 * 3 * 2 * 4


def test_every_problem_is_reported_at_once_at_its_place(tmp_path: Path) -> None:
    file = two_variants(tmp_path)
    varies = [
        "operator_actions[9].at=1m..2m",  # no such action: at the list
        f"{CAPACITY}=8k..2k",  # low above high: at the value
        "platform.tiers.api.queue_limit=-1..2k:log",
        "operator_actions[0].capacity_rps=20:00..50k",  # a count is not a clock time
        "nonsense",
        "audience.client.patience=1m..2m",
    ]
    with pytest.raises(ScenarioError) as caught:
        axes_of(file, varies, [None])
    found = {(p.line, p.path): p.message for p in caught.value.problems}
    capacity_line = line_of(file, "api: {capacity_rps: 4k")
    actions_line = line_of(file, "- {action: set_capacity")  # where the list's value starts
    assert "no 9 here (a list of 1)" in found[(actions_line, "operator_actions[9].at")]
    assert "low must be below high" in found[(capacity_line, CAPACITY)]
    assert "low" in found[(capacity_line, "platform.tiers.api.queue_limit")]
    assert "'20:00'" in found[(line_of(file, "set_capacity"), "operator_actions[0].capacity_rps")]
    (syntax,) = [m for (_, path), m in found.items() if path == "--vary"]
    assert "'nonsense': expected [VARIANT:]PATH=LOW..HIGH" in syntax
    assert len(found) == 5  # patience is fine
    for problem in caught.value.problems:
        assert problem.file == str(file)


def test_a_path_naming_another_thing_in_another_variant_must_be_per_variant(
    tmp_path: Path,
) -> None:
    file = two_variants(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        axes_of(file, [f"{ACTION_AT}=+4m..+8m"], [None, "ended"])
    messages = [f"{p.line} {p.message}" for p in caught.value.problems]
    assert any("set_capacity here but end_space in ended" in m for m in messages)
    ended = next(p for p in caught.value.problems if "end_space here" in p.message)
    assert ended.line == line_of(file, "- {action: end_space, at: +10m}")  # in the overrides
    assert ended.message.endswith("(variant ended)")
    # the same range asked per variant is fine, and each variant gets only its own axes
    varies = [f"base:{ACTION_AT}=+4m..+8m:3", f"ended:{ACTION_AT}=+9m..+12m:2",
              f"{CAPACITY}=2k..8k:2"]  # fmt: skip
    base, ended_axes = axes_of(file, varies, [None, "ended"])
    assert [(a.path, a.low) for a in base.axes] == [(ACTION_AT, 240.0), (CAPACITY, 2e3)]
    assert [(a.path, a.low) for a in ended_axes.axes] == [(ACTION_AT, 540.0), (CAPACITY, 2e3)]
    assert {p.variant for p in ended_axes.points(seed=1)} == {"ended"}


def test_a_path_missing_in_one_variant_is_that_variants_problem(tmp_path: Path) -> None:
    file = two_variants(tmp_path)
    with pytest.raises(ScenarioError) as caught:
        axes_of(file, ["operator_actions[0].capacity_rps=20k..80k"], [None, "ended"])
    (problem,) = caught.value.problems
    assert problem.message.endswith("(variant ended)")
    assert "no 'capacity_rps' here" in problem.message


def test_a_range_that_breaks_the_scenario_is_refused_before_playing() -> None:
    with pytest.raises(ScenarioError) as caught:
        axes_of(SMALL, [f"{ACTION_AT}=+1m..+1h"], [None])
    (problem,) = caught.value.problems
    assert "+1h breaks the scenario" in problem.message
    assert "window" in problem.message


def test_without_vary_the_fitted_parameters_over_their_ranges(tmp_path: Path) -> None:
    file = two_variants(tmp_path)
    base, ended = axes_of(file, [], [None, "ended"])
    assert [(a.path, a.low, a.high) for a in base.axes] == [
        (ACTION_AT, 240.0, 480.0),
        ("operator_actions[0].capacity_rps", 20e3, 80e3),
    ]
    assert base.sampling == "grid"
    assert len(base.points(seed=1)) == 25
    assert ended.axes == ()  # nothing fitted there: the variant itself, once
    assert len(ended.points(seed=1)) == 1
    (sampled,) = axes_of(file, [], [None], samples=7)
    assert (sampled.sampling, len(sampled.points(seed=1))) == ("lhs", 7)


def test_a_grid_too_large_asks_for_a_sample() -> None:
    varies = [f"{CAPACITY}=1k..9k:100", f"{ACTION_AT}=+2m..+8m:100"]
    with pytest.raises(UsageError, match="--samples"):
        axes_of(SMALL, varies, [None])
    (sampled,) = axes_of(SMALL, varies, [None], samples=50)
    assert len(sampled.points(seed=3)) == 50


def axis(low: float, high: float, points: int, log: bool = False) -> Axis:
    return Axis(path="a.b", kind="count", low=low, high=high, points=points, log=log, value=low)


def test_grid_values_linear_and_logarithmic() -> None:
    assert axis(0, 10, 3).grid() == [0.0, 5.0, 10.0]
    logs = axis(100e3, 400e3, 3, log=True).grid()
    assert logs[0] == pytest.approx(100e3)
    assert logs[1] == pytest.approx(200e3)  # equal ratios: the geometric middle
    assert logs[2] == pytest.approx(400e3)
    assert grid([axis(0, 1, 2), axis(5, 6, 2)]) == [(0, 5), (0, 6), (1, 5), (1, 6)]


def test_latin_hypercube_is_seeded_and_stratified_on_every_axis() -> None:
    axes = [axis(0, 100, 5), axis(1, 1000, 5, log=True)]
    points = latin_hypercube(axes, 10, seed=4)
    assert points == latin_hypercube(axes, 10, seed=4)
    assert points != latin_hypercube(axes, 10, seed=5)
    linear = sorted(int(p[0] // 10) for p in points)
    logarithmic = sorted(int(math.log10(p[1]) / 3 * 10) for p in points)
    assert linear == list(range(10))  # one point in each tenth
    assert logarithmic == list(range(10))  # one in each tenth of the decades
