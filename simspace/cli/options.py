"""The command line's shared options and the checks that run before anything starts: plan and
run options, gates and the expectation, a real target and its opt-ins, event times."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import click

from simspace import units
from simspace.clock import speedup_problem
from simspace.errors import UsageError
from simspace.judge.gates import Expectation, with_cli_gates
from simspace.run.options import RunOptions
from simspace.scenario.loader import LoadedScenario
from simspace.target import Target, resolve_target


def parse_option(parse: Callable[[object], float], value: str | None, option: str) -> float | None:
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def run_options(
    budget_rps: str | None,
    speedup: float | None,
    scale: str | None,
    duration: str | None,
    seed: int | None,
    workers: int = 1,
    output: str = "runs",
    engine: str = "locust",
    labels: Sequence[str] = (),
) -> RunOptions:
    if speedup is not None and (problem := speedup_problem(speedup)):
        raise UsageError(f"--speedup: {problem}")
    return RunOptions(
        output_root=Path(output),
        budget_rps=parse_option(units.parse_count, budget_rps, "--budget-rps"),
        speedup=speedup,
        population_scale=parse_option(units.parse_fraction, scale, "--scale"),
        duration_s=parse_option(units.parse_duration_s, duration, "--duration"),
        workers=workers,
        seed=seed,
        engine="virtual" if engine == "virtual" else "locust",
        labels=parse_labels(labels),
    )


LABEL_KEY = re.compile(r"[A-Za-z0-9_.-]{1,64}")
MAX_LABEL_VALUE_CHARS = 200


def parse_labels(pairs: Sequence[str]) -> dict[str, str]:
    """`--label key=value` pairs (exit 2 naming every bad or repeated one)."""
    labels: dict[str, str] = {}
    problems = []
    for pair in pairs:
        key, equals, value = pair.partition("=")
        if not equals:
            problems.append(f"--label {pair!r}: expected key=value")
        elif not LABEL_KEY.fullmatch(key):
            problems.append(f"--label {pair!r}: the key must be 1-64 letters, digits, _ . or -")
        elif len(value) > MAX_LABEL_VALUE_CHARS:
            problems.append(
                f"--label {key}: the value is {len(value)} characters long, at most "
                f"{MAX_LABEL_VALUE_CHARS}"
            )
        elif not value.isprintable():
            problems.append(f"--label {key}: the value must be printable text (got {value!r})")
        elif key in labels:
            problems.append(f"--label {key}: given more than once")
        else:
            labels[key] = value
    if problems:
        raise UsageError("\n".join(problems))
    return labels


plan_options = [
    click.argument("scenario", type=click.Path(dir_okay=False)),
    click.option("--variant", help="Apply this variant (hypothesis)."),
    click.option("--budget-rps", help="Peak real requests/s the load side may send (e.g. 1500)."),
    click.option("--speedup", type=float, help="Event seconds per wall second."),
    click.option("--scale", help="Population scale, e.g. 1/5000 (default: chosen by the plan)."),
    click.option("--duration", help="Stop after this much wall time (e.g. 90s)."),
    click.option("--seed", type=int, help="Random seed (default: the scenario's)."),
]


def with_options(
    options: Sequence[Callable[[Callable[..., None]], Callable[..., None]]],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """One decorator applying a list of click options, in the order they are listed."""

    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


with_plan_options = with_options(plan_options)


engine_option = click.option(
    "--engine", type=click.Choice(["locust", "virtual"]), default="locust", show_default=True,
    help="locust: real HTTP load against the stub on the wall clock; virtual: the same "
    "listeners against the same platform model in virtual time, in process, at the finest "
    "scale that fits 30 s of wall time (deterministic).",
)  # fmt: skip


def with_run_options(function: Callable[..., None]) -> Callable[..., None]:
    function = click.option(
        "--label", "labels", multiple=True, metavar="KEY=VALUE",
        help="Label the run, e.g. build=candidate (repeatable; recorded in result.json).",
    )(function)  # fmt: skip
    function = engine_option(function)
    function = click.option(
        "--output", default="runs", show_default=True, help="Root of run directories."
    )(function)
    return click.option(
        "--workers", type=click.IntRange(1, 64), default=1, show_default=True,
        help="Locust worker processes on this machine.",
    )(function)  # fmt: skip


def with_gate_options(function: Callable[..., None]) -> Callable[..., None]:
    function = click.option(
        "--expect", type=click.Choice(["survive", "reproduce"]),
        help="Override the scenario's expectation: survive (every gate holds) or reproduce "
        "(every scored fact reproduced, and every gate holds).",
    )(function)  # fmt: skip
    return click.option(
        "--gate", "gates", multiple=True, metavar="EXPR",
        help="A gate, e.g. 'ttfa_p95 <= 5s after +5m' (repeatable; see docs/ci.md).",
    )(function)  # fmt: skip


def gated(loaded: LoadedScenario, gates: tuple[str, ...], expect: str | None) -> LoadedScenario:
    """The scenario with the command line's gates and expectation (exit 2 if one is bad)."""
    scenario = with_cli_gates(loaded.scenario, gates, expectation(expect))
    return dataclasses.replace(loaded, scenario=scenario)


def expectation(expect: str | None) -> Expectation | None:
    return "survive" if expect == "survive" else "reproduce" if expect == "reproduce" else None


def event_time(text: str | None, loaded: LoadedScenario, option: str) -> float | None:
    """An event offset (+10m, -5m) or a clock time in the event's zone (20:30)."""
    if text is None:
        return None
    event = loaded.scenario.event
    try:
        return units.parse_event_time_s(text, event.date, event.scheduled_start, event.time_zone)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None


def target_of(
    loaded: LoadedScenario, url: str | None, allow_remote: bool, allow_attack: bool
) -> Target | None:
    """The real target, checked before anything runs (a refused one never sees a request)."""
    if url is None:
        if allow_remote or allow_attack:
            raise UsageError("--allow-remote and --allow-attack apply to --target only")
        return None
    return resolve_target(url, loaded.scenario.target, allow_remote=allow_remote,
                          allow_attack=allow_attack,
                          has_attacks=bool(loaded.scenario.attacks))  # fmt: skip


target_options = [
    click.option("--target", "target_url", metavar="URL",
                 help="Load a real HLS service instead of the stub: its live playlist (master "
                 "or media), or its origin when the scenario's target.join_api is spaces. Real "
                 "time, real cadence (docs/targets.md)."),
    click.option("--allow-remote", is_flag=True,
                 help="Allow a --target that is not on this machine (loopback)."),
    click.option("--allow-attack", is_flag=True,
                 help="Allow the scenario's attacks against a non-loopback --target."),
    click.option("--start-at", metavar="T",
                 help="With --target: the event time the run starts at (+40m, 20:40)."),
]  # fmt: skip


with_target_options = with_options(target_options)
