"""`--gate` expressions: what they read as, and the exact message for each kind of mistake."""

from __future__ import annotations

from typing import Any

import pytest

from simspace.errors import UsageError
from simspace.judge.gates import GateContext, parse_gate, parse_gates, with_cli_gates
from simspace.scenario.facts import Gate, Gates
from tests.report import builders as b

CONTEXT = GateContext.of(b.scenario())  # 2024-08-12 20:00 New York, window -30m .. +3h


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("ttfa_p95 <= 5s", {"metric": "ttfa_p95", "op": "<=", "value": 5.0}),
        ("ttfa_p50<2.5s", {"metric": "ttfa_p50", "op": "<", "value": 2.5}),
        ("  ttfa_p99 <= 1m30s  ", {"metric": "ttfa_p99", "value": 90.0}),
        ("join_success_ratio >= 90%", {"metric": "join_success_ratio", "value": 0.9}),
        ("gave_up_ratio < 0.05", {"metric": "gave_up_ratio", "value": 0.05}),
        ("error_ratio < 2% tier=api", {"op": "<", "value": 0.02, "tier": "api"}),
        (
            "error_ratio <= 1% message='Details not available' tier=api",
            {"message": "Details not available", "tier": "api"},
        ),
        ("peak_listeners >= 500k after +5m", {"value": 500_000.0, "window": (300.0, 10_800.0)}),
        ("stall_ratio <= 1% from -5m to +30m", {"window": (-300.0, 1800.0)}),
        ("stall_ratio <= 1% before +30m", {"window": (-1800.0, 1800.0)}),
        ("ttfa_p95 <= 5s after 20:30", {"window": (1800.0, 10_800.0)}),
        ("ttfa_p95 <= 5s FROM 19:45 TO 20:15", {"window": (-900.0, 900.0)}),
        ("start_delay > 3m", {"metric": "start_delay", "op": ">", "value": 180.0}),
        ("refusals <= 10k reason=cap", {"metric": "refusals", "reason": "cap", "room": None}),
        ("refusals < 1 room=overflow", {"value": 1.0, "reason": None, "room": "overflow"}),
        ("refusals <= 5k reason=overload after +5m", {"window": (300.0, 10_800.0)}),
        ("gave_up_listeners <= 5k before +10m", {"value": 5000.0, "window": (-1800.0, 600.0)}),
        (
            "error_ratio < 1% listener_visible=true tier=cdn",
            {"listener_visible": True, "tier": "cdn", "message": None},
        ),
        ("error_ratio < 1% listener_visible=FALSE", {"listener_visible": False}),
    ],
)
def test_good_expressions(expression: str, expected: dict[str, Any]) -> None:
    gate = parse_gate(expression, "cli-1", CONTEXT)
    assert gate.id == "cli-1"
    fields = gate.model_dump()
    if gate.window is not None:
        fields["window"] = (gate.window.start, gate.window.end)
    assert {key: fields[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "expected 'METRIC OP VALUE [WINDOW]', e.g. 'ttfa_p95 <= 5s after +5m'"),
        ("ttfa_p59 <= 5s", "unknown metric 'ttfa_p59' (did you mean 'ttfa_p99'?)"),
        (
            "join_sucess_ratio >= 90%",
            "unknown metric 'join_sucess_ratio' (did you mean 'join_success_ratio'?)",
        ),
        (
            "latency <= 5s",
            "unknown metric 'latency' (expected one of: ttfa_p50, ttfa_p95, "
            "ttfa_p99, start_delay, join_success_ratio, stall_ratio, error_ratio, "
            "gave_up_ratio, peak_listeners, gave_up_listeners, refusals, segment_download_p95, "
            "slow_segment_ratio)",
        ),
        ("ttfa_p95 5s", "expected an operator (<=, >=, <, >) after 'ttfa_p95'"),
        ("ttfa_p95 == 5s", "unknown operator '=='; expected one of <=, >=, <, >"),
        ("ttfa_p95 => 5s", "unknown operator '=>'; expected one of <=, >=, <, >"),
        ("ttfa_p95 <=", "expected a threshold after '<=', e.g. 5s"),
        (
            "ttfa_p95 <= fast",
            "ttfa_p95 is a duration: expected a duration like 90s, 40m or 2h15m (got 'fast')",
        ),
        (
            "stall_ratio <= 150%",
            "stall_ratio is a ratio: a ratio must be between 0% and 100% (got '150%')",
        ),
        (
            "peak_listeners >= lots",
            "peak_listeners is a count: expected a count like 878k, 1.3M or 8_000_000 (got 'lots')",
        ),
        ("ttfa_p95 <= 5s tier=api", "tier= applies to error_ratio only (got it on ttfa_p95)"),
        ("error_ratio < 2% tier=db", "unknown tier 'db' (expected one of: api, cdn, chat)"),
        ("error_ratio < 2% teir=api", "unknown scope 'teir' (did you mean 'tier'?) in teir=api"),
        ("error_ratio < 2% message=", "message= needs a value"),
        (
            "refusals <= 1k reason=bogus",
            "unknown reason 'bogus' (expected one of: cap, not_started, ended, overload)",
        ),
        ("refusals <= 1k reason=cpa", "unknown reason 'cpa' (did you mean 'cap'?)"),
        (
            "peak_listeners <= 1k room=main",
            "room= applies to refusals only (got it on peak_listeners)",
        ),
        ("refusals <= 1k tier=api", "tier= applies to error_ratio only (got it on refusals)"),
        (
            "refusals <= 1k room=overflow after +5m",
            "a room's refusals are a whole-run total (its Spaces' refused joins): "
            "a window does not apply",
        ),
        (
            "refusals <= 1k room=overflow reason=overload",
            "a room counts its cap refusals only: reason must be cap (got overload)",
        ),
        (
            "error_ratio < 2% listener_visible=yes",
            "unknown listener visible 'yes' (expected one of: true, false)",
        ),
        (
            "error_ratio < 2% listener_visible=true tier=chat",
            "listener_visible counts the listeners' tiers (api, cdn); got tier chat",
        ),
        (
            "error_ratio < 2% listener_visible=true message=x",
            "give message or listener_visible, not both",
        ),
        (
            "error_ratio < 2% message='abc",
            "no closing quotation (quote error texts: message='Details not available')",
        ),
        ("start_delay <= 5m after +5m", "start_delay is one moment: a window does not apply"),
        (
            "ttfa_p95 <= 5s after",
            "expected a window 'after T', 'before T' or 'from T to T' "
            "(T: +5m, -15m, 20:30) (got 'after')",
        ),
        (
            "ttfa_p95 <= 5s during +5m",
            "expected a window 'after T', 'before T' or 'from T to T' "
            "(T: +5m, -15m, 20:30) (got 'during +5m')",
        ),
        (
            "ttfa_p95 <= 5s after soon",
            "bad window time: expected an offset like -15m or +1h40m, "
            "or a clock time like 20:42 (got 'soon')",
        ),
        (
            "ttfa_p95 <= 5s after +4h",
            "the window +4h..+3h is empty (the scenario's window is -30m..+3h)",
        ),
        (
            "ttfa_p95 <= 5s from +10m to +5m",
            "the window +10m..+5m is empty (the scenario's window is -30m..+3h)",
        ),
    ],
)
def test_bad_expressions_name_the_expression_and_what_was_expected(
    expression: str, message: str
) -> None:
    with pytest.raises(UsageError) as caught:
        parse_gate(expression, "cli-1", CONTEXT)
    assert str(caught.value) == f"--gate {expression!r}: {message}"


def test_a_clock_time_needs_the_event() -> None:
    context = GateContext(None, -1800.0, 10_800.0)
    with pytest.raises(UsageError, match=r"a clock time \(20:30\) needs the scenario's event"):
        parse_gate("ttfa_p95 <= 5s after 20:30", "cli-1", context)


def test_ids_count_up_and_skip_the_scenarios_own() -> None:
    gates = parse_gates(["ttfa_p95 <= 5s", "stall_ratio <= 1%"], CONTEXT, taken=["cli-1"])
    assert [g.id for g in gates] == ["cli-2", "cli-3"]


def test_every_bad_expression_is_reported_at_once() -> None:
    with pytest.raises(UsageError) as caught:
        parse_gates(["ttfa_p95 <= fast", "ttfa_p95 <= 5s", "nope < 1"], CONTEXT)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("--gate 'ttfa_p95 <= fast': ")
    assert lines[1].startswith("--gate 'nope < 1': unknown metric 'nope'")


def test_cli_gates_join_the_scenarios_and_expect_overrides() -> None:
    own = Gate(id="ttfa", metric="ttfa_p95", op="<=", value="5s")
    scenario = b.scenario().model_copy(update={"gates": Gates(expect="reproduce", checks=[own])})
    gated = with_cli_gates(scenario, ["stall_ratio <= 1%"], "survive")
    assert gated.gates.expect == "survive"
    assert [g.id for g in gated.gates.checks] == ["ttfa", "cli-1"]
    assert with_cli_gates(scenario) is scenario
    assert with_cli_gates(scenario, [], "reproduce").gates.checks == [own]


def test_the_scenario_model_checks_scopes_too() -> None:
    with pytest.raises(ValueError, match="message applies to error_ratio only"):
        Gate(id="g", metric="stall_ratio", op="<=", value="1%", message="x")
