"""The facts about arrivals, rooms and refusals, judged on hand-made results: join success and
give-ups (whole run, by arrival window, lower bounds on a cut run), refusals by reason and of a
room, a room's peak, and the error ratio the listeners could see."""

from __future__ import annotations

from typing import Any

import pytest

from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import FactVerdict
from simspace.results.model import TARGET_OBSERVER, Cohort, ErrorCount, RunResult
from simspace.scenario.model import Scenario
from tests.report import builders as b

MIN = 60.0
HOUR = 3600.0
STEPS = len(b.grid())  # one-minute steps over the scenario's window, -30m .. +3h


def with_rooms(fact: dict[str, Any]) -> Scenario:
    """The reporter's test scenario with overflow rooms `overflow` and `lobby` and the default
    error texts, holding `fact`."""
    data = b.scenario().model_dump(mode="json", exclude_defaults=True)
    data["platform"].pop("errors", None)
    data["platform"]["rooms"] = [{"id": "overflow"}, {"id": "lobby", "opens": "by_action"}]
    return Scenario.model_validate({**data, "facts": [b.fact(**fact)]})


def verdict(fact: dict[str, Any], run: RunResult) -> FactVerdict:
    return compare(with_rooms(fact), run).verdicts[0]


def with_fields(run: RunResult, **fields: Any) -> RunResult:
    return run.model_copy(update=fields)


# join success and give-ups, by arrival

COHORTS = [
    Cohort(t=0.0, arrived=1000.0, heard=400.0, gave_up=600.0, stalls=0.0),
    Cohort(t=20 * MIN, arrived=3000.0, heard=2900.0, gave_up=100.0, stalls=0.0),
]
ARRIVALS = with_fields(
    b.result(join_success_ratio=3300 / 4000, gave_up_ratio=700 / 4000, gave_up=700.0),
    cohorts=COHORTS,
)
EARLY = {"start": "0s", "end": "+10m"}


@pytest.mark.parametrize(
    ("fact", "expected", "observed", "detail"),
    [
        (
            {"metric": "join_success_ratio", "reported": "80%", "tolerance": "5%"},
            "reproduced",
            0.825,
            "82.5% of the listeners who arrived heard audio",
        ),
        (
            {"metric": "join_success_ratio", "window": EARLY, "reported": "80%"},
            "not_reproduced",
            0.4,
            "40% of the listeners who arrived in 0s..+10m heard audio",
        ),
        (
            {"metric": "gave_up_ratio", "window": EARLY, "reported": ["50%", "70%"]},
            "reproduced",
            0.6,
            "60% of the listeners who arrived in 0s..+10m gave up waiting",
        ),
        (
            {"metric": "gave_up_listeners", "reported": "700"},
            "reproduced",
            700.0,
            "700 listeners gave up waiting",
        ),
        (
            {"metric": "gave_up_listeners", "window": EARLY, "reported": {"max": "100"}},
            "not_reproduced",
            600.0,
            "600 listeners gave up waiting of those who arrived in 0s..+10m",
        ),
    ],
)
def test_arrivals_that_heard_audio_or_gave_up(
    fact: dict[str, Any], expected: str, observed: float, detail: str
) -> None:
    v = verdict({"id": "f", **fact}, ARRIVALS)
    assert (v.verdict, v.detail) == (expected, detail)
    assert v.observed == pytest.approx(observed)
    assert v.unit == ("count" if fact["metric"] == "gave_up_listeners" else "ratio")


def test_arrival_facts_on_a_cut_run() -> None:
    cut = with_fields(ARRIVALS, plan=b.plan(t_end=HOUR))
    whole_ratio = verdict({"id": "j", "metric": "join_success_ratio", "reported": "80%"}, cut)
    assert whole_ratio.verdict == "not_observable"
    assert whole_ratio.reason == (
        "the reported ratio covers the whole event, but the run stopped at +1h"
    )
    windowed = {"id": "j", "metric": "join_success_ratio", "window": EARLY, "reported": "40%"}
    assert verdict(windowed, cut).verdict == "reproduced"
    # give-ups only add up: on a cut run a count is a lower bound
    above = verdict({"id": "g", "metric": "gave_up_listeners", "reported": {"max": "500"}}, cut)
    assert (above.verdict, above.observed_at_least) == ("not_reproduced", True)
    below = verdict({"id": "g", "metric": "gave_up_listeners", "reported": "1k"}, cut)
    assert below.verdict == "not_observable"
    late = {"id": "g", "metric": "gave_up_listeners", "window": {"start": "+2h", "end": "+3h"}}
    assert verdict({**late, "reported": "1"}, cut).reason == (
        "the window +2h..+3h ends after the run stopped at +1h"
    )


def test_arrival_ratios_without_cohorts_are_not_observable_in_a_window() -> None:
    v = verdict(
        {"id": "j", "metric": "join_success_ratio", "window": EARLY, "reported": "1"}, b.result()
    )
    assert v.verdict == "not_observable"
    assert v.reason == "the result has no arrival cohorts (older format, or nobody arrived)"


# refusals


def refusing(**fields: Any) -> RunResult:
    """The api tier refused 1/s for a full room and 2/s for overload, 10/s before +0m (not live
    yet); 0.5/s timed out."""
    api = b.tier(
        1000.0,
        lambda _t: 0.0,
        rejected={
            "listener_cap": lambda _t: 1.0,
            "overload": lambda _t: 2.0,
            "not_started": lambda t: 10.0 if t < 0 else 0.0,
        },
        timed_out=lambda _t: 0.5,
    )
    return with_fields(b.result(**fields), tiers={"api": api})


@pytest.mark.parametrize(
    ("fact", "observed", "detail"),
    [
        (
            {"reason": "cap"},
            60.0 * STEPS,
            "the modelled platform refused 12.7k API requests for a full room",
        ),
        (
            {"reason": "overload", "window": {"start": "0s", "end": "+10m"}},
            2.5 * 60.0 * 10,
            "the modelled platform refused 1.5k API requests for overload in 0s..+10m",
        ),
        (
            {"reason": "not_started"},
            10.0 * 60.0 * 30,
            "the modelled platform refused 18k API requests for a Space not live yet",
        ),
        (
            {"reason": "ended"},
            0.0,
            "the modelled platform refused 0 API requests for a Space that had ended",
        ),
        ({}, 3.5 * 60.0 * STEPS + 18_000.0, "the modelled platform refused 62.3k API requests"),
    ],
)
def test_refusals_by_reason(fact: dict[str, Any], observed: float, detail: str) -> None:
    v = verdict({"id": "r", "metric": "refusals", "reported": "1", **fact}, refusing())
    assert v.observed == pytest.approx(observed)
    assert v.detail == detail
    assert v.unit == "count"


def test_refusals_against_a_reported_count_and_on_a_cut_run() -> None:
    fact = {"id": "r", "metric": "refusals", "reason": "cap", "reported": "12k", "tolerance": "10%"}
    assert verdict(fact, refusing()).verdict == "reproduced"  # 12.66k
    cut = verdict(fact, refusing(t_end=HOUR))  # 91 steps: 5.46k so far
    assert (cut.verdict, cut.observed_at_least) == ("not_observable", True)
    too_many = verdict({**fact, "reported": {"max": "1k"}}, refusing(t_end=HOUR))
    assert too_many.verdict == "not_reproduced"


def test_refusals_need_the_platform_side() -> None:
    fact = {"id": "r", "metric": "refusals", "reason": "cap", "reported": "1"}
    real = with_fields(refusing(), observer=TARGET_OBSERVER)
    v = verdict(fact, real)
    assert (v.verdict, v.reason) == ("not_observable", TARGET_OBSERVER.unobserved_reason)


def test_older_results_do_not_tell_not_started_from_ended() -> None:
    api = b.tier(1000.0, lambda _t: 0.0, rejected={"not_running": lambda _t: 1.0})
    old = with_fields(b.result(), tiers={"api": api})
    fact = {"id": "r", "metric": "refusals", "reason": "ended", "reported": "1"}
    assert verdict(fact, old).verdict == "not_observable"
    every = verdict({"id": "r", "metric": "refusals", "reported": "1"}, old)
    assert every.observed == pytest.approx(60.0 * STEPS)


def room_space(ordinal: int, room: str, refused: float = 0.0, **fields: Any) -> Any:
    return b.space(ordinal, room=room, **fields).model_copy(update={"refused_listeners": refused})


ROOMS = [
    room_space(
        1, "main", 50_000.0, running_at=0.0, ended_at=HOUR, peak=100_000.0, peak_at=30 * MIN
    ),
    room_space(2, "overflow", 1_000.0, running_at=10 * MIN, peak=20_000.0),
    room_space(3, "main", 7_000.0, running_at=70 * MIN, peak=60_000.0),
]


def test_a_rooms_cap_refusals_are_its_spaces_totals() -> None:
    fact = {"id": "r", "metric": "refusals", "room": "main", "reported": "57k"}
    v = verdict(fact, b.result(spaces=ROOMS))
    assert (v.verdict, v.observed) == ("reproduced", 57_000.0)
    assert v.detail == "room main's listener cap refused 57k joins"
    cut = verdict(fact, b.result(spaces=ROOMS, t_end=2 * HOUR))  # 57k so far: could grow
    assert (cut.verdict, cut.observed_at_least) == ("not_observable", True)
    at_least = verdict({**fact, "reported": {"min": "50k"}}, b.result(spaces=ROOMS, t_end=2 * HOUR))
    assert at_least.verdict == "reproduced"


@pytest.mark.parametrize(
    ("t_end", "verdict_", "observed", "reason"),
    [
        (b.WINDOW[1], "not_reproduced", 0.0, "room lobby never opened in this run"),
        (HOUR, "not_observable", None, "room lobby had not opened when the run stopped at +1h"),
    ],
)
def test_a_room_that_never_opened(
    t_end: float, verdict_: str, observed: float | None, reason: str
) -> None:
    for metric in ("refusals", "peak_listeners"):
        fact = {"id": "r", "metric": metric, "room": "lobby", "reported": "10k"}
        v = verdict(fact, b.result(spaces=ROOMS, t_end=t_end))
        assert (v.verdict, v.observed, v.reason) == (verdict_, observed, reason)


def test_peak_of_a_room_is_the_highest_of_its_spaces() -> None:
    fact = {"id": "p", "metric": "peak_listeners", "room": "main", "reported": "100k"}
    v = verdict(fact, b.result(spaces=ROOMS, peak_listeners=120_000.0))
    assert (v.verdict, v.observed, v.observed_at) == ("reproduced", 100_000.0, 30 * MIN)
    assert v.detail == "room main peaked at 100k listeners"
    overflow = verdict({**fact, "room": "overflow", "reported": "20k"}, b.result(spaces=ROOMS))
    assert overflow.observed == 20_000.0


def test_peak_of_a_room_within_a_window_reads_its_spaces_series() -> None:
    ts = b.grid()
    first = [100_000.0 if 0 <= t < HOUR else 0.0 for t in ts]
    relaunch = [60_000.0 if t >= 70 * MIN else 0.0 for t in ts]
    spaces = [
        room_space(1, "main", listeners=first),
        room_space(2, "overflow", listeners=[5.0] * len(ts)),
        room_space(3, "main", listeners=relaunch),
    ]
    fact = {"id": "p", "metric": "peak_listeners", "room": "main", "reported": "60k"}
    late = verdict({**fact, "window": {"start": "+65m", "end": "+2h"}}, b.result(spaces=spaces))
    assert (late.verdict, late.observed, late.observed_at) == ("reproduced", 60_000.0, 70 * MIN)
    assert late.detail == "room main served at most 60k concurrent listeners in +1h5m..+2h"
    old = [room_space(1, "main")]  # no per-Space series
    v = verdict({**fact, "window": {"start": "+65m", "end": "+2h"}}, b.result(spaces=old))
    assert v.reason == "the result has no per-Space listener series (older)"


# error ratio the listeners could see

SHOWN_RUN = with_fields(
    b.result(
        requests=[
            *b.requests("api", (0.0, 60.0, 40.0), (20 * MIN, 100.0, 0.0)),
            *b.requests("cdn", (0.0, 880.0, 20.0)),
            *b.requests("attack", (0.0, 0.0, 9000.0)),
        ]
    ),
    errors=[
        ErrorCount(t=0.0, tier="api", message="Details not available", weight=30.0),
        ErrorCount(t=0.0, tier="api", message="HTTP 503", weight=10.0),
        ErrorCount(t=0.0, tier="cdn", message="Could not fetch Space", weight=20.0),
        ErrorCount(t=0.0, tier="attack", message="Details not available", weight=9000.0),
    ],
)


@pytest.mark.parametrize(
    ("scope", "observed", "detail"),
    [
        (
            {},
            50 / 1100,
            "4.55% of requests failed showing an error text the platform shows on "
            "the listeners' tiers",
        ),
        (
            {"tier": "api"},
            30 / 200,
            "15% of requests failed showing an error text the platform shows on the api tier",
        ),
        (
            {"tier": "api", "window": {"start": "0s", "end": "+10m"}},
            30 / 100,
            "30% of requests failed showing an error text the platform shows on the api tier "
            "in 0s..+10m",
        ),
    ],
)
def test_error_ratio_the_listeners_could_see(
    scope: dict[str, Any], observed: float, detail: str
) -> None:
    fact = {"id": "e", "metric": "error_ratio", "listener_visible": True, "reported": "1", **scope}
    v = verdict(fact, SHOWN_RUN)
    assert v.observed == pytest.approx(observed)
    assert v.detail == detail


def test_listener_visible_reads_the_scenarios_own_texts() -> None:
    fact = {"id": "e", "metric": "error_ratio", "listener_visible": True, "reported": "1"}
    scenario = with_rooms(fact)
    assert scenario.platform.errors.fetch_failed == "Could not fetch Space"
    errors = scenario.platform.errors.model_copy(update={"fetch_failed": "Something went wrong"})
    platform = scenario.platform.model_copy(update={"errors": errors})
    renamed = scenario.model_copy(update={"platform": platform})
    v = compare(renamed, SHOWN_RUN).verdicts[0]
    assert v.observed == pytest.approx(30 / 1100)  # the cdn's text is no longer one it shows
    every = verdict({"id": "e", "metric": "error_ratio", "reported": "1"}, SHOWN_RUN)
    assert every.observed == pytest.approx(9060 / 10_100)  # every failure, the flood's too
