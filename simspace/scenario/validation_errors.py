"""Pydantic's validation errors in a scenario file's terms: each at its place in the file, worded
by its error type (`missing`, `extra_forbidden`, `literal_error`...), never by its message text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from simspace.scenario.base import Loc, ScenarioCheckError
from simspace.scenario.schema import allowed_keys
from simspace.scenario.types import SLUG_PATTERN, URL_PATTERN
from simspace.scenario.yaml_positions import Mark, Positions

Found = tuple[Loc, Mark, str]
"""A problem before it is tied to a file: where in the data, where in the text, what."""


def _clean_loc(
    loc: tuple[int | str, ...], data: Any, missing_last: bool = True
) -> tuple[Loc, bool]:
    """Drop pydantic's union tags and validator names: keep only steps that exist in the data,
    and (with `missing_last`) a last key the data lacks: the key an error says is missing.

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
        elif not (
            missing_last and isinstance(node, dict) and i == len(loc) - 1 and isinstance(part, str)
        ):
            continue  # a union tag or validator name; a missing last key is kept
        cleaned.append(part)
    return tuple(cleaned), about_key


def _written(data: Any, loc: Loc, default: Any) -> Any:
    node = data
    for part in loc:
        if isinstance(node, dict) and isinstance(part, str) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return default
    return node


def _got(value: Any) -> str:
    if isinstance(value, dict | list):
        return f" (got a {'mapping' if isinstance(value, dict) else 'list'})"
    if value is None or isinstance(value, bool):
        return f" (got {'null' if value is None else str(value).lower()})"  # as YAML spells them
    text = repr(value)
    return f" (got {text[:60] + '...' if len(text) > 60 else text})"


_PATTERNS = {
    SLUG_PATTERN: "expected a lower-case id: a-z, 0-9, _ and -, at most 64",
    URL_PATTERN: "expected an http:// or https:// link",
}
_BOUNDS = {
    "greater_than": "greater than",
    "greater_than_equal": "at least",
    "less_than": "less than",
    "less_than_equal": "at most",
}


def _number(ctx: dict[str, Any]) -> str:
    value = next(iter(ctx.values()), "")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _length_message(kind: str, ctx: dict[str, Any]) -> str:
    """`too_short`/`too_long` of a list, mapping or text, in the file's terms."""
    what = "characters" if kind.startswith("string") else "items"
    actual = ctx.get("actual_length")
    got = f" (got {actual})" if actual is not None else ""
    if kind.endswith("too_short"):
        minimum = ctx.get("min_length", 1)
        if what == "characters" and minimum == 1:
            return "must not be empty"
        return f"needs at least {minimum} {what}{got}"
    return f"takes at most {ctx.get('max_length')} {what}{got}"


_MAPPING_TYPES = frozenset({"model_type", "model_attributes_type", "dict_type"})
_WRONG_VALUE_TYPES = frozenset(
    {
        "bool_parsing",
        "bool_type",
        "date_from_datetime_parsing",
        "date_parsing",
        "date_type",
        "decimal_parsing",
        "datetime_from_date_parsing",
        "datetime_parsing",
        "datetime_type",
        "enum",
        "finite_number",
        "float_parsing",
        "float_type",
        "frozen_set_type",
        "int_from_float",
        "int_parsing",
        "int_type",
        "is_instance_of",
        "iterable_type",
        "list_type",
        "literal_error",
        "mapping_type",
        "multiple_of",
        "none_required",
        "set_type",
        "string_sub_type",
        "string_type",
        "string_unicode",
        "time_parsing",
        "time_delta_parsing",
        "time_delta_type",
        "time_type",
        "tuple_type",
        "url_parsing",
    }
)
"""Error types whose pydantic message says what the value should be ("Input should be a valid
list"): in the file's terms that is "expected a valid list", followed by what the file says."""


def validation_problems(
    exc: ValidationError, data: dict[str, Any], positions: Positions
) -> list[Found]:
    """Every error of a validation, in the file's terms and at its positions in the file."""
    reader = _ErrorReader(data, positions)
    found = [f for error in exc.errors(include_url=False) for f in reader.problems(error)]
    # A typo'd key is one problem: "unknown key 'patiense' (did you mean 'patience'?)" says
    # all that "missing required key 'patience'" would. One value read twice (`reported: soon`
    # is both the min and the max of a range) is one problem too.
    kept = [f.found for f in found if not (f.missing_key and f.found[0] in reader.suggested)]
    return list(dict.fromkeys(kept))


@dataclass(frozen=True)
class _Worded:
    found: Found
    missing_key: bool = False  # "missing required key": dropped when a typo names the key


@dataclass
class _ErrorReader:
    """Pydantic's errors in the file's terms, at the file's positions, chosen by error type."""

    data: dict[str, Any]
    positions: Positions
    suggested: set[Loc] = field(default_factory=set)  # keys a "did you mean" already names

    def problems(self, error: ErrorDetails) -> list[_Worded]:
        kind, ctx = error["type"], error.get("ctx") or {}
        if kind == "value_error" and isinstance(ctx.get("error"), ScenarioCheckError):
            # The model that ran the check is in the data: a last step the data lacks is a
            # union tag (`lognormal`), not a missing key.
            return self._checks(_clean_loc(error["loc"], self.data, False)[0], ctx["error"])
        loc, about_key = _clean_loc(error["loc"], self.data)
        if kind == "missing":
            return [self._missing_key(loc)]
        if kind == "extra_forbidden":
            return [self._unknown_key(loc, error["loc"])]
        if kind == "union_tag_not_found":
            return [self._missing_tag(loc, ctx)]
        if kind == "union_tag_invalid":
            return [self._unknown_tag(loc, ctx)]
        mark = self.positions.key_of(loc) if about_key else self.positions.value_of(loc)
        # What the file says, not what a unit parser made of it: `0s`, not 0.0.
        got = _got(_written(self.data, loc, error["input"]) if not about_key else error["input"])
        return [_Worded((loc, mark, _value_message(error, got)))]

    def _checks(self, loc: Loc, check: ScenarioCheckError) -> list[_Worded]:
        """The scenario-wide checks' problems; their locations are relative to the model."""
        found = []
        for check_loc, message in check.problems:
            at = (*loc, *check_loc)
            found.append(_Worded((at, self.positions.value_of(at), message)))
        return found

    def _missing_key(self, loc: Loc) -> _Worded:
        mark = self.positions.key_of(loc[:-1]) if loc[:-1] else self.positions.value_of(())
        return _Worded((loc, mark, f"missing required key {loc[-1]!r}"), missing_key=True)

    def _unknown_key(self, loc: Loc, model_loc: tuple[int | str, ...]) -> _Worded:
        key = str(loc[-1])
        known = allowed_keys(model_loc[:-1])
        given = _written(self.data, loc[:-1], {})
        absent = [k for k in known if not (isinstance(given, dict) and k in given)]
        close = difflib.get_close_matches(key, absent, n=1, cutoff=0.6)
        close = close or difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        if close:
            self.suggested.add((*loc[:-1], close[0]))
            hint = f" (did you mean {close[0]!r}?)"
        elif known and len(known) <= 12:
            hint = f" (allowed: {', '.join(sorted(known))})"
        else:
            hint = ""
        return _Worded((loc, self.positions.key_of(loc), f"unknown key {key!r}{hint}"))

    def _missing_tag(self, loc: Loc, ctx: dict[str, Any]) -> _Worded:
        field = _discriminator(ctx)
        mark = self.positions.key_of(loc) if loc else self.positions.value_of(())
        message = f"missing required key {field!r}"
        return _Worded(((*loc, field), mark, message), missing_key=True)

    def _unknown_tag(self, loc: Loc, ctx: dict[str, Any]) -> _Worded:
        field = _discriminator(ctx)
        expected = str(ctx.get("expected_tags", "")).replace("'", "")
        message = f"unknown {field} {ctx.get('tag')!r}; expected one of: {expected}"
        at = (*loc, field)
        return _Worded((at, self.positions.value_of(at), message))


def _discriminator(ctx: dict[str, Any]) -> str:
    return str(ctx.get("discriminator", "")).strip("'")


def _value_message(error: ErrorDetails, got: str) -> str:
    """What is wrong with a value, by error type; pydantic's own words only where no type says
    more (and then lower-cased, to read as the rest of the line)."""
    kind, ctx, message = error["type"], error.get("ctx") or {}, error["msg"]
    if kind in ("value_error", "assertion_error") and "error" in ctx:
        message = str(ctx["error"])  # the validator's own text, without pydantic's prefix
    if kind in _MAPPING_TYPES:
        return "expected a mapping of keys" + got
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        return _PATTERNS[ctx["pattern"]] + got
    if kind in _BOUNDS:
        return f"must be {_BOUNDS[kind]} {_number(ctx)}" + got
    if kind.endswith(("too_short", "too_long")):
        return _length_message(kind, ctx)
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return f"expected {ctx['expected']}" + got
    if kind in _WRONG_VALUE_TYPES:
        # The type says the value is of the wrong kind; which kind was expected is only in
        # pydantic's words after its "Input should be" ("a valid integer, unable to parse...").
        return "expected " + message.removeprefix("Input should be").strip() + got
    if kind == "string_pattern_mismatch":
        return _lower_first(message) + got
    return _lower_first(message)


def _lower_first(message: str) -> str:
    return message[:1].lower() + message[1:]
