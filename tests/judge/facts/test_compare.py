"""The comparison engine: every fact metric, every verdict, tolerances, lower bounds, claims and
the fit score, on hand-made results."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from simspace.errors import UsageError
from simspace.judge.facts.compare import compare, deviation, fit_score, widen
from simspace.judge.verdicts import Comparison, FactVerdict
from simspace.results.model import RunResult
from tests.report import builders as b

MIN = 60.0
HOUR = 3600.0


def verdict(fact: dict[str, Any], run: RunResult) -> FactVerdict:
    return compare(b.scenario(fact), run).verdicts[0]


def delay_fact(**extra: Any) -> dict[str, Any]:
    return {"id": "delay", "metric": "start_delay", "reported": ["41m", "42m"], **extra}


# start_delay


@pytest.mark.parametrize(
    ("delay_s", "expected", "gap_s"),
    [
        (41.5 * MIN, "reproduced", 0.0),
        (45 * MIN, "reproduced", 3 * MIN),  # inside the tolerance: reproduced, deviation kept
        (47 * MIN, "reproduced", 5 * MIN),  # on the tolerance's edge
        (47.5 * MIN, "not_reproduced", 5.5 * MIN),
        (12 * MIN, "not_reproduced", 29 * MIN),
        (-15 * MIN, "not_reproduced", 56 * MIN),  # live before the scheduled start
    ],
)
def test_start_delay_against_a_range_with_tolerance(
    delay_s: float, expected: str, gap_s: float
) -> None:
    run = b.result(start_delay_s=delay_s, spaces=[b.space(1, running_at=delay_s)])
    v = verdict(delay_fact(tolerance="5m"), run)
    assert (v.verdict, v.observed, v.unit) == (expected, delay_s, "duration")
    assert v.deviation == pytest.approx(gap_s)
    assert (v.reported_min, v.reported_max, v.tolerance_abs) == (41 * MIN, 42 * MIN, 5 * MIN)
    assert v.observed_at == delay_s
    assert v.at == 41 * MIN
    assert v.detail.startswith("the first Space went live at ")


def test_start_delay_never_live_is_a_lower_bound() -> None:
    never = [b.space(1, running_at=None)]
    late = verdict(delay_fact(tolerance="5m"), b.result(spaces=never, t_end=2 * HOUR))
    assert late.verdict == "not_reproduced"
    assert late.observed_at_least
    assert late.observed == 2 * HOUR
    assert late.deviation == pytest.approx(2 * HOUR - 42 * MIN)
    assert late.reason == "the first Space had not gone live when the run stopped at +2h"

    short = verdict(delay_fact(tolerance="5m"), b.result(spaces=never, t_end=30 * MIN))
    assert short.verdict == "not_observable"
    assert short.deviation is None
    assert "had not gone live when the run stopped at +30m" in short.reason

    at_least = verdict(delay_fact(reported={"min": "3m"}), b.result(spaces=never, t_end=HOUR))
    assert at_least.verdict == "reproduced"  # > +1h satisfies ">= 3m"


def test_start_delay_without_any_space_is_not_observable() -> None:
    v = verdict(delay_fact(), b.result(spaces=[]))
    assert v.verdict == "not_observable"
    assert v.observed is None
    assert "no Space" in v.reason


# listeners at a moment


def test_waiting_listeners_are_interpolated_between_grid_points() -> None:
    run = b.result(waiting=lambda t: max(0.0, 10.0 * t))  # 24k at +40m, 24.3k at +40m30s
    fact = {
        "id": "waiting",
        "metric": "waiting_listeners_at",
        "at": "+40m30s",
        "reported": "25k",
        "tolerance": "1k",
    }
    v = verdict(fact, run)
    assert v.observed == pytest.approx(24_300.0)
    assert (v.verdict, v.unit, v.at, v.observed_at) == ("reproduced", "count", 2430.0, 2430.0)
    assert v.deviation == pytest.approx(700.0)
    assert v.detail == "24.3k listeners were waiting at +40m30s"


def test_concurrent_listeners_come_from_the_server_series() -> None:
    run = b.result(waiting=lambda _t: 1.0, concurrent=lambda t: 915_000.0 if t >= 0 else 0.0)
    fact = {"id": "began", "metric": "concurrent_listeners_at", "at": "+45m", "reported": "915k"}
    v = verdict(fact, run)
    assert (v.verdict, v.observed, v.deviation) == ("reproduced", 915_000.0, 0.0)


def test_a_moment_after_the_run_stopped_is_not_observable() -> None:
    fact = {"id": "late", "metric": "concurrent_listeners_at", "at": "+2h", "reported": "1M"}
    v = verdict(fact, b.result(t_end=HOUR, concurrent=lambda _t: 1e6))
    assert v.verdict == "not_observable"
    assert (v.observed, v.deviation) == (None, None)
    assert v.reason == "+2h is after the run stopped at +1h"


def test_a_moment_before_the_run_began_is_not_observable() -> None:
    fact = {"id": "early", "metric": "waiting_listeners_at", "at": "-20m", "reported": "1k"}
    v = verdict(fact, b.result(t_begin=-10 * MIN))
    assert v.verdict == "not_observable"
    assert v.reason == "-20m is before the run began at -10m"


def test_an_interrupted_run_is_observed_until_its_timeline_ends() -> None:
    fact = {"id": "c", "metric": "concurrent_listeners_at", "at": "+1h", "reported": "1k"}
    run = b.result(status="interrupted", observed_until=50 * MIN, concurrent=lambda _t: 1e3)
    v = verdict(fact, run)
    assert v.verdict == "not_observable"
    assert v.reason == "+1h is after the run was interrupted at +50m"
    comparison = compare(b.scenario(fact), run)
    assert (comparison.run_begin, comparison.run_end) == (b.WINDOW[0], 50 * MIN)


# tolerances and ranges


@pytest.mark.parametrize(
    ("reported", "tolerance", "observed", "expected"),
    [
        ("100k", "10%", 110_000.0, "reproduced"),
        ("100k", "10%", 110_001.0, "not_reproduced"),
        ("100k", "10%", 90_000.0, "reproduced"),
        ("100k", "10%", 89_999.0, "not_reproduced"),
        ("100k", "50k", 150_000.0, "reproduced"),
        ("100k", "50k", 49_000.0, "not_reproduced"),
        ("100k", {"absolute": "10k", "relative": "10%"}, 120_000.0, "reproduced"),
        ("100k", {"absolute": "10k", "relative": "10%"}, 79_000.0, "not_reproduced"),
        # relative tolerance widens each bound by its own share: 90k .. 220k
        (["100k", "200k"], "10%", 219_000.0, "reproduced"),
        (["100k", "200k"], "10%", 91_000.0, "reproduced"),
        (["100k", "200k"], "10%", 89_000.0, "not_reproduced"),
        # open ranges
        ({"min": "878k"}, "15%", 746_300.0, "reproduced"),
        ({"min": "878k"}, "15%", 10_000_000.0, "reproduced"),
        ({"min": "878k"}, "15%", 746_000.0, "not_reproduced"),
        ({"max": "100k"}, "20%", 0.0, "reproduced"),
        ({"max": "100k"}, "20%", 120_500.0, "not_reproduced"),
        ("100k", 0, 100_000.0, "reproduced"),
        ("100k", 0, 100_001.0, "not_reproduced"),
    ],
)
def test_count_ranges_and_tolerances(
    reported: Any, tolerance: Any, observed: float, expected: str
) -> None:
    fact = {"id": "p", "metric": "peak_listeners", "reported": reported, "tolerance": tolerance}
    assert verdict(fact, b.result(peak_listeners=observed)).verdict == expected


def test_deviation_is_measured_from_the_range_without_tolerance() -> None:
    fact = {"id": "p", "metric": "peak_listeners", "reported": ["1M", "1.3M"], "tolerance": "10%"}
    inside_tolerance = verdict(fact, b.result(peak_listeners=1_400_000.0))
    assert inside_tolerance.verdict == "reproduced"
    assert inside_tolerance.deviation == pytest.approx(100_000.0)
    assert (inside_tolerance.tolerance_abs, inside_tolerance.tolerance_rel) == (0.0, 0.1)
    assert deviation(5.0, 1.0, 2.0) == 3.0
    assert deviation(0.0, 1.0, None) == 1.0
    assert deviation(1.5, 1.0, 2.0) == 0.0
    assert deviation(-7.0, None, 2.0) == 0.0


def test_the_widened_range_is_the_one_the_report_draws() -> None:
    # 100k with 10k + 10%: 80k .. 120k, the bounds test_count_ranges_and_tolerances judges by
    assert widen(100_000.0, 100_000.0, 10_000.0, 0.1) == (80_000.0, 120_000.0)
    assert widen(100_000.0, 200_000.0, 0.0, 0.1) == (90_000.0, 220_000.0)
    assert widen(None, 100_000.0, 0.0, 0.2) == (None, 120_000.0)  # an open side stays open
    assert widen(878_000.0, None, 0.0, 0.15) == pytest.approx((746_300.0, None))


# peak listeners


def test_peak_of_the_whole_run() -> None:
    fact = {"id": "peak", "metric": "peak_listeners", "reported": ["1M", "1.3M"]}
    v = verdict(fact, b.result(peak_listeners=1_100_000.0, peak_listeners_at=100 * MIN))
    assert (v.verdict, v.observed, v.observed_at) == ("reproduced", 1_100_000.0, 100 * MIN)


def test_peak_of_one_space() -> None:
    spaces = [b.space(1, peak=668_000.0, peak_at=10 * MIN), b.space(2, peak=280_000.0)]
    fact = {"id": "first", "metric": "peak_listeners", "space": 1, "reported": ["600k", "700k"]}
    run = b.result(peak_listeners=900_000.0, spaces=spaces)
    v = verdict(fact, run)
    assert (v.verdict, v.observed, v.observed_at) == ("reproduced", 668_000.0, 10 * MIN)
    assert v.detail == "Space 1 peaked at 668k listeners"
    second = verdict({**fact, "space": 2}, run)
    assert (second.verdict, second.observed) == ("not_reproduced", 280_000.0)


def test_peak_within_a_window_uses_the_steps_that_overlap_it() -> None:
    run = b.result(concurrent=lambda t: t)  # rises over the run
    window = {"start": "+10m", "end": "+20m"}
    fact = {"id": "w", "metric": "peak_listeners", "window": window, "reported": "1.2k"}
    v = verdict(fact, run)
    # each step holds the peak from its start; the step starting at +20m touches the window
    assert v.observed == 1200.0
    assert (v.verdict, v.window_start, v.window_end, v.at) == ("reproduced", 600.0, 1200.0, 600.0)


def test_peak_within_a_window_of_one_space_uses_its_own_series() -> None:
    ts = b.grid()
    second = [5000.0 if t >= 30 * MIN else 0.0 for t in ts]
    run = b.result(concurrent=lambda _t: 9000.0, spaces=[b.space(1), b.space(2, listeners=second)])
    window = {"start": "+25m", "end": "+40m"}
    fact = {"id": "s2", "metric": "peak_listeners", "space": 2, "window": window, "reported": "5k"}
    v = verdict(fact, run)
    assert (v.verdict, v.observed, v.observed_at) == ("reproduced", 5000.0, 30 * MIN)
    old = b.result(concurrent=lambda _t: 9000.0, spaces=[b.space(1), b.space(2)])
    old_v = verdict(fact, old)
    assert old_v.verdict == "not_observable"
    assert "no per-Space listener series" in old_v.reason


def test_peak_of_a_space_that_never_existed() -> None:
    fact = {"id": "s2", "metric": "peak_listeners", "space": 2, "reported": ["250k", "300k"]}
    complete = verdict(fact, b.result(spaces=[b.space(1, peak=1e5)]))
    assert (complete.verdict, complete.observed) == ("not_reproduced", 0.0)
    assert complete.reason == "Space 2 never existed in this run (1 did)"
    cut = verdict(fact, b.result(spaces=[b.space(1, peak=1e5)], t_end=HOUR))
    assert cut.verdict == "not_observable"
    assert cut.reason == "Space 2 never existed before the run stopped at +1h (1 did)"


def test_a_peak_on_a_cut_run_is_a_lower_bound() -> None:
    fact = {"id": "p", "metric": "peak_listeners", "reported": ["1M", "1.3M"], "tolerance": "10%"}
    cut: dict[str, Any] = {"t_end": HOUR}
    above = verdict(fact, b.result(peak_listeners=2e6, **cut))
    assert (above.verdict, above.observed_at_least) == ("not_reproduced", True)
    within = verdict(fact, b.result(peak_listeners=1.1e6, **cut))
    assert within.verdict == "not_observable"
    assert within.observed == 1.1e6  # still shown
    assert within.reason == "the run stopped at +1h, before the scenario's window ends at +3h"
    open_range = {"id": "p", "metric": "peak_listeners", "reported": {"min": "500k"}}
    assert verdict(open_range, b.result(peak_listeners=6e5, **cut)).verdict == "reproduced"
    live = [b.space(1, running_at=0.0, peak=7e5)]
    space_fact = {"id": "s", "metric": "peak_listeners", "space": 1, "reported": "700k"}
    still_live = verdict(space_fact, b.result(spaces=live, **cut))
    assert still_live.verdict == "not_observable"
    assert still_live.reason == "Space 1 was still live when the run stopped at +1h"
    ended = [b.space(1, running_at=0.0, ended_at=20 * MIN, peak=7e5)]
    assert verdict(space_fact, b.result(spaces=ended, **cut)).verdict == "reproduced"


# unique listeners


def test_unique_listeners() -> None:
    fact = {"id": "u", "metric": "unique_listeners", "reported": "3.4M", "tolerance": "10%"}
    v = verdict(fact, b.result(unique_listeners=3.2e6))
    assert (v.verdict, v.observed) == ("reproduced", 3.2e6)
    windowed = {**fact, "window": {"start": "0s", "end": "+1h"}}
    assert verdict(windowed, b.result(unique_listeners=3.2e6)).verdict == "not_observable"


# Space times


def ended_fact(**extra: Any) -> dict[str, Any]:
    return {"id": "ended", "metric": "space_ended_at", "reported": ["+20m", "+21m"], **extra}


def test_space_ended_at() -> None:
    run = b.result(spaces=[b.space(1, running_at=0.0, ended_at=22 * MIN)])
    v = verdict(ended_fact(tolerance="3m"), run)
    assert (v.verdict, v.unit, v.observed, v.deviation) == ("reproduced", "event_time", 1320, 60)
    assert v.detail == "Space 1 ended (Ended) at +22m"
    assert verdict(ended_fact(), run).verdict == "not_reproduced"


def test_space_still_live_at_the_end_of_the_run() -> None:
    live = [b.space(1, running_at=0.0)]
    before = verdict(ended_fact(tolerance="3m"), b.result(spaces=live, t_end=22 * MIN))
    assert before.verdict == "not_observable"
    assert before.reason == "Space 1 was still live when the run stopped at +22m"
    after = verdict(ended_fact(tolerance="3m"), b.result(spaces=live))
    assert (after.verdict, after.observed, after.observed_at_least) == (
        "not_reproduced",
        3 * HOUR,
        True,
    )
    assert after.reason == "Space 1 was still live when the run stopped at +3h"


def test_a_space_that_never_existed_cannot_end() -> None:
    v = verdict(ended_fact(space=2), b.result(spaces=[b.space(1, running_at=0.0)]))
    assert v.verdict == "not_observable"
    assert v.reason == "Space 2 never existed in this run"


def test_relaunched_at() -> None:
    fact = {"id": "r", "metric": "relaunched_at", "space": 2, "reported": ["+26m", "+31m"]}
    relaunched = [b.space(1, running_at=0.0, ended_at=20 * MIN), b.space(2, running_at=28 * MIN)]
    v = verdict({**fact, "tolerance": "3m"}, b.result(spaces=relaunched))
    assert (v.verdict, v.observed, v.detail) == (
        "reproduced",
        28 * MIN,
        "Space 2 went live at +28m",
    )
    never = verdict(fact, b.result(spaces=relaunched[:1]))
    assert (never.verdict, never.observed_at_least) == ("not_reproduced", True)
    assert never.reason == "Space 2 had not been created when the run stopped at +3h"
    early_stop = verdict(fact, b.result(spaces=relaunched[:1], t_end=25 * MIN))
    assert early_stop.verdict == "not_observable"
    created = [relaunched[0], b.space(2)]
    not_live = verdict(fact, b.result(spaces=created))
    assert (not_live.verdict, not_live.observed) == ("not_reproduced", 3 * HOUR)
    assert not_live.reason == "Space 2 had not gone live when the run stopped at +3h"


def test_a_space_that_never_went_live_has_not_ended() -> None:
    v = verdict(ended_fact(), b.result(spaces=[b.space(1)], t_end=10 * MIN))
    assert v.verdict == "not_observable"
    assert v.reason == "Space 1 had not ended (nor gone live) when the run stopped at +10m"


# error messages


def seen_fact(**extra: Any) -> dict[str, Any]:
    return {"id": "e", "metric": "error_message_seen", "message": "Details not available", **extra}


def test_error_message_seen() -> None:
    seen = b.result(errors_seen={"Details not available": 474_000.0})
    v = verdict(seen_fact(), seen)
    assert (v.verdict, v.observed, v.unit, v.deviation) == ("reproduced", True, "seen", 0.0)
    assert v.detail == "listeners saw 'Details not available' (474k failures)"
    other = b.result(errors_seen={"Details not available (test)": 5.0})  # exact text only
    assert verdict(seen_fact(), other).verdict == "not_reproduced"


def test_reported_false_means_the_message_must_not_be_seen() -> None:
    seen = b.result(errors_seen={"Details not available": 1.0})
    not_seen = b.result(errors_seen={})
    assert verdict(seen_fact(reported=False), seen).verdict == "not_reproduced"
    v = verdict(seen_fact(reported=False), not_seen)
    assert (v.verdict, v.observed, v.reported_min) == ("reproduced", False, False)


def test_error_message_without_listeners_or_on_a_cut_run() -> None:
    assert verdict(seen_fact(), b.result(arrived=0.0)).verdict == "not_observable"
    cut = verdict(seen_fact(), b.result(t_end=HOUR))
    assert (cut.verdict, cut.observed) == ("not_observable", False)
    assert verdict(seen_fact(reported=False), b.result(t_end=HOUR)).verdict == "not_observable"
    seen_early = b.result(t_end=HOUR, errors_seen={"Details not available": 1.0})
    assert verdict(seen_fact(reported=False), seen_early).verdict == "not_reproduced"


# error ratio


def ratio_fact(**extra: Any) -> dict[str, Any]:
    return {"id": "r", "metric": "error_ratio", "reported": "20%", "tolerance": "5%", **extra}


def test_error_ratio_within_a_window_and_tier() -> None:
    requests = [
        *b.requests("api", (0.0, 80.0, 20.0), (60.0, 70.0, 30.0), (1200.0, 0.0, 100.0)),
        *b.requests("cdn", (0.0, 1000.0, 0.0)),
    ]
    run = b.result(requests=requests)
    window = {"start": "0s", "end": "+20m"}  # the bucket at +20m starts at the end: left out
    v = verdict(ratio_fact(tier="api", window=window), run)
    assert (v.verdict, v.unit) == ("reproduced", "ratio")
    assert v.observed == pytest.approx(0.25)
    assert v.detail == "25% of requests failed on the api tier in 0s..+20m"
    all_tiers = verdict(ratio_fact(), run)
    assert all_tiers.observed == pytest.approx(150 / 1300)
    assert all_tiers.verdict == "not_reproduced"


def test_error_ratio_without_data() -> None:
    window = {"start": "+1h", "end": "+2h"}
    run = b.result(requests=b.requests("api", (0.0, 1.0, 1.0)))
    empty = verdict(ratio_fact(window=window), run)
    assert (empty.verdict, empty.reason) == (
        "not_observable",
        "no requests were sent in +1h..+2h",
    )
    cut = verdict(ratio_fact(window=window), b.result(t_end=90 * MIN))
    assert cut.reason == "the window +1h..+2h ends after the run stopped at +1h30m"
    whole_cut = verdict(ratio_fact(), b.result(t_end=90 * MIN, error_ratio=0.2))
    assert whole_cut.verdict == "not_observable"
    old = verdict(ratio_fact(window=window), b.result(error_ratio=0.2))
    assert "no per-bucket request counts" in old.reason


def test_error_ratio_of_an_older_result_uses_the_run_metrics() -> None:
    run = b.result(error_ratio=0.21, error_ratio_by_tier={"api": 0.5, "cdn": 0.0})
    assert verdict(ratio_fact(), run).observed == 0.21
    assert verdict(ratio_fact(tier="api"), run).verdict == "not_reproduced"
    assert verdict(ratio_fact(tier="chat"), run).verdict == "not_observable"


# claims and the fit score


def test_claims_are_observed_and_explained_but_never_scored() -> None:
    claim = {
        "id": "tested_8m",
        "metric": "peak_listeners",
        "reported": "8M",
        "scored": False,
    }
    scored = {"id": "peak", "metric": "peak_listeners", "reported": "1.3M"}
    comparison = compare(b.scenario(claim, scored), b.result(peak_listeners=1_300_000.0))
    claim_v, scored_v = comparison.verdicts
    assert (claim_v.verdict, claim_v.scored, claim_v.observed) == ("claim", False, 1_300_000.0)
    assert claim_v.reason == (
        "the modelled platform served at most 1.3M concurrent listeners in this run: "
        "below the claimed 8M"
    )
    assert claim_v.deviation == pytest.approx(6_700_000.0)
    assert scored_v.verdict == "reproduced"
    assert (comparison.scored, comparison.reproduced, comparison.claims) == (1, 1, 1)
    assert comparison.fit_score == 1.0


def test_a_claim_the_run_cannot_show_says_why() -> None:
    claim = {
        "id": "c",
        "metric": "waiting_listeners_at",
        "at": "+2h",
        "reported": {"min": "400k"},
        "scored": False,
    }
    v = verdict(claim, b.result(t_end=HOUR))
    assert (v.verdict, v.reason) == ("claim", "+2h is after the run stopped at +1h")
    consistent = verdict(claim, b.result(waiting=lambda _t: 5e5))
    assert consistent.reason == "500k listeners were waiting at +2h: consistent with the claim"


def test_fit_score_counts_unobservable_facts_as_half_a_miss() -> None:
    assert fit_score(reproduced=3, observable=4, unobservable=2) == pytest.approx(3 / 5)
    assert fit_score(reproduced=4, observable=4, unobservable=0) == 1.0
    assert fit_score(reproduced=0, observable=0, unobservable=3) == 0.0
    assert fit_score(reproduced=0, observable=0, unobservable=0) == 0.0


def test_comparison_counts_and_fit_score() -> None:
    facts = [
        delay_fact(tolerance="5m"),  # reproduced
        {"id": "peak", "metric": "peak_listeners", "reported": "100k"},  # not reproduced
        {"id": "late", "metric": "waiting_listeners_at", "at": "+2h30m", "reported": "1k"},
        {"id": "claim", "metric": "unique_listeners", "reported": "9M", "scored": False},
    ]
    run = b.result(
        t_end=2 * HOUR,
        start_delay_s=41 * MIN,
        spaces=[b.space(1, running_at=41 * MIN, ended_at=100 * MIN, peak=5e5)],
        peak_listeners=5e5,
        variant="organic",
    )
    c = compare(b.scenario(*facts), run)
    assert [v.verdict for v in c.verdicts] == [
        "reproduced",
        "not_reproduced",
        "not_observable",
        "claim",
    ]
    assert (c.scenario, c.variant) == (b.NAME, "organic")
    assert (c.scored, c.reproduced, c.not_observable, c.claims) == (3, 1, 1, 1)
    assert c.fit_score == pytest.approx(1 / 2.5)
    assert c.calendar is not None
    assert (c.calendar.date, c.calendar.scheduled_start) == (dt.date(2024, 8, 12), dt.time(20))
    assert Comparison.model_validate_json(c.model_dump_json()) == c


def test_a_result_of_another_scenario_is_refused() -> None:
    with pytest.raises(UsageError, match="'other', not 'report_test'"):
        compare(b.scenario(delay_fact()), b.result(scenario_name="other"))


# the result fields the reporter reads


def test_results_written_before_the_reporter_still_load() -> None:
    data = b.result(spaces=[b.space(1)]).model_dump(mode="json")
    del data["requests"], data["observed_until"], data["spaces"][0]["listeners"]
    old = RunResult.model_validate(data)
    assert (old.requests, old.observed_until, old.spaces[0].listeners) == ([], None, [])


# real targets (--target): only what our listeners saw applies


def test_against_a_real_target_platform_facts_do_not_apply() -> None:
    from simspace.results.model import TARGET_OBSERVER  # noqa: PLC0415
    from simspace.target import Target  # noqa: PLC0415

    target = Target(url="http://127.0.0.1:8080/live.m3u8", origin="http://127.0.0.1:8080",
                    playlist_url="http://127.0.0.1:8080/live.m3u8", join_api="none",
                    addresses=["127.0.0.1"], loopback=True, allow_remote=False,
                    allow_attack=False, attacks=False)  # fmt: skip
    stub = b.result(
        start_delay_s=41.5 * MIN,
        spaces=[b.space(1, running_at=41.5 * MIN)],
        errors_seen={"Details not available": 10.0},
    )
    real = stub.model_copy(update={"target": target, "observer": TARGET_OBSERVER})
    seen = {"id": "e", "metric": "error_message_seen", "message": "Details not available"}
    assert verdict(delay_fact(), stub).verdict == "reproduced"
    late = verdict(delay_fact(), real)
    assert (late.verdict, late.reason) == ("not_observable", TARGET_OBSERVER.unobserved_reason)
    assert verdict(seen, real).verdict == "reproduced"  # what our listeners were shown


# marginal verdicts: closer to a tolerance edge than the run's timing resolution


@pytest.mark.parametrize(
    ("delay_s", "resolution_s", "marginal"),
    [
        (46 * MIN + 30, 43.0, True),  # reproduced, 30 s inside the 47m edge
        (47 * MIN + 30, 43.0, True),  # not reproduced, 30 s outside it
        (44 * MIN, 43.0, False),  # 3 minutes inside: safe
        (46 * MIN + 30, 0.0, False),  # a virtual run: the same plan gives the same timing
        (46 * MIN + 30, None, False),  # an older result: resolution unknown
    ],
)
def test_a_timing_near_a_tolerance_edge_is_marginal(
    delay_s: float, resolution_s: float | None, marginal: bool
) -> None:
    run = b.result(start_delay_s=delay_s, spaces=[b.space(1, running_at=delay_s)])
    observer = run.observer.model_copy(update={"timing_resolution_s": resolution_s})
    v = verdict(delay_fact(tolerance="5m"), run.model_copy(update={"observer": observer}))
    assert v.marginal is marginal
    assert v.margin == pytest.approx(abs(delay_s - 47 * MIN))


def test_counts_are_never_marginal() -> None:
    run = b.result(peak_listeners=999_000.0)
    observer = run.observer.model_copy(update={"timing_resolution_s": 1e9})
    fact = {"id": "peak", "metric": "peak_listeners", "reported": "1M", "tolerance": "1%"}
    v = verdict(fact, run.model_copy(update={"observer": observer}))
    assert (v.margin, v.marginal) == (None, False)
