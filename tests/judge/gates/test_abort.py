"""Early stop: a failed gate is final only when nothing the rest of the run could observe would
turn it into a pass. Verdicts come from the real evaluator on hand-built partial RunResults."""

from __future__ import annotations

from typing import Any

import pytest

from simspace.judge.gates import GateContext, GateVerdict, evaluate_gates, parse_gate
from simspace.judge.gates.abort import beyond_recovery, first_beyond_recovery
from simspace.results.model import Cohort, Percentiles, RunResult, TtfaSamples
from simspace.scenario.facts import Gate
from simspace.scenario.model import Scenario
from tests.report import builders as b

SCENARIO: Scenario = b.scenario()  # window -30m .. +3h; plan grid of 1 minute; speedup 60
CONTEXT = GateContext.of(SCENARIO)
SETTLE_S = 30.0
END = b.WINDOW[1]


def partial(now_t: float, **fields: Any) -> RunResult:
    """What a run observed until `now_t`, as the run session builds it mid-run."""
    extra: dict[str, Any] = {k: fields.pop(k) for k in ("ttfa", "cohorts") if k in fields}
    fields.setdefault("status", "running")
    fields.setdefault("observed_until", now_t)
    return b.result(**fields).model_copy(update=extra)


def judge(
    expression: str, now_t: float, settle_s: float = SETTLE_S, **fields: Any
) -> tuple[str, str | None]:
    """(the evaluator's verdict, beyond_recovery's reason) for one gate at `now_t`."""
    result = partial(now_t, **fields)
    gate = parse_gate(expression, "g", CONTEXT)
    [verdict] = evaluate_gates([gate], result, SCENARIO.window)
    return verdict.verdict, beyond_recovery(gate, verdict, result, now_t, settle_s)


@pytest.mark.parametrize(
    ("expression", "fields", "verdict"),
    [
        ("ttfa_p95 <= 5s", {}, "not_observable"),
        (
            "start_delay <= 5m",
            {"start_delay_s": 60.0, "spaces": [b.space(1, running_at=60.0)]},
            "passed",
        ),
        ("peak_listeners <= 1M", {"peak_listeners": 10.0}, "passed"),
        ("gave_up_ratio <= 10% before +5m", {"cohorts": []}, "not_observable"),
    ],
)
def test_a_verdict_that_did_not_fail_is_never_final(
    expression: str, fields: dict[str, Any], verdict: str
) -> None:
    assert judge(expression, END + 3600.0, **fields) == (verdict, None)


# -- start_delay ---------------------------------------------------------------------------------

LIVE_LATE: dict[str, Any] = {"start_delay_s": 720.0, "spaces": [b.space(1, running_at=720.0)]}
LIVE_EARLY: dict[str, Any] = {"start_delay_s": 120.0, "spaces": [b.space(1, running_at=120.0)]}
NOT_LIVE: dict[str, Any] = {"spaces": [b.space(1)]}


def test_start_delay_late_is_final() -> None:
    assert judge("start_delay <= 5m", 900.0, **LIVE_LATE) == (
        "failed",
        "start_delay: the first Space went live at +12m (threshold <= 5m)",
    )
    assert judge("start_delay < 12m", 900.0, **LIVE_LATE)[1] is not None


def test_start_delay_still_not_live_past_the_threshold_is_final() -> None:
    assert judge("start_delay <= 5m", 600.0, **NOT_LIVE) == (
        "failed",
        "start_delay: the first Space was still not live at +9m30s (threshold <= 5m)",
    )


def test_start_delay_not_live_within_the_settle_margin_can_still_pass() -> None:
    # not live by +5m10s, but the Space may have gone live at +4m50s, still unreported
    assert judge("start_delay <= 5m", 310.0, **NOT_LIVE) == ("failed", None)
    assert judge("start_delay <= 5m", 330.0, **NOT_LIVE) == ("failed", None)
    assert judge("start_delay < 5m", 330.0, **NOT_LIVE)[1] is not None
    # with the horizon unknown, the evaluator's lower bound is the plan's end: only now counts
    verdict, reason = judge("start_delay <= 5m", 200.0, observed_until=None, **NOT_LIVE)
    assert (verdict, reason) == ("failed", None)


def test_start_delay_too_early_is_final_once_live() -> None:
    assert judge("start_delay >= 5m", 900.0, **LIVE_EARLY) == (
        "failed",
        "start_delay: the first Space went live at +2m (threshold >= 5m)",
    )
    assert judge("start_delay > 2m", 900.0, **LIVE_EARLY)[1] is not None


def test_start_delay_lower_bound_below_a_minimum_can_still_grow() -> None:
    assert judge("start_delay >= 30m", 600.0, **NOT_LIVE) == ("not_observable", None)


# -- peak_listeners ------------------------------------------------------------------------------


def rising(t: float) -> float:
    return 1000.0 * max(0.0, t)


def test_peak_over_a_cap_is_final_at_once() -> None:
    verdict, reason = judge("peak_listeners <= 100k from 0s to +1h", 300.0, concurrent=rising)
    assert verdict == "failed"
    assert reason == (
        "peak_listeners: already 300k, and a peak only grows (threshold <= 100k, from 0s to +1h)"
    )
    assert judge("peak_listeners < 100k", 300.0, peak_listeners=2e5, concurrent=rising)[1]


def test_peak_under_a_minimum_is_final_once_its_window_closed() -> None:
    expression = "peak_listeners >= 1M from 0s to +5m"
    # the grid step at +5m is counted, and a server bucket may straddle it: closes at +7m
    assert judge(expression, 300.0, concurrent=rising) == ("failed", None)
    assert judge(expression, 420.0 + SETTLE_S - 1, concurrent=rising) == ("failed", None)
    verdict, reason = judge(expression, 420.0 + SETTLE_S, concurrent=rising)
    assert verdict == "failed"
    assert reason == (
        "peak_listeners: 300k in a window that closed at +7m (threshold >= 1M, from 0s to +5m)"
    )


def test_peak_in_a_window_not_reached_yet_is_not_final() -> None:
    assert judge("peak_listeners <= 1k after +1h", 300.0, concurrent=rising) == (
        "not_observable",
        None,
    )


# -- windows: ttfa and error_ratio ---------------------------------------------------------------

SLOW = TtfaSamples(t=[60.0 * i for i in range(1, 10)], ttfa_s=[9.0] * 9, total=9)


@pytest.mark.parametrize(
    "expression", ["ttfa_p95 <= 5s from 0s to +10m", "ttfa_p50 > 10s before +10m"]
)
def test_ttfa_is_final_once_its_window_closed_and_settled(expression: str) -> None:
    assert judge(expression, 540.0, ttfa=SLOW) == ("failed", None)
    assert judge(expression, 600.0, ttfa=SLOW) == ("failed", None)
    assert judge(expression, 600.0 + SETTLE_S - 0.5, ttfa=SLOW) == ("failed", None)
    verdict, reason = judge(expression, 600.0 + SETTLE_S, ttfa=SLOW)
    assert verdict == "failed"
    assert reason is not None
    metric = expression.split(maxsplit=1)[0]
    assert reason.startswith(f"{metric}: 9s in a window that closed at +10m")


def test_ttfa_without_samples_in_the_window_is_not_final() -> None:
    assert judge("ttfa_p95 <= 5s from +20m to +30m", 3600.0, ttfa=SLOW) == (
        "not_observable",
        None,
    )
    assert judge("ttfa_p95 <= 5s from 0s to +10m", 3600.0) == ("not_observable", None)


def test_an_open_ended_window_closes_only_when_the_run_ends() -> None:
    # `after +5m` runs to the scenario's end (+3h, the plan's end)
    assert judge("ttfa_p95 <= 5s after +5m", END - 1, ttfa=SLOW) == ("failed", None)
    assert judge("ttfa_p95 <= 5s after +5m", END + SETTLE_S, ttfa=SLOW)[1] is not None


def test_a_gate_without_a_window_spans_the_plan() -> None:
    whole: dict[str, Any] = {"ttfa_s": Percentiles(count=9, p50=9.0, p95=9.0, p99=9.0, max=9.0)}
    assert judge("ttfa_p95 <= 5s", 3600.0, **whole) == ("failed", None)
    done: dict[str, Any] = {**whole, "status": "completed", "observed_until": END}
    verdict, reason = judge("ttfa_p95 <= 5s", END + SETTLE_S, **done)
    assert (verdict, reason) == (
        "failed",
        "ttfa_p95: 9s in a window that closed at +3h (threshold <= 5s)",
    )


def test_a_window_cut_short_by_the_servers_timeline_is_not_final() -> None:
    # long past the window, but the timeline stopped at +7m30s: judged on 0s..+7m30s only
    verdict, reason = judge(
        "ttfa_p95 <= 5s from 0s to +10m", 3600.0, observed_until=450.0, ttfa=SLOW
    )
    assert (verdict, reason) == ("failed", None)


FAILING_API: dict[str, Any] = {
    "requests": b.requests("api", (0.0, 50.0, 50.0), (240.0, 50.0, 50.0), (600.0, 100.0, 0.0))
}


@pytest.mark.parametrize(
    ("expression", "closes_at"),
    [
        # request buckets are `plan.speedup` (60) event seconds: the one at +5m is not counted,
        # but the bucket holding an end between steps is
        ("error_ratio < 2% from 0s to +5m", 360.0),
        ("error_ratio < 2% from 0s to +5m30s", 360.0),
        ("error_ratio > 60% tier=api from 0s to +5m", 360.0),
    ],
)
def test_error_ratio_is_final_once_its_last_bucket_closed(
    expression: str, closes_at: float
) -> None:
    assert judge(expression, closes_at + SETTLE_S - 1, **FAILING_API) == ("failed", None)
    verdict, reason = judge(expression, closes_at + SETTLE_S, **FAILING_API)
    assert verdict == "failed"
    assert reason is not None
    assert "50% in a window that closed at +6m" in reason


def test_the_settle_margin_delays_a_closed_window() -> None:
    expression = "error_ratio < 2% from 0s to +5m"
    assert judge(expression, 360.0, settle_s=0.0, **FAILING_API)[1] is not None
    assert judge(expression, 360.0, settle_s=120.0, **FAILING_API)[1] is None
    assert judge(expression, 480.0, settle_s=120.0, **FAILING_API)[1] is not None


# -- cohort ratios -------------------------------------------------------------------------------


def cohort(arrived: float, heard: float, gave_up: float, stalls: float = 0.0) -> list[Cohort]:
    """Arrivals in the steps at 0s and +4m (half each); +10m's arrivals fall outside windows."""
    half = [c / 2 for c in (arrived, heard, gave_up, stalls)]
    late = Cohort(t=600.0, arrived=1e6, heard=1e6, gave_up=0.0, stalls=0.0)
    return [
        Cohort(t=0.0, arrived=half[0], heard=half[1], gave_up=half[2], stalls=half[3]),
        Cohort(t=240.0, arrived=half[0], heard=half[1], gave_up=half[2], stalls=half[3]),
        late,
    ]


CLOSED = 300.0 + SETTLE_S  # the arrival step at +4m ends at +5m


def test_join_success_is_final_when_even_every_undecided_listener_could_not_lift_it() -> None:
    expression = "join_success_ratio >= 90% before +5m"
    lost = cohort(arrived=1000.0, heard=300.0, gave_up=600.0)
    assert judge(expression, CLOSED - 1, cohorts=lost) == ("failed", None)
    verdict, reason = judge(expression, CLOSED, cohorts=lost)
    assert verdict == "failed"
    assert reason == (
        "join_success_ratio: at most 70% even if everyone still waiting hears audio "
        "(threshold >= 90%, before +5m)"
    )
    assert judge("join_success_ratio > 70% before +5m", CLOSED, cohorts=lost)[1] is not None


def test_join_success_that_the_undecided_could_still_lift_is_not_final() -> None:
    waiting = cohort(arrived=1000.0, heard=300.0, gave_up=50.0)
    assert judge("join_success_ratio >= 90% before +5m", CLOSED, cohorts=waiting) == (
        "failed",
        None,
    )


def test_join_success_counts_give_ups_after_a_rejoin_as_maybe_heard() -> None:
    # 500 heard, then were booted, rejoined and gave up; 500 are still waiting and may all hear:
    # `arrived - heard - gave_up` would say nobody is undecided and stop a run that could pass
    rejoined = cohort(arrived=1000.0, heard=500.0, gave_up=500.0)
    assert judge("join_success_ratio >= 90% before +5m", CLOSED, cohorts=rejoined) == (
        "failed",
        None,
    )
    # at least 200 of 700 give-ups were by listeners who never heard: at most 80% can hear
    more_gone = cohort(arrived=1000.0, heard=500.0, gave_up=700.0)
    assert judge("join_success_ratio >= 90% before +5m", CLOSED, cohorts=more_gone)[1] == (
        "join_success_ratio: at most 80% even if everyone still waiting hears audio "
        "(threshold >= 90%, before +5m)"
    )
    borderline = cohort(arrived=1000.0, heard=500.0, gave_up=600.0)  # at most 90%: can pass
    assert judge("join_success_ratio >= 90% before +5m", CLOSED, cohorts=borderline)[1] is None


def test_join_success_over_a_cap_is_final_once_the_cohort_is_fixed() -> None:
    heard = cohort(arrived=1000.0, heard=600.0, gave_up=0.0)
    assert judge("join_success_ratio <= 50% before +5m", 200.0, cohorts=heard) == (
        "failed",
        None,
    )
    verdict, reason = judge("join_success_ratio <= 50% before +5m", CLOSED, cohorts=heard)
    assert verdict == "failed"
    assert reason == (
        "join_success_ratio: already 60%, and it only grows (threshold <= 50%, before +5m)"
    )


def test_gave_up_over_a_cap_is_final_once_the_cohort_is_fixed() -> None:
    gone = cohort(arrived=1000.0, heard=100.0, gave_up=300.0)
    assert judge("gave_up_ratio <= 10% before +5m", CLOSED - 1, cohorts=gone) == ("failed", None)
    verdict, reason = judge("gave_up_ratio <= 10% before +5m", CLOSED, cohorts=gone)
    assert verdict == "failed"
    assert reason == (
        "gave_up_ratio: already 30%, and give-ups only grow (threshold <= 10%, before +5m)"
    )


def test_gave_up_under_a_minimum_is_never_final() -> None:
    few = cohort(arrived=1000.0, heard=100.0, gave_up=300.0)
    assert judge("gave_up_ratio >= 50% before +5m", END, cohorts=few) == ("failed", None)


def test_stall_ratio_over_a_cap_is_final_when_the_undecided_could_not_dilute_it() -> None:
    expression = "stall_ratio <= 5% before +5m"
    stuck = cohort(arrived=1000.0, heard=300.0, gave_up=600.0, stalls=100.0)
    assert judge(expression, CLOSED - 1, cohorts=stuck) == ("failed", None)
    verdict, reason = judge(expression, CLOSED, cohorts=stuck)
    assert verdict == "failed"
    assert reason is not None
    assert reason.startswith("stall_ratio: at least 14.3% even if everyone still waiting")
    diluted = cohort(arrived=1000.0, heard=300.0, gave_up=100.0, stalls=30.0)
    assert judge(expression, CLOSED, cohorts=diluted) == ("failed", None)


def test_stall_ratio_under_a_minimum_is_never_final() -> None:
    calm = cohort(arrived=1000.0, heard=900.0, gave_up=100.0, stalls=9.0)
    assert judge("stall_ratio >= 50% before +5m", END, cohorts=calm) == ("failed", None)


def test_a_cohort_in_an_open_ended_window_is_never_final_mid_run() -> None:
    gone = cohort(arrived=1000.0, heard=100.0, gave_up=300.0)[:2]
    assert judge("gave_up_ratio <= 10% after 0s", END - 60.0, cohorts=gone) == ("failed", None)
    assert judge("gave_up_ratio <= 10% after 0s", END + 60.0 + SETTLE_S, cohorts=gone)[1]


# -- first_beyond_recovery -----------------------------------------------------------------------


def gates_and_verdicts(
    *expressions: tuple[str, bool], result: RunResult
) -> tuple[list[Gate], list[GateVerdict]]:
    gates = [
        parse_gate(e, f"g{i}", CONTEXT).model_copy(update={"abort_on_fail": abort})
        for i, (e, abort) in enumerate(expressions)
    ]
    return gates, evaluate_gates(gates, result, SCENARIO.window)


def test_first_beyond_recovery_considers_only_gates_that_opted_in() -> None:
    result = partial(900.0, **LIVE_LATE, peak_listeners=2e6)
    gates, verdicts = gates_and_verdicts(
        ("start_delay <= 5m", False),
        ("ttfa_p95 <= 5s", True),
        ("peak_listeners <= 1M", True),
        ("start_delay <= 10m", True),
        result=result,
    )
    found = first_beyond_recovery(gates, verdicts, result, 900.0, SETTLE_S)
    assert found is not None
    assert (found[0].id, found[1]) == (
        "g2",
        "peak_listeners: already 2M, and a peak only grows (threshold <= 1M)",
    )
    quiet, quiet_verdicts = gates_and_verdicts(("start_delay <= 5m", False), result=result)
    assert first_beyond_recovery(quiet, quiet_verdicts, result, 900.0, SETTLE_S) is None


def test_mismatched_gates_and_verdicts_are_a_programming_error() -> None:
    result = partial(900.0, **LIVE_LATE)
    gates, verdicts = gates_and_verdicts(
        ("start_delay <= 5m", True), ("ttfa_p95 <= 5s", True), result=result
    )
    with pytest.raises(ValueError, match="2 gates but 1 verdicts"):
        first_beyond_recovery(gates, verdicts[:1], result, 900.0, SETTLE_S)
    with pytest.raises(ValueError, match="not gate 'g0'"):
        first_beyond_recovery(gates, verdicts[::-1], result, 900.0, SETTLE_S)
    with pytest.raises(ValueError, match="settle_s"):
        beyond_recovery(gates[0], verdicts[0], result, 900.0, -1.0)


def test_abort_on_fail_is_off_unless_a_gate_opts_in() -> None:
    fields = {"id": "late", "metric": "start_delay", "op": "<=", "value": "5m"}
    assert Gate.model_validate(fields).abort_on_fail is False
    assert Gate.model_validate({**fields, "abort_on_fail": True}).abort_on_fail is True


# -- counts that only grow: refusals and give-ups --------------------------------------------------


def judge_refusals(expression: str, now_t: float) -> tuple[str, str | None]:
    """Like `judge`, on a partial result whose api tier refused 1/s for a full room until
    `now_t`."""
    api = b.tier(1000.0, lambda _t: 0.0, rejected={"listener_cap": lambda t: float(t < now_t)})
    result = partial(now_t).model_copy(update={"tiers": {"api": api}})
    gate = parse_gate(expression, "g", CONTEXT)
    [verdict] = evaluate_gates([gate], result, SCENARIO.window)
    return verdict.verdict, beyond_recovery(gate, verdict, result, now_t, SETTLE_S)


def test_refusals_over_a_cap_are_final_at_once() -> None:
    # 1/s from -30m: 1.8k refused by 0s
    assert judge_refusals("refusals <= 1k reason=cap", 0.0) == (
        "failed",
        "refusals: already 1.8k, and refusals only add up (threshold <= 1k, reason=cap)",
    )
    assert judge_refusals("refusals <= 10k reason=cap", 0.0) == ("passed", None)


def test_too_few_refusals_are_final_once_the_window_closed() -> None:
    expression = "refusals >= 1M reason=cap from -30m to 0s"
    # the timeline steps that start before 0s, and a bucket straddling the last: closes at +1m
    assert judge_refusals(expression, 0.0) == ("failed", None)
    assert judge_refusals(expression, 60.0 + SETTLE_S - 1) == ("failed", None)
    verdict, reason = judge_refusals(expression, 60.0 + SETTLE_S)
    assert verdict == "failed"
    assert reason == (
        "refusals: 1.8k in a window that closed at +1m (threshold >= 1M, reason=cap before 0s)"
    )
    # a room's total spans the run: it closes only when the run ends
    room = "refusals >= 1 room=main"
    assert judge(room, 3600.0, spaces=[b.space(1)]) == ("failed", None)


GIVE_UPS = [Cohort(t=0.0, arrived=1000.0, heard=0.0, gave_up=400.0, stalls=0.0)]


def test_give_ups_over_a_cap_are_final_at_once_and_too_few_never() -> None:
    assert judge("gave_up_listeners <= 100 from 0s to +5m", 120.0, cohorts=GIVE_UPS) == (
        "failed",
        "gave_up_listeners: already 400, and give-ups only add up (threshold <= 100, "
        "from 0s to +5m)",
    )
    # anyone still waiting could give up, however long after the window
    assert judge("gave_up_listeners >= 1k from 0s to +5m", END + 3600.0, cohorts=GIVE_UPS) == (
        "failed",
        None,
    )
