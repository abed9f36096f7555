"""The measures facts and gates share: refusals by reason from the api tier's timeline, arrival
cohorts within a window, error ratios narrowed to the texts the platform shows, a room's Spaces."""

from __future__ import annotations

from typing import Any

import pytest

from simspace.judge import measures
from simspace.results.model import Cohort, ErrorCount, RunResult
from simspace.scenario.facts import EventWindow
from simspace.scenario.platform import REFUSAL_REASONS, RefusalReason
from tests.report import builders as b

MIN = 60.0

# Rates per event-second on the one-minute grid: each step of a constant rate r holds 60 r.
RATES = {
    "listener_cap": 1.0,
    "session_limit": 2.0,
    "not_started": 4.0,
    "space_ended": 8.0,
    "not_found": 16.0,
    "overload": 32.0,
    "rate_limited": 64.0,
    "booted": 1000.0,  # not a refusal
    "bad_request": 1000.0,  # not a refusal
}
TIMED_OUT = 128.0
STEPS = len(b.grid())  # 211 steps of 60 s over -30m .. +3h


def constant(rate: float) -> b.Series:
    return lambda _t: rate


def with_api(rates: dict[str, float], timed_out: float = 0.0, **fields: Any) -> RunResult:
    rejected = {reason: constant(rate) for reason, rate in rates.items()}
    api = b.tier(1000.0, constant(0.0), rejected=rejected, timed_out=constant(timed_out))
    return b.result(**fields).model_copy(update={"tiers": {"api": api}})


RUN = with_api(RATES, TIMED_OUT)


@pytest.mark.parametrize(
    ("reason", "rate"),
    [
        ("cap", 1.0 + 2.0),
        ("not_started", 4.0),
        ("ended", 8.0 + 16.0),
        ("overload", 32.0 + 64.0 + TIMED_OUT),
        (None, 255.0),
    ],
)
def test_refusals_sum_their_timeline_reasons_over_the_run(
    reason: RefusalReason | None, rate: float
) -> None:
    assert measures.refusals(RUN, reason, None).value == pytest.approx(rate * 60.0 * STEPS)


def test_every_refusal_reason_reads_some_column() -> None:
    assert set(measures.REFUSAL_COLUMNS) == set(REFUSAL_REASONS)


def test_refusals_within_a_window_take_the_steps_that_start_inside_it() -> None:
    window = EventWindow(start=0.0, end=10 * MIN)  # steps 0s, +1m .. +9m: ten of them
    assert measures.refusals(RUN, "cap", window).value == pytest.approx(3.0 * 60.0 * 10)
    short = EventWindow(start=30.0, end=50.0)  # no step starts inside
    empty = measures.refusals(RUN, "cap", short)
    assert (empty.value, empty.reason) == (None, "the timeline has no step starting in +30s..+50s")


def test_a_result_without_an_api_timeline_shows_no_refusals() -> None:
    missing = measures.refusals(b.result(), None, None)
    assert (missing.value, missing.reason) == (None, "the result has no timeline of the api tier")


def test_older_results_cannot_tell_not_started_from_ended() -> None:
    old = with_api({"not_running": 5.0, "listener_cap": 1.0})
    for reason in ("not_started", "ended"):
        measured = measures.refusals(old, reason, None)
        assert measured.value is None
        assert "`not_running`" in measured.reason
    assert measures.refusals(old, None, None).value == pytest.approx(6.0 * 60.0 * STEPS)
    assert measures.refusals(old, "cap", None).value == pytest.approx(60.0 * STEPS)
    never = with_api({"not_running": 0.0})  # the column is there but nothing was refused
    assert measures.refusals(never, "ended", None).value == 0.0


COHORTS = [
    Cohort(t=0.0, arrived=1000.0, heard=400.0, gave_up=600.0, stalls=40.0),
    Cohort(t=600.0, arrived=3000.0, heard=3000.0, gave_up=0.0, stalls=30.0),
]
COHORT_RUN = b.result(
    join_success_ratio=0.85, gave_up_ratio=0.15, stall_ratio=0.02, gave_up=600.0
).model_copy(update={"cohorts": COHORTS})
EARLY = EventWindow(start=-5 * MIN, end=5 * MIN)


@pytest.mark.parametrize(
    ("metric", "window", "value"),
    [
        ("join_success_ratio", None, 0.85),
        ("join_success_ratio", EARLY, 0.4),
        ("gave_up_ratio", EARLY, 0.6),
        ("gave_up_listeners", None, 600.0),
        ("gave_up_listeners", EARLY, 600.0),
        ("gave_up_listeners", EventWindow(start=5 * MIN, end=20 * MIN), 0.0),
        ("stall_ratio", EventWindow(start=5 * MIN, end=20 * MIN), 0.01),
    ],
)
def test_cohort_measures(
    metric: measures.CohortMetric, window: EventWindow | None, value: float
) -> None:
    assert measures.cohort_measure(metric, COHORT_RUN, window).value == pytest.approx(value)


def test_cohort_measures_without_arrivals() -> None:
    later = EventWindow(start=60 * MIN, end=90 * MIN)
    assert measures.cohort_measure("join_success_ratio", COHORT_RUN, later).reason == (
        "no listener arrived in +1h..+1h30m"
    )
    old = b.result()  # no cohorts, 1000 arrived
    assert measures.cohort_measure("gave_up_listeners", old, EARLY).value is None
    nobody = b.result(arrived=0.0)
    assert measures.cohort_measure("gave_up_listeners", nobody, EARLY).value == 0.0


SHOWN = ("Details not available", "This Space is not available")
ERRORS_RUN = b.result(
    requests=[
        *b.requests("api", (0.0, 60.0, 40.0)),
        *b.requests("cdn", (0.0, 880.0, 20.0)),
        *b.requests("attack", (0.0, 0.0, 5000.0)),
    ]
).model_copy(
    update={
        "errors": [
            ErrorCount(t=0.0, tier="api", message="Details not available", weight=30.0),
            ErrorCount(t=0.0, tier="api", message="HTTP 503", weight=10.0),
            ErrorCount(t=0.0, tier="cdn", message="This Space is not available", weight=20.0),
            ErrorCount(t=0.0, tier="attack", message="Details not available", weight=5000.0),
        ]
    }
)


@pytest.mark.parametrize(
    ("tier", "messages", "listener_tiers", "ratio"),
    [
        (None, None, False, 5060 / 6000),  # every failure, the flood's too
        (None, None, True, 60 / 1000),  # the listeners' requests only
        (None, SHOWN, True, 50 / 1000),  # and only the texts the platform shows
        ("api", SHOWN, True, 30 / 100),
        ("cdn", SHOWN, True, 20 / 900),
        ("api", ("HTTP 503",), False, 10 / 100),
    ],
)
def test_error_ratios(
    tier: str | None, messages: tuple[str, ...] | None, listener_tiers: bool, ratio: float
) -> None:
    measured = measures.error_ratio(ERRORS_RUN, tier, None, messages, listener_tiers)
    assert measured.value == pytest.approx(ratio)


def test_error_ratio_without_requests_says_where() -> None:
    window = EventWindow(start=MIN, end=2 * MIN)
    measured = measures.error_ratio(ERRORS_RUN, None, window, SHOWN, listener_tiers=True)
    assert measured.reason == "no requests were sent on the listeners' tiers in +1m..+2m"
    assert measures.error_ratio(b.result(), None, None).reason == (
        "the result has no per-bucket request counts (older format)"
    )


def test_a_rooms_spaces_and_their_refusals() -> None:
    spaces = [
        b.space(1, room="main").model_copy(update={"refused_listeners": 100.0}),
        b.space(2, room="overflow").model_copy(update={"refused_listeners": 7.0}),
        b.space(3, room="main").model_copy(update={"refused_listeners": 50.0}),
    ]
    run = b.result(spaces=spaces)
    main = measures.room_spaces(run, "main")
    assert [s.ordinal for s in main] == [1, 3]
    assert measures.room_refusals(main) == 150.0
    assert measures.room_spaces(run, "lobby") == []
