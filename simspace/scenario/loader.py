"""Load a scenario file: YAML with positions -> validated model, every problem reported at once
as `file:line:col: dotted.path: message`; variants deep-merged and validated too."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from simspace import units
from simspace.errors import Problem, ScenarioError
from simspace.scenario.base import Loc, ScenarioCheckError
from simspace.scenario.model import Scenario
from simspace.scenario.schema import allowed_keys
from simspace.scenario.types import EventContext
from simspace.scenario.variants import apply_overrides
from simspace.scenario.yaml_positions import Mark, Positions, YamlSyntaxError, parse_yaml

MAX_FILE_BYTES = 1_048_576


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, the file it came from, and the variant applied (if any)."""

    path: str
    scenario: Scenario
    variant: str | None


def format_loc(loc: Loc) -> str:
    """('facts', 2, 'at') -> 'facts[2].at'."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def load_scenario(path: str | Path, variant: str | None = None) -> LoadedScenario:
    """Read, validate and (optionally) apply a variant; raises ScenarioError with every problem."""
    name = str(path)
    data, positions, read_problems = _read(name)
    problems, scenario = _validate(name, data, positions)
    problems = read_problems + problems
    raw_variants = data.get("variants")
    for variant_name, body in (raw_variants if isinstance(raw_variants, dict) else {}).items():
        if isinstance(body, dict) and isinstance(body.get("overrides"), dict):
            problems += _validate_variant(name, data, positions, variant_name, problems)
    if problems or scenario is None:
        raise ScenarioError(problems)
    if variant is None:
        return LoadedScenario(name, scenario, None)
    if variant not in scenario.variants:
        known = ", ".join(sorted(scenario.variants)) or "none"
        mark = positions.value_of(("variants",))
        raise ScenarioError(
            [
                Problem(
                    name,
                    mark.line,
                    mark.column,
                    "variants",
                    f"no variant {variant!r} (variants: {known})",
                )
            ]
        )
    merged = apply_overrides(data, scenario.variants[variant].overrides)
    return LoadedScenario(name, Scenario.model_validate(merged, context=_context(merged)), variant)


def _read(name: str) -> tuple[dict[str, Any], Positions, list[Problem]]:
    """The file's data and positions, and the problems that still let it be validated."""
    def fail(message: str, mark: Mark | None = None, path: str = "") -> ScenarioError:
        mark = mark or Mark(1, 1)
        return ScenarioError([Problem(name, mark.line, mark.column, path, message)])

    try:
        raw = Path(name).read_bytes()[: MAX_FILE_BYTES + 1]
    except OSError as exc:
        raise fail(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise fail(f"file larger than {MAX_FILE_BYTES // 1024} KiB; a scenario is a small text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(f"not UTF-8 text (byte {exc.start})", Mark(line, 1)) from None
    try:
        data, positions, yaml_problems = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise fail(exc.message, exc.mark, format_loc(exc.path)) from None
    if not isinstance(data, dict):
        raise fail(f"the top level must be a mapping of keys (got {type(data).__name__})")
    return data, positions, [
        Problem(name, m.line, m.column, format_loc(loc), msg) for m, loc, msg in yaml_problems
    ]


def _context(data: dict[str, Any]) -> dict[str, Any]:
    """What clock times need; left out when the event section itself is broken."""
    event = data.get("event")
    if not isinstance(event, dict):
        return {}
    try:
        day = event.get("date")
        zone = event.get("time_zone")
        start = units.parse_clock_time(event.get("scheduled_start"))
        if not isinstance(day, date) or not isinstance(zone, str):
            return {}
        units.clock_to_offset_s(start, day, start, zone)
    except (ValueError, KeyError, TypeError):
        return {}
    return {"event": EventContext(day, start, zone)}


def _validate(
    name: str, data: dict[str, Any], positions: Positions
) -> tuple[list[Problem], Scenario | None]:
    try:
        return [], Scenario.model_validate(data, context=_context(data))
    except ValidationError as exc:
        return _problems(name, exc, data, positions), None


def _validate_variant(
    name: str, data: dict[str, Any], positions: Positions, variant: str, base: list[Problem]
) -> list[Problem]:
    prefix: Loc = ("variants", variant, "overrides")
    overrides = data["variants"][variant]["overrides"]
    if "variants" in overrides:
        mark = positions.key_of((*prefix, "variants"))
        path = format_loc((*prefix, "variants"))
        return [Problem(name, mark.line, mark.column, path, "a variant cannot define variants")]
    merged = apply_overrides(data, overrides)
    merged_positions = Positions(dict(positions.values), dict(positions.keys))
    overridden: set[Loc] = set()
    for table, merged_table in (
        (positions.values, merged_positions.values),
        (positions.keys, merged_positions.keys),
    ):
        for loc, mark in table.items():
            if loc[:3] == prefix and len(loc) > 3:
                merged_table[loc[3:]] = mark
                overridden.add(loc[3:])
    seen = {(p.path, p.message) for p in base}
    problems: list[Problem] = []
    for problem in _validate(name, merged, merged_positions)[0]:
        loc_text = problem.path
        if (loc_text, problem.message) in seen:
            continue  # already reported against the base scenario
        if any(
            format_loc(loc) == loc_text
            or loc_text.startswith(format_loc(loc) + ".")
            or loc_text.startswith(format_loc(loc) + "[")
            for loc in overridden
        ):
            problems.append(
                Problem(
                    name,
                    problem.line,
                    problem.column,
                    format_loc(prefix) + ("." + loc_text if loc_text else ""),
                    problem.message,
                )
            )
        else:
            mark = positions.key_of(("variants", variant))
            problems.append(
                Problem(
                    name,
                    mark.line,
                    mark.column,
                    f"variants.{variant}",
                    f"with this variant applied, {loc_text or 'the scenario'}: {problem.message}",
                )
            )
    return problems


def _clean_loc(loc: tuple[int | str, ...], data: Any) -> tuple[Loc, bool]:
    """Drop pydantic's union tags and validator names: keep only steps that exist in the data.

    Returns the path and whether the error is about a mapping key rather than its value.
    """
    cleaned: list[str | int] = []
    node = data
    about_key = False
    for i, part in enumerate(loc):
        if part == "[key]":
            about_key = True
            continue
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        elif not (isinstance(node, dict) and i == len(loc) - 1 and isinstance(part, str)):
            continue  # a union tag or validator name; a missing last key is kept
        cleaned.append(part)
    return tuple(cleaned), about_key


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return f" (got a {'mapping' if isinstance(value, dict) else 'list'})"
    text = repr(value)
    return f" (got {text[:60] + '...' if len(text) > 60 else text})"


def _problems(
    name: str, exc: ValidationError, data: dict[str, Any], positions: Positions
) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: Loc, message: str, mark: Mark) -> None:
        problems.append(Problem(name, mark.line, mark.column, format_loc(loc), message))

    for error in exc.errors(include_url=False):
        kind, ctx = error["type"], error.get("ctx") or {}
        loc, about_key = _clean_loc(error["loc"], data)
        if kind == "value_error" and isinstance(ctx.get("error"), ScenarioCheckError):
            for check_loc, message in ctx["error"].problems:
                add(check_loc, message, positions.value_of(check_loc))
            continue
        message = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
        mark = positions.key_of(loc) if about_key else positions.value_of(loc)
        if kind == "missing":
            message = f"missing required key {loc[-1]!r}"
            mark = positions.key_of(loc[:-1]) if loc[:-1] else positions.value_of(())
        elif kind == "extra_forbidden":
            key = str(loc[-1])
            known = allowed_keys(error["loc"][:-1])
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = (
                f" (did you mean {close[0]!r}?)"
                if close
                else (
                    f" (allowed: {', '.join(sorted(known))})" if known and len(known) <= 12 else ""
                )
            )
            message = f"unknown key {key!r}{hint}"
            mark = positions.key_of(loc)
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            field = str(ctx.get("discriminator", "")).strip("'")
            if kind == "union_tag_not_found":
                message = f"missing required key {field!r}"
            else:
                message = (
                    f"unknown {field} {ctx.get('tag')!r}; expected one of: "
                    f"{str(ctx.get('expected_tags', '')).replace(chr(39), '')}"
                )
                loc = (*loc, field)
                mark = positions.value_of(loc)
        elif message.startswith("Input should be"):
            message = "expected" + message.removeprefix("Input should be") + _got(error["input"])
        elif kind.startswith(("too_short", "too_long", "greater", "less", "string_pattern")):
            message = message[0].lower() + message[1:] + _got(error["input"])
        elif message:
            message = message[0].lower() + message[1:]
        add(loc, message, mark)
    return problems
