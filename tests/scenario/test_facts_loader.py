"""The fact and gate kinds about arrivals, rooms, refusals and visible errors, loaded from YAML:
what they read as, and each mistake as a positioned problem line."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from simspace.errors import ScenarioError
from simspace.scenario.facts import (
    ArrivalRatioFact,
    ErrorRatioFact,
    GaveUpListenersFact,
    RefusalsFact,
)
from simspace.scenario.loader import load_scenario
from simspace.scenario.model import Scenario

BASE = Path(__file__).parent / "data" / "minimal.yaml"
ROOMS = "  listener_cap: 900k\n  rooms:\n    - {id: overflow, cap_listeners: 50k}\n"


def write(tmp_path: Path, facts: Sequence[str], gates: Sequence[str] = ()) -> Path:
    """minimal.yaml with an overflow room (`ROOMS`, before its operator actions), `facts`
    appended to its facts and `gates` to its gate checks, one per line."""
    text = BASE.read_text(encoding="utf-8")
    text = text.replace("operator_actions:", ROOMS + "operator_actions:", 1)
    text = text.replace("variants:", "".join(f"{f}\n" for f in facts) + "variants:", 1)
    ttfa = '    - {id: ttfa, metric: ttfa_p95, op: "<=", value: 5s}\n'
    text = text.replace(ttfa, ttfa + "".join(f"    - {g}\n" for g in gates), 1)
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ADDED = ROOMS.count("\n")
FIRST_FACT_LINE = 49 + ADDED  # the line after minimal.yaml's last fact
FIRST_GATE_LINE = 59 + ADDED  # the line after its last gate, when no fact is added


def load(path: Path) -> Scenario:
    return load_scenario(path).scenario


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p).removeprefix(f"{path}:") for p in caught.value.problems]


SOURCED = 'statement: "x", sources: [ap]'


def test_the_new_facts_and_gates_load(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "  - {id: join, metric: join_success_ratio, reported: 80%, tolerance: 5%, "
            f"{SOURCED}}}",
            f"  - {{id: gave, metric: gave_up_listeners, reported: [10k, 20k], {SOURCED}}}",
            f"  - {{id: cap, metric: refusals, reason: cap, reported: 1M, {SOURCED}}}",
            f"  - {{id: room, metric: refusals, room: overflow, reported: 5k, {SOURCED}}}",
            "  - {id: vis, metric: error_ratio, listener_visible: true, tier: api, "
            f"reported: 2%, {SOURCED}}}",
            "  - {id: prev, metric: peak_listeners, reported: 57k, about: other_event, "
            f"{SOURCED}}}",
        ],
        [
            '{id: refused, metric: refusals, op: "<=", value: 10k, reason: overload}',
            '{id: seen, metric: error_ratio, op: "<", value: 1%, listener_visible: true}',
            '{id: gave, metric: gave_up_listeners, op: "<=", value: 5k}',
        ],
    )
    scenario = load(path)
    join, gave, cap, room, vis, prev = scenario.facts[2:]
    assert isinstance(join, ArrivalRatioFact)
    assert (join.metric, join.reported.min, join.tolerance) == ("join_success_ratio", 0.8, 0.05)
    assert isinstance(gave, GaveUpListenersFact)
    assert (gave.reported.min, gave.reported.max) == (10_000.0, 20_000.0)
    assert isinstance(cap, RefusalsFact)
    assert isinstance(room, RefusalsFact)
    assert (cap.reason, cap.room, room.reason, room.room) == ("cap", None, None, "overflow")
    assert isinstance(vis, ErrorRatioFact)
    assert (vis.listener_visible, vis.tier) == (True, "api")
    assert prev.about == "other_event"
    refused, seen, gave_gate = scenario.gates.checks[1:]
    assert (refused.metric, refused.reason, refused.value) == ("refusals", "overload", 10_000.0)
    assert (seen.listener_visible, gave_gate.metric, gave_gate.value) == (
        True,
        "gave_up_listeners",
        5000.0,
    )


@pytest.mark.parametrize(
    ("fact", "value", "problem"),
    [
        (
            "{id: r, metric: refusals, reason: bogus, reported: 1}",
            "bogus",
            "facts[2].reason: expected 'cap', 'not_started', 'ended' or 'overload' (got 'bogus')",
        ),
        (
            "{id: r, metric: refusals, room: overflow, window: {start: 0s, end: +1h}, reported: 1}",
            "{start",
            "facts[2].window: a room's refusals are a whole-run total (its Spaces' refused "
            "joins): a window does not apply",
        ),
        (
            "{id: r, metric: refusals, room: overflow, reason: overload, reported: 1}",
            "overload,",
            "facts[2].reason: a room counts its cap refusals only: reason must be cap "
            "(got overload)",
        ),
        (
            "{id: u, metric: unique_listeners, room: main, reported: 1}",
            "main",
            "facts[2].room: room applies to peak_listeners only (got it on unique_listeners)",
        ),
        (
            "{id: p, metric: peak_listeners, space: 2, room: main, reported: 1}",
            "main",
            "facts[2].room: give space or room, not both",
        ),
        (
            "{id: e, metric: error_ratio, tier: chat, listener_visible: true, reported: 1%}",
            "true",
            "facts[2].listener_visible: listener_visible counts the listeners' tiers (api, cdn); "
            "got tier chat",
        ),
        (
            "{id: j, metric: join_success_ratio, reported: 150%}",
            "150%",
            "facts[2].reported: a ratio must be between 0% and 100% (got '150%')",
        ),
    ],
)
def test_mistakes_in_the_new_facts_point_at_the_value(
    tmp_path: Path, fact: str, value: str, problem: str
) -> None:
    text = f"  - {fact.removesuffix('}')}, {SOURCED}}}"
    column = text.index(value) + 1
    assert problems(write(tmp_path, [text])) == [f"{FIRST_FACT_LINE}:{column}: {problem}"]


def test_mistakes_in_the_new_gates(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [],
        [
            '{id: a, metric: refusals, op: "<=", value: 5k, reason: nope}',
            '{id: b, metric: refusals, op: "<=", value: 5k, room: overflow, '
            "window: {start: 0s, end: +1h}}",
            '{id: c, metric: peak_listeners, op: "<=", value: 5k, reason: cap}',
        ],
    )
    gates_line = FIRST_GATE_LINE
    assert problems(path) == [
        f"{gates_line}:62: gates.checks[1].reason: expected 'cap', 'not_started', 'ended' or "
        "'overload' (got 'nope')",
        f"{gates_line + 1}:7: gates.checks[2]: a room's refusals are a whole-run total (its "
        "Spaces' refused joins): a window does not apply",
        f"{gates_line + 2}:7: gates.checks[3]: reason applies to refusals only (got it on "
        "peak_listeners)",
    ]
