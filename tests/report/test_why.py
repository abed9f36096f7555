"""What happened and why, from hand-built ground truth: the hypothesis named, the overload dated
and sized, what the clients did, and which action turned the run, labelled by where it comes
from (reported, fitted, assumed)."""

from __future__ import annotations

from typing import Any

from simspace.report.why import FINDINGS_PATH, HORIZON_S, hypothesis_text, why_lines
from simspace.results.model import TARGET_OBSERVER, Cohort, RunResult
from simspace.scenario.model import Scenario
from tests.report import builders as b

MINUTE = 60.0
DESCRIPTION = "a flood from 19:55 until 20:39; the organic load alone fits"


def make_scenario(**sections: Any) -> Scenario:
    """The builders' scenario with two sources (AP, The Verge) and the given sections."""
    data = b.scenario().model_dump()
    data["event"]["sources"] += [{"id": "ap", "outlet": "AP"}, {"id": "verge", "outlet": "Verge"}]
    return Scenario.model_validate(data | sections)


def set_capacity(at_min: float, **fields: Any) -> dict[str, Any]:
    action = {"action": "set_capacity", "at": at_min * MINUTE, "tier": "api", "capacity_rps": 2e5}
    return action | fields


def overloaded_run(live_min: float | None = 41.0, **update: Any) -> RunResult:
    """api at 3.1x its capacity from +12m to +41m, backlog 2.4M at its peak; the Space live at
    `live_min`."""
    api = b.tier(
        1e4,
        lambda t: 3.1e4 if 12 * MINUTE <= t < 41 * MINUTE else 5e3,
        backlog=lambda t: 2.4e6 if t == 40 * MINUTE else 0.0,
    )
    running_at = None if live_min is None else live_min * MINUTE
    space = b.space(1, running_at=running_at, peak=1.3e6, peak_at=100 * MINUTE)
    run = b.result(spaces=[space]).model_copy(update={"tiers": {"api": api}})
    return run.model_copy(update=update)


def texts(scenario: Scenario, result: RunResult) -> dict[str, str]:
    return {line.topic: line.text for line in why_lines(scenario, result)}


def test_the_overload_is_dated_and_sized() -> None:
    load = texts(make_scenario(), overloaded_run())["load"]
    assert load.startswith(
        "api overloaded from +12m (20:12) to +41m (20:41), 29m: load up to 3.1x its capacity, "
        "backlog up to 2.4M requests"
    )


def test_the_rejections_are_the_platforms_count_within_the_spell() -> None:
    """Only the spell's rejections and timeouts, and said so: the platform's count, not the
    listeners' failures over the whole run (which the clients bullet and the summary give)."""

    def spell(t: float) -> bool:
        return 12 * MINUTE <= t < 41 * MINUTE

    api = b.tier(
        1e4,
        lambda t: 3.1e4 if spell(t) else 5e3,
        rejected={"overload": lambda t: 1e3, "rate_limited": lambda t: 500.0 if spell(t) else 0},
        timed_out=lambda t: 100.0 if spell(t) else 0.0,
    )
    load = texts(make_scenario(), overloaded_run(tiers={"api": api}))["load"]
    assert load.endswith(
        "; in that spell it rejected 2.61M requests (overload 1.74M, rate_limited 870k) and "
        "174k requests timed out"
    )


def test_a_run_without_overload_says_how_close_each_tier_came() -> None:
    calm = b.result().model_copy(update={"tiers": {"api": b.tier(1e4, lambda _t: 4.5e3)}})
    assert (
        texts(make_scenario(), calm)["load"] == "no tier went over its capacity (peaks: api at 45%)"
    )


def test_a_fitted_action_is_a_hypothesis_not_a_report() -> None:
    action = set_capacity(40, fitted=True, range={"at": [35 * MINUTE, 45 * MINUTE]})
    turn = texts(make_scenario(operator_actions=[action]), overloaded_run())["turning point"]
    assert turn == (
        "the Space went live at +41m (20:41), 1m after set_capacity on api to 200k req/s at +40m "
        "(20:40): a fitted hypothesis (not reported)"
    )


def test_a_reported_action_names_its_outlets_and_what_in_it_was_fitted() -> None:
    reported = set_capacity(40, sources=["ap", "verge"])
    turn = texts(make_scenario(operator_actions=[reported]), overloaded_run())["turning point"]
    assert turn.endswith("at +40m (20:40): reported (AP, Verge)")
    half = set_capacity(40, sources=["ap"], fitted=True, range={"capacity_rps": [1e5, 3e5]})
    turn = texts(make_scenario(operator_actions=[half]), overloaded_run())["turning point"]
    assert turn.endswith("at +40m (20:40): reported (AP), its capacity_rps fitted")


def test_an_action_without_sources_or_fit_is_an_unsourced_assumption() -> None:
    turn = texts(make_scenario(operator_actions=[set_capacity(40)]), overloaded_run())
    assert turn["turning point"].endswith(": an unsourced assumption")


def test_the_latest_action_before_the_turn_is_credited_and_an_old_one_is_not() -> None:
    early, late = set_capacity(20, sources=["ap"]), set_capacity(39)
    turn = texts(make_scenario(operator_actions=[early, late]), overloaded_run())
    assert "2m after set_capacity on api to 200k req/s at +39m" in turn["turning point"]
    too_early = set_capacity(41 - HORIZON_S / MINUTE - 1)
    turn = texts(make_scenario(operator_actions=[too_early]), overloaded_run())
    assert turn["turning point"] == (
        "the Space went live at +41m (20:41), with no operator action or attack ending in the "
        "15m before"
    )


def test_an_attack_ending_can_turn_the_run() -> None:
    flood = {"id": "flood", "rate_rps": 4e5, "start": -5 * MINUTE, "end": 39 * MINUTE,
             "fitted": True, "range": {"end": [35 * MINUTE, 41 * MINUTE]}}  # fmt: skip
    turn = texts(make_scenario(attacks=[flood]), overloaded_run())["turning point"]
    assert turn.endswith(
        "2m after the end of attack flood (400k req/s on api) at +39m (20:39): "
        "a fitted hypothesis (not reported)"
    )


def test_actions_at_the_same_time_are_told_together() -> None:
    cap = {"action": "cap_listeners", "at": 40 * MINUTE, "listeners": 1e6, "sources": ["ap"]}
    turn = texts(make_scenario(operator_actions=[set_capacity(40), cap]), overloaded_run())
    assert turn["turning point"].endswith(
        "set_capacity on api to 200k req/s and cap_listeners at 1M at +40m (20:40): "
        "set_capacity an unsourced assumption; cap_listeners reported (AP)"
    )


def test_when_no_space_went_live_nothing_turned_the_course() -> None:
    api = b.tier(1e4, lambda t: 3e4 if t >= 0 else 0.0)
    stuck = overloaded_run(live_min=None, tiers={"api": api})
    lines = texts(make_scenario(operator_actions=[set_capacity(40)]), stuck)
    assert lines["turning point"] == (
        "nothing turned the course: no Space went live; api still overloaded at the end"
    )
    assert "to the end of the run (+3h1m (23:01))" in lines["load"]
    assert lines["Spaces"] == "the Space (on @h) never went live"


def test_the_variant_is_named_by_its_description() -> None:
    scenario = make_scenario(variants={"ddos": {"description": DESCRIPTION}})
    assert hypothesis_text(scenario, "ddos") == (
        f"ddos: {DESCRIPTION}; nothing in it is marked as fitted"
    )


def test_the_base_scenario_says_what_it_assumes_never_just_base() -> None:
    action = set_capacity(40, fitted=True, range={"at": [35 * MINUTE, 45 * MINUTE]})
    tiers = b.scenario().platform.model_dump()["tiers"]
    tiers["api"] |= {"fitted": True, "range": {"capacity_rps": [500.0, 2000.0]}}
    platform = b.scenario().platform.model_dump() | {"tiers": tiers}
    scenario = make_scenario(operator_actions=[action], platform=platform)
    text = hypothesis_text(scenario, None)
    assert text == (
        "the base scenario (no variant): no attack; operators: set_capacity on api to 200k "
        "req/s at +40m; fitted to the facts: api tier (capacity_rps), set_capacity at +40m (time)"
    )


def test_what_the_clients_did() -> None:
    def waiting(t: float) -> float:
        return 9e5 if t == 40 * MINUTE else 1e5

    cohorts = [
        Cohort(t=0.0, arrived=6e5, heard=5e5, gave_up=1e5, stalls=0.0),
        Cohort(t=50 * MINUTE, arrived=4e5, heard=4e5, gave_up=0.0, stalls=0.0),
    ]
    run = overloaded_run(
        listeners=b.result(waiting=waiting).listeners,
        # an attack's failures are not the listeners': left out, as from the error ratio
        requests=b.requests("api", (0.0, 9e6, 1e6)) + b.requests("attack", (0.0, 0.0, 5e6)),
        cohorts=cohorts,
        metrics=b.metrics(
            arrived=1e6,
            gave_up=1e5,
            gave_up_ratio=0.1,
            unique_listeners=9e5,
            join_success_ratio=0.9,
            error_ratio=0.1,
        ),
    )
    assert texts(make_scenario(), run)["clients"] == (
        "1M listeners arrived; up to 900k waited at once, at +40m (20:40), the app polling every "
        "10s; 1M of their requests failed (10.0% of all they sent), each tried up to 3 times; "
        "100k gave up after 30m (10.0%), 100k of them among the 600k who arrived before a Space "
        "was live; 900k heard audio (90.0%)"
    )


def test_three_to_six_bullets_ending_with_the_findings() -> None:
    scenario = make_scenario(operator_actions=[set_capacity(40)])
    full = why_lines(scenario, overloaded_run())
    assert [line.topic for line in full] == [
        "hypothesis", "load", "clients", "Spaces", "turning point", "more",
    ]  # fmt: skip
    assert FINDINGS_PATH in full[-1].text
    target = overloaded_run(observer=TARGET_OBSERVER, tiers={}, metrics=b.metrics(arrived=0.0))
    short = why_lines(scenario, target)
    assert [line.topic for line in short] == ["hypothesis", "load", "more"]
    assert short[1].text.startswith("the platform's side was not observed: not applicable")
