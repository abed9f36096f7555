"""Each gate metric observed on hand-built RunResults, whole-run and within windows."""

from __future__ import annotations

from typing import Any

import pytest

from simspace.judge.gates import GateContext, GateVerdict, evaluate_gates, parse_gate
from simspace.results.model import Cohort, ErrorCount, Percentiles, RunResult, TtfaSamples
from simspace.scenario.model import Scenario
from tests.report import builders as b

SCENARIO: Scenario = b.scenario()  # window -30m .. +3h
CONTEXT = GateContext.of(SCENARIO)


def judge(expression: str, result: RunResult) -> GateVerdict:
    gate = parse_gate(expression, "cli-1", CONTEXT)
    return evaluate_gates([gate], result, SCENARIO.window)[0]


def run(**fields: Any) -> RunResult:
    extra: dict[str, Any] = {k: fields.pop(k) for k in ("ttfa", "cohorts", "errors") if k in fields}
    return b.result(**fields).model_copy(update=extra)


def ttfa(*samples: tuple[float, float], total: int | None = None) -> TtfaSamples:
    return TtfaSamples(
        t=[t for t, _ in samples],
        ttfa_s=[v for _, v in samples],
        total=len(samples) if total is None else total,
    )


WHOLE = run(ttfa_s=Percentiles(count=100, p50=1.0, p95=7.2, p99=9.0, max=12.0))


@pytest.mark.parametrize(
    ("expression", "verdict", "line"),
    [
        ("ttfa_p95 <= 5s", "failed", "FAILED ttfa_p95: observed 7.2s, threshold <= 5s"),
        ("ttfa_p95 <= 7.2s", "passed", "PASSED ttfa_p95: observed 7.2s, threshold <= 7.2s"),
        ("ttfa_p95 < 7.2s", "failed", "FAILED ttfa_p95: observed 7.2s, threshold < 7.2s"),
        ("ttfa_p50 <= 2s", "passed", "PASSED ttfa_p50: observed 1s, threshold <= 2s"),
        ("ttfa_p99 > 10s", "failed", "FAILED ttfa_p99: observed 9s, threshold > 10s"),
    ],
)
def test_whole_run_ttfa_percentiles(expression: str, verdict: str, line: str) -> None:
    v = judge(expression, WHOLE)
    assert (v.verdict, v.line) == (verdict, line)
    assert v.id == "cli-1"


def test_ttfa_without_listeners_is_not_observable() -> None:
    v = judge("ttfa_p95 <= 5s", b.result())
    assert v.verdict == "not_observable"
    assert v.observed is None
    assert v.line == "NOT OBSERVABLE ttfa_p95: no listener heard audio; threshold <= 5s"


def test_windowed_ttfa_takes_listeners_whose_first_audio_came_inside() -> None:
    samples = ttfa(*[(60.0, 30.0)] * 50, *[(600.0 + i, 1.0 + i / 10) for i in range(100)])
    v = judge("ttfa_p95 <= 5s after +5m", run(ttfa=samples))
    # 100 samples after +5m: 1.0 .. 10.9 s; the nearest-rank p95 is the 95th: 10.4 s
    assert v.observed == pytest.approx(10.4)
    assert v.line == "FAILED ttfa_p95: observed 10.4s, threshold <= 5s (after +5m)"
    v = judge("ttfa_p50 <= 31s before +5m", run(ttfa=samples))
    assert (v.verdict, v.observed, v.scope) == ("passed", 30.0, "before +5m")


def test_windowed_ttfa_says_when_samples_were_thinned() -> None:
    v = judge("ttfa_p95 <= 5s from 0s to +10m", run(ttfa=ttfa((60.0, 2.0), total=4)))
    assert v.verdict == "passed"
    assert v.reason == "from 1 of 4 samples, evenly thinned"
    assert v.line.endswith("(from 0s to +10m) [from 1 of 4 samples, evenly thinned]")


def test_windowed_ttfa_without_samples_is_not_observable() -> None:
    assert judge("ttfa_p95 <= 5s after +5m", b.result()).reason == (
        "the result has no time-to-first-audio samples (older format)"
    )
    v = judge("ttfa_p95 <= 5s after +1h", run(ttfa=ttfa((60.0, 2.0))))
    assert v.verdict == "not_observable"
    assert v.line == (
        "NOT OBSERVABLE ttfa_p95: no listener's first audio came in +1h..+3h; "
        "threshold <= 5s (after +1h)"
    )


COHORTS = [
    Cohort(t=0.0, arrived=1000.0, heard=500.0, gave_up=500.0, stalls=100.0),
    Cohort(t=600.0, arrived=1000.0, heard=1000.0, gave_up=0.0, stalls=10.0),
]
RATIOS = run(join_success_ratio=0.75, gave_up_ratio=0.25, stall_ratio=0.11 / 1.5, cohorts=COHORTS)


@pytest.mark.parametrize(
    ("expression", "observed"),
    [
        ("join_success_ratio >= 90%", 0.75),
        ("join_success_ratio >= 90% after +5m", 1.0),
        ("join_success_ratio >= 90% before +5m", 0.5),
        ("gave_up_ratio <= 10%", 0.25),
        ("gave_up_ratio <= 10% before +5m", 0.5),
        ("stall_ratio <= 5%", 0.11 / 1.5),
        ("stall_ratio <= 5% from 0s to +10m", 0.2),
        ("stall_ratio <= 5% from +10m to +3h", 0.01),
    ],
)
def test_listener_ratios_whole_run_and_by_arrival_cohort(expression: str, observed: float) -> None:
    v = judge(expression, RATIOS)
    assert v.observed == pytest.approx(observed)
    op = expression.split()[1]
    assert v.verdict == ("passed" if (observed >= 0.9 if op == ">=" else observed <= (
        0.1 if "gave_up" in expression else 0.05)) else "failed")  # fmt: skip


def test_listener_ratios_with_nobody_are_not_observable() -> None:
    assert judge("join_success_ratio >= 90%", b.result()).reason == "no listener arrived"
    assert judge("stall_ratio <= 1%", b.result()).reason == "no listener heard audio"
    v = judge("stall_ratio <= 1% after +2h", RATIOS)
    assert v.reason == "no listener who arrived in +2h..+3h heard audio"
    v = judge("gave_up_ratio <= 1% after +2h", RATIOS)
    assert (v.verdict, v.reason) == ("not_observable", "no listener arrived in +2h..+3h")


REQUESTS = run(
    error_ratio=0.3,
    error_ratio_by_tier={"api": 0.5, "cdn": 0.1},
    requests=[
        *b.requests("api", (0.0, 50.0, 50.0), (600.0, 100.0, 0.0)),
        *b.requests("cdn", (0.0, 90.0, 10.0)),
    ],
    errors=[
        ErrorCount(t=0.0, tier="api", message="Details not available", weight=40.0),
        ErrorCount(t=0.0, tier="api", message="timeout", weight=10.0),
        ErrorCount(t=0.0, tier="cdn", message="timeout", weight=10.0),
    ],
)


@pytest.mark.parametrize(
    ("expression", "observed"),
    [
        ("error_ratio < 2%", 0.3),
        ("error_ratio < 2% tier=api", 0.5),
        ("error_ratio < 2% tier=api after +5m", 0.0),
        ("error_ratio < 2% before +5m", 60 / 200),
        ("error_ratio < 2% message='Details not available'", 40 / 300),
        ("error_ratio < 2% message=timeout tier=cdn", 0.1),
        ("error_ratio < 2% message=timeout before +5m", 20 / 200),
    ],
)
def test_error_ratio_by_tier_message_and_window(expression: str, observed: float) -> None:
    v = judge(expression, REQUESTS)
    assert v.observed == pytest.approx(observed)
    assert v.verdict == ("passed" if observed < 0.02 else "failed")


def test_error_ratio_lines_show_the_scope() -> None:
    v = judge("error_ratio < 2% tier=api after +5m", REQUESTS)
    assert v.line == "PASSED error_ratio: observed 0%, threshold < 2% (tier=api after +5m)"
    v = judge("error_ratio < 2% tier=chat", REQUESTS)
    assert v.line == (
        "NOT OBSERVABLE error_ratio: no requests were sent on the chat tier; "
        "threshold < 2% (tier=chat)"
    )


def test_peak_listeners_whole_run_and_within_a_window() -> None:
    result = b.result(peak_listeners=900_000.0, concurrent=lambda t: 1000.0 * max(0.0, t))
    assert judge("peak_listeners >= 500k", result).line == (
        "PASSED peak_listeners: observed 900k, threshold >= 500k"
    )
    v = judge("peak_listeners >= 500k from 0s to +5m", result)
    assert (v.verdict, v.observed) == ("failed", 300_000.0)


def test_start_delay_observed_or_a_lower_bound() -> None:
    live = b.result(start_delay_s=600.0, spaces=[b.space(1, running_at=600.0)])
    assert judge("start_delay >= 3m", live).line == (
        "PASSED start_delay: observed 10m, threshold >= 3m"
    )
    never = b.result(spaces=[b.space(1)])
    v = judge("start_delay <= 5m", never)
    assert (v.verdict, v.observed, v.observed_at_least) == ("failed", 10_800.0, True)
    assert v.line == (
        "FAILED start_delay: observed >= 3h, threshold <= 5m "
        "[the first Space had not gone live by +3h]"
    )
    assert judge("start_delay >= 3m", never).verdict == "passed"
    assert judge("start_delay <= 4h", never).verdict == "not_observable"
    assert judge("start_delay >= 4h", never).verdict == "not_observable"
    assert judge("start_delay <= 5m", b.result()).reason == "the server recorded no Space"
    # The server's timeline reached +20m and no host managed to create a Space: a lower bound.
    none_yet = b.result().model_copy(update={"status": "running", "observed_until": 1200.0})
    v = judge("start_delay <= 5m", none_yet)
    assert (v.verdict, v.observed, v.observed_at_least) == ("failed", 1200.0, True)
    assert v.reason == "no Space had been created by +20m"


def test_a_window_the_run_did_not_reach_is_cut_or_not_observable() -> None:
    short = run(t_end=900.0, cohorts=COHORTS, join_success_ratio=0.75)
    v = judge("join_success_ratio >= 90% after +5m", short)
    assert (v.verdict, v.observed) == ("passed", 1.0)
    assert v.reason == "judged on +5m..+15m only"
    v = judge("join_success_ratio >= 90% after +1h", short)
    assert v.verdict == "not_observable"
    assert v.reason == "the run observed -30m..+15m, none of +1h..+3h"


def test_a_failed_run_is_judged_until_its_timeline_ends() -> None:
    broken = run(status="failed", observed_until=300.0, cohorts=COHORTS)
    v = judge("join_success_ratio >= 90% from 0s to +20m", broken)
    assert v.reason == "judged on 0s..+5m only"
    assert v.observed == pytest.approx(0.5)


def test_without_bounds_the_plan_span_prints_the_window() -> None:
    gate = parse_gate("ttfa_p95 <= 5s after +5m", "g", CONTEXT)
    [v] = evaluate_gates([gate], WHOLE)
    assert v.scope == "after +5m"


# refusals, give-ups and the errors listeners could see


def refusing(**fields: Any) -> RunResult:
    """The api tier refused 1/s for a full room and 2/s for overload, 1/s of its requests timed
    out, on the one-minute grid."""
    api = b.tier(
        1000.0,
        lambda _t: 0.0,
        rejected={"listener_cap": lambda _t: 1.0, "overload": lambda _t: 2.0},
        timed_out=lambda _t: 1.0,
    )
    spaces = [
        b.space(1, room="main").model_copy(update={"refused_listeners": 4000.0}),
        b.space(2, room="overflow").model_copy(update={"refused_listeners": 10.0}),
        b.space(3, room="main").model_copy(update={"refused_listeners": 1000.0}),
    ]
    return run(spaces=spaces, **fields).model_copy(update={"tiers": {"api": api}})


STEPS = len(b.grid())


@pytest.mark.parametrize(
    ("expression", "observed", "line"),
    [
        (
            "refusals <= 1k reason=cap from 0s to +10m",
            600.0,
            "PASSED refusals: observed 600, threshold <= 1k (reason=cap from 0s to +10m)",
        ),
        (
            "refusals <= 1k reason=overload from 0s to +10m",
            1800.0,
            "FAILED refusals: observed 1.8k, threshold <= 1k (reason=overload from 0s to +10m)",
        ),
        (
            "refusals < 1 reason=ended",
            0.0,
            "PASSED refusals: observed 0, threshold < 1 (reason=ended)",
        ),
        ("refusals <= 1M", 4.0 * 60.0 * STEPS, None),
        (
            "refusals <= 1k room=main",
            5000.0,
            "FAILED refusals: observed 5k, threshold <= 1k (room=main)",
        ),
        (
            "refusals >= 1 room=lobby",
            0.0,
            "FAILED refusals: observed 0, threshold >= 1 (room=lobby) [room lobby never opened]",
        ),
    ],
)
def test_refusals(expression: str, observed: float, line: str | None) -> None:
    v = judge(expression, refusing())
    assert v.observed == pytest.approx(observed)
    if line is not None:
        assert v.line == line


def test_refusals_need_the_platform_side() -> None:
    from simspace.results.model import TARGET_OBSERVER  # noqa: PLC0415

    real = refusing().model_copy(update={"observer": TARGET_OBSERVER})
    v = judge("refusals <= 1k reason=cap", real)
    assert (v.verdict, v.reason) == ("not_observable", TARGET_OBSERVER.unobserved_reason)
    assert v.refusal_reason == "cap"


@pytest.mark.parametrize(
    ("expression", "observed"),
    [
        ("gave_up_listeners <= 100", 500.0),
        ("gave_up_listeners <= 100 before +5m", 500.0),
        ("gave_up_listeners <= 100 after +5m", 0.0),
    ],
)
def test_gave_up_listeners(expression: str, observed: float) -> None:
    v = judge(expression, run(gave_up=500.0, cohorts=COHORTS))
    assert v.observed == observed
    assert v.verdict == ("passed" if observed <= 100 else "failed")
    assert v.unit == "count"


SHOWN = ("Details not available", "Could not fetch Space")
VISIBLE = run(
    requests=[
        *b.requests("api", (0.0, 50.0, 50.0)),
        *b.requests("cdn", (0.0, 90.0, 10.0)),
        *b.requests("attack", (0.0, 0.0, 800.0)),
    ],
    errors=[
        ErrorCount(t=0.0, tier="api", message="Details not available", weight=40.0),
        ErrorCount(t=0.0, tier="api", message="timeout", weight=10.0),
        ErrorCount(t=0.0, tier="cdn", message="Could not fetch Space", weight=10.0),
        ErrorCount(t=0.0, tier="attack", message="Details not available", weight=800.0),
    ],
)


def test_error_ratio_the_listeners_could_see() -> None:
    gate = parse_gate("error_ratio < 2% listener_visible=true", "g", CONTEXT)
    [v] = evaluate_gates([gate], VISIBLE, SCENARIO.window, SHOWN)
    assert v.observed == pytest.approx(50 / 200)
    assert v.line == "FAILED error_ratio: observed 25%, threshold < 2% (listener_visible)"
    assert v.listener_visible
    gate = parse_gate("error_ratio < 2% listener_visible=true tier=cdn after +5m", "g", CONTEXT)
    [v] = evaluate_gates([gate], VISIBLE, SCENARIO.window, SHOWN)
    assert v.reason == "no requests were sent on the cdn tier in +5m..+3h"


def test_error_ratio_the_listeners_could_see_needs_the_texts() -> None:
    v = judge("error_ratio < 2% listener_visible=true", VISIBLE)
    assert (v.verdict, v.reason) == (
        "not_observable",
        "the platform's error texts were not given (judge with the scenario)",
    )
