"""Gate expressions from the command line (`--gate 'ttfa_p95 <= 5s after +5m'`) into the
scenario's `Gate` model. Pure: the event context (for clock times) and the scenario's window
(for open windows) are passed in.

    EXPR    := METRIC OP VALUE [SCOPE...] [WINDOW]
    OP      := < | <= | > | >=
    VALUE   := in the metric's unit: 5s, 2m30s (durations); 90%, 0.9 (ratios); 500k (counts)
    SCOPE   := tier=api|cdn|chat | message='error text' | listener_visible=true   (error_ratio)
             | reason=cap|not_started|ended|overload | room=ID                     (refusals)
    WINDOW  := after T | before T | from T to T
    T       := an event offset (+5m, -15m, 0s) or a clock time in the event's zone (20:30)

`after T` runs to the end of the scenario's window, `before T` from its start.
"""

from __future__ import annotations

import difflib
import re
import shlex
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import ValidationError

from simspace import units
from simspace.errors import UsageError
from simspace.scenario.facts import GATE_SCOPES, GATE_UNITS, Gate, Gates
from simspace.scenario.model import Scenario
from simspace.scenario.platform import REFUSAL_REASONS
from simspace.scenario.types import EventContext, TierName

OPS = ("<=", ">=", "<", ">")
TIERS: tuple[str, ...] = get_args(TierName)
_HEAD = re.compile(r"\s*(?P<metric>[A-Za-z0-9_]+)\s*(?P<op>[<>=!]+)?\s*(?P<rest>.*)", re.S)
_UNIT_WORDS = {"duration": "a duration", "ratio": "a ratio", "count": "a count"}


@dataclass(frozen=True)
class GateContext:
    """What a gate expression needs from its scenario: clock times and the window's bounds."""

    event: EventContext | None
    window_start: float
    window_end: float

    @classmethod
    def of(cls, scenario: Scenario) -> GateContext:
        event = scenario.event
        context = EventContext(event.date, event.scheduled_start, event.time_zone)
        return cls(context, scenario.window.start, scenario.window.end)


class _Bad(Exception):
    """A problem in one expression; `parse_gate` adds which expression."""


def parse_gate(expression: str, gate_id: str, context: GateContext) -> Gate:
    """One expression -> a Gate with id `gate_id`; UsageError naming the expression if bad."""
    try:
        return _parse(expression, gate_id, context)
    except _Bad as exc:
        raise UsageError(f"--gate {expression!r}: {exc}") from None


def parse_gates(
    expressions: Sequence[str], context: GateContext, taken: Sequence[str] = ()
) -> list[Gate]:
    """Every expression, with ids `cli-1`, `cli-2`... (skipping ids in `taken`); every bad
    expression is reported at once, one per line."""
    gates: list[Gate] = []
    problems: list[str] = []
    used = set(taken)
    number = 0
    for expression in expressions:
        number += 1
        while f"cli-{number}" in used:
            number += 1
        try:
            gates.append(parse_gate(expression, f"cli-{number}", context))
        except UsageError as exc:
            problems.append(str(exc))
    if problems:
        raise UsageError("\n".join(problems))
    return gates


def with_cli_gates(
    scenario: Scenario,
    expressions: Sequence[str] = (),
    expect: Literal["survive", "reproduce"] | None = None,
) -> Scenario:
    """The scenario with the `--gate` expressions added to its gates and `--expect` applied
    (UsageError listing every bad expression). The run directory keeps this resolved scenario,
    so `simspace report` judges the same gates again."""
    if not expressions and expect is None:
        return scenario
    taken = [g.id for g in scenario.gates.checks]
    extra = parse_gates(expressions, GateContext.of(scenario), taken)
    gates = Gates(expect=expect or scenario.gates.expect, checks=[*scenario.gates.checks, *extra])
    return scenario.model_copy(update={"gates": gates})


def _parse(expression: str, gate_id: str, context: GateContext) -> Gate:
    match = _HEAD.fullmatch(expression)
    if match is None or not expression.strip():
        raise _Bad("expected 'METRIC OP VALUE [WINDOW]', e.g. 'ttfa_p95 <= 5s after +5m'")
    metric, op, rest = match["metric"], match["op"], match["rest"]
    if metric not in GATE_UNITS:
        raise _Bad(_unknown("metric", metric, list(GATE_UNITS)))
    if op is None:
        raise _Bad(f"expected an operator ({', '.join(OPS)}) after {metric!r}")
    if op not in OPS:
        raise _Bad(f"unknown operator {op!r}; expected one of {', '.join(OPS)}")
    try:
        words = shlex.split(rest)
    except ValueError as exc:
        reason = str(exc).lower()
        raise _Bad(f"{reason} (quote error texts: message='Details not available')") from None
    if not words:
        raise _Bad(f"expected a threshold after {op!r}, e.g. {_example(metric)}")
    fields: dict[str, Any] = {"id": gate_id, "metric": metric, "op": op}
    fields["value"] = _value(metric, words[0])
    words = words[1:]
    while words and "=" in words[0]:
        key, _, text = words.pop(0).partition("=")
        fields.update(_scope(metric, key, text))
    if words:
        fields["window"] = _window(words, context)
    try:
        return Gate.model_validate(fields)
    except ValidationError as exc:  # what the model alone knows (e.g. a scope on a metric)
        raise _Bad(
            "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        ) from None


def _unknown(what: str, given: str, known: list[str]) -> str:
    close = difflib.get_close_matches(given, known, n=1)
    hint = f"did you mean {close[0]!r}?" if close else f"expected one of: {', '.join(known)}"
    return f"unknown {what} {given!r} ({hint})"


def _example(metric: str) -> str:
    return {"duration": "5s", "ratio": "90%", "count": "500k"}[GATE_UNITS[metric]]


def _value(metric: str, text: str) -> float:
    unit = GATE_UNITS[metric]
    parse = {
        "duration": units.parse_duration_s,
        "ratio": units.parse_ratio,
        "count": units.parse_count,
    }[unit]
    try:
        return parse(text)
    except ValueError as exc:
        raise _Bad(f"{metric} is {_UNIT_WORDS[unit]}: {exc}") from None


_CHOICES: dict[str, tuple[str, ...]] = {
    "tier": TIERS,
    "reason": REFUSAL_REASONS,
    "listener_visible": ("true", "false"),
}


def _scope(metric: str, key: str, text: str) -> dict[str, str]:
    if key not in GATE_SCOPES:
        raise _Bad(_unknown("scope", key, list(GATE_SCOPES)) + f" in {key}={text}")
    if metric != GATE_SCOPES[key]:
        raise _Bad(f"{key}= applies to {GATE_SCOPES[key]} only (got it on {metric})")
    if not text:
        raise _Bad(f"{key}= needs a value")
    choices = _CHOICES.get(key)
    if choices is not None and text.lower() not in choices:
        raise _Bad(_unknown(key.replace("_", " "), text, list(choices)))
    return {key: text.lower() if choices else text}


def _time(text: str, context: GateContext) -> float:
    if units.is_clock_time(text):
        if context.event is None:
            raise _Bad(f"a clock time ({text}) needs the scenario's event date and time zone")
        event = context.event
        clock = units.parse_clock_time(text)
        return units.clock_to_offset_s(clock, event.day, event.scheduled_start, event.time_zone)
    try:
        return units.parse_offset_s(text)
    except ValueError as exc:
        raise _Bad(f"bad window time: {exc}") from None


def _window(words: list[str], context: GateContext) -> dict[str, float]:
    usage = "expected a window 'after T', 'before T' or 'from T to T' (T: +5m, -15m, 20:30)"
    head = words[0].lower()
    if head in ("after", "before") and len(words) == 2:
        t = _time(words[1], context)
        start, end = (t, context.window_end) if head == "after" else (context.window_start, t)
    elif head == "from" and len(words) == 4 and words[2].lower() == "to":
        start, end = _time(words[1], context), _time(words[3], context)
    else:
        raise _Bad(f"{usage} (got {' '.join(words)!r})")
    if end <= start:
        show = units.format_offset_s
        raise _Bad(
            f"the window {show(start)}..{show(end)} is empty (the scenario's window is "
            f"{show(context.window_start)}..{show(context.window_end)})"
        )
    return {"start": start, "end": end}
