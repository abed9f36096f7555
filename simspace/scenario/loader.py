"""Load a scenario file: YAML with positions -> validated model, every problem reported at once
as `file:line:col: dotted.path: message`; variants deep-merged and validated too."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from simspace import units
from simspace.errors import FileTooLargeError, Problem, ScenarioError, UnreadableFileError
from simspace.fileio import read_small_file
from simspace.scenario.base import Loc, ScenarioCheckError
from simspace.scenario.model import Scenario, check_sections, valid_sections
from simspace.scenario.types import CLOCK_NEEDS_EVENT, EventContext
from simspace.scenario.validation_errors import Found, validation_problems
from simspace.scenario.variants import apply_overrides
from simspace.scenario.yaml_positions import Mark, Positions, YamlSyntaxError, parse_yaml

MAX_FILE_BYTES = 1_048_576


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario, the file it came from, and the variant applied (if any)."""

    path: str
    scenario: Scenario
    variant: str | None


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_loc(loc: Loc) -> str:
    """('facts', 2, 'at') -> 'facts[2].at'; an odd key is quoted: "platform['a b']"."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif not _PLAIN_KEY.fullmatch(part):
            text += f"[{part!r}]"
        else:
            text += f".{part}" if text else part
    return text


def _one_line(message: str) -> str:
    """A problem is one line of output, whatever text the file put into it."""
    return message.replace("\r", "\\r").replace("\n", "\\n")


def load_scenario(path: str | Path, variant: str | None = None) -> LoadedScenario:
    """Read, validate and (optionally) apply a variant; raises ScenarioError with every problem."""
    name = str(path)
    data, positions, read_problems = _read(name)
    found, scenario = _validate(data, positions)
    problems = read_problems + [_problem(name, *f) for f in found]
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
        message = f"no variant {variant!r} (variants: {known})"
        raise ScenarioError(
            [_problem(name, ("variants",), positions.value_of(("variants",)), message)]
        )
    merged = apply_overrides(data, scenario.variants[variant].overrides)
    return LoadedScenario(name, Scenario.model_validate(merged, context=_context(merged)), variant)


def _read(name: str) -> tuple[dict[str, Any], Positions, list[Problem]]:
    """The file's data and positions, and the problems that still let it be validated."""

    def fail(message: str, mark: Mark | None = None, path: str = "") -> ScenarioError:
        mark = mark or Mark(1, 1)
        return ScenarioError([Problem(name, mark.line, mark.column, path, _one_line(message))])

    try:  # a FIFO or a link to /dev/zero is refused before a byte is read
        raw = read_small_file(Path(name), MAX_FILE_BYTES)
    except FileTooLargeError:
        raise fail(
            f"file larger than {MAX_FILE_BYTES // 1024} KiB; a scenario is a small text"
        ) from None
    except UnreadableFileError as exc:
        raise fail(exc.reason) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start : exc.start].decode("utf-8", "replace")) + 1
        mark = Mark(raw.count(b"\n", 0, exc.start) + 1, column)
        raise fail(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8", mark
        ) from None
    try:
        data, positions, yaml_problems = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise fail(exc.message, exc.mark, format_loc(exc.path)) from None
    if not isinstance(data, dict):
        raise fail(f"the top level must be a mapping of keys (got {type(data).__name__})")
    return (
        data,
        positions,
        [_problem(name, loc, mark, message) for mark, loc, message in yaml_problems],
    )


_DATE: TypeAdapter[date] = TypeAdapter(date)


def _context(data: dict[str, Any]) -> dict[str, Any]:
    """What clock times need; left out when the event section itself is broken."""
    event = data.get("event")
    if not isinstance(event, dict):
        return {}
    try:
        day = _DATE.validate_python(event.get("date"))
        zone = event.get("time_zone")
        start = units.parse_clock_time(event.get("scheduled_start"))
        if not isinstance(zone, str):
            return {}
        units.clock_to_offset_s(start, day, start, zone)
    except (ValueError, LookupError, TypeError, OSError):
        return {}  # ValidationError is a ValueError; an unknown zone a KeyError
    return {"event": EventContext(day, start, zone)}


def _validate(data: dict[str, Any], positions: Positions) -> tuple[list[Found], Scenario | None]:
    context = _context(data)
    try:
        return [], Scenario.model_validate(data, context=context)
    except ValidationError as exc:
        found = validation_problems(exc, data, positions)
        checked = any(_is_scenario_check(error) for error in exc.errors())
    if not checked:
        # The structure failed, so the scenario-wide checks did not run: run those whose
        # sections validated on their own, so that independent problems are reported together.
        for loc, message in check_sections(valid_sections(data, context)):
            found.append((loc, positions.value_of(loc), message))
    if not context:
        found = _without_clock_cascade(found)
    return found, None


def _is_scenario_check(error: ErrorDetails) -> bool:
    """Whether the scenario-wide checks ran (they raise at the top level)."""
    is_check = isinstance((error.get("ctx") or {}).get("error"), ScenarioCheckError)
    return is_check and not error["loc"]


_EVENT_CLOCK_KEYS = {
    ("event",),
    ("event", "date"),
    ("event", "time_zone"),
    ("event", "scheduled_start"),
}


def _without_clock_cascade(found: list[Found]) -> list[Found]:
    """With event.date, time_zone or scheduled_start broken, every clock time fails too: keep
    only the cause."""
    if not any(loc in _EVENT_CLOCK_KEYS for loc, _, _ in found):
        return found
    return [f for f in found if f[2] != CLOCK_NEEDS_EVENT]


def _problem(name: str, loc: Loc, mark: Mark, message: str) -> Problem:
    return Problem(name, mark.line, mark.column, format_loc(loc), _one_line(message))


def _override_reach(overrides: dict[str, Any], loc: Loc) -> tuple[int, bool]:
    """How many leading steps of `loc` the overrides write, and whether the value they write
    there replaces the base value whole (anything but a mapping: a list, a scalar, null)."""
    node: Any = overrides
    for depth, part in enumerate(loc):
        if not isinstance(node, dict) or part not in node:
            return depth, depth > 0 and not isinstance(node, dict)
        node = node[part]
    return len(loc), not isinstance(node, dict)


def _validate_variant(
    name: str, data: dict[str, Any], positions: Positions, variant: str, base: list[Problem]
) -> list[Problem]:
    """Problems of the scenario with `variant` applied that the base scenario does not have.

    A value the variant wrote is reported at its place in the overrides
    (`variants.ddos.overrides.attacks[0].end`); a base value that only fails with the variant
    applied is reported against the variant (`variants.ddos: with this variant applied, ...`).
    """
    prefix: Loc = ("variants", variant, "overrides")
    overrides: dict[str, Any] = data["variants"][variant]["overrides"]
    if "variants" in overrides:
        loc: Loc = (*prefix, "variants")
        return [_problem(name, loc, positions.key_of(loc), "a variant cannot define variants")]
    merged = apply_overrides(data, overrides)
    merged_positions = Positions()
    for table, merged_table in (
        (positions.values, merged_positions.values),
        (positions.keys, merged_positions.keys),
    ):
        for loc, mark in table.items():
            if loc[:3] == prefix and len(loc) > 3:
                merged_table[loc[3:]] = mark
            elif not _override_reach(overrides, loc)[1]:
                merged_table.setdefault(loc, mark)  # not under a value the variant replaced
    seen = {(p.path, p.message) for p in base}
    problems: list[Problem] = []
    for loc, mark, message in _validate(merged, merged_positions)[0]:
        if (format_loc(loc), message) in seen:
            continue  # already reported against the base scenario
        reach, whole = _override_reach(overrides, loc)
        if reach == len(loc) or whole or (reach and loc not in positions.values):
            problems.append(_problem(name, (*prefix, *loc), mark, message))
        else:
            where = format_loc(loc) or "the scenario"
            problems.append(
                _problem(
                    name,
                    ("variants", variant),
                    positions.key_of(("variants", variant)),
                    f"with this variant applied, {where}: {message}",
                )
            )
    return problems
