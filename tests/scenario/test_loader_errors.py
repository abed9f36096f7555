"""Broken scenarios, each made by a textual edit of data/minimal.yaml, and the exact problem lines
the loader reports for them: `file:line:col: dotted.path: message`, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.errors import ScenarioError
from simspace.scenario.loader import load_scenario
from tests.scenario.broken import BASE, Broken, Edit, validate_cli, write

CASES = (
    Broken(
        "yaml-syntax-unclosed-flow-mapping",
        (Edit(11, "+2h}", "+2h"),),
        (
            "12:9: YAML syntax: while parsing a flow mapping, expected ',' or '}', but got ':' "
            "(started at line 11)",
        ),
    ),
    Broken(
        "yaml-syntax-tab-indent",
        (Edit(4, "  name", "\tname"),),
        (
            "4:1: YAML syntax: while scanning for the next token, found character '\\t' that "
            "cannot start any token",
        ),
    ),
    Broken(
        "unknown-key-lists-allowed-keys",
        (Edit(24, "patience: 50m", "patience: 50m\n    colour: red"),),
        (
            "25:5: audience.client.colour: unknown key 'colour' (allowed: "
            "metadata_poll_interval, on_refused, patience, ping_interval, playlist_reload, rejoin, "
            "request_timeout, retries)",
        ),
    ),
    Broken(
        "typo-key-did-you-mean",
        (Edit(24, "patience", "patiense"),),
        ("24:5: audience.client.patiense: unknown key 'patiense' (did you mean 'patience'?)",),
    ),
    Broken(
        "typo-top-level-key",
        (Edit(55, "gates:", "gate:"),),
        ("55:1: gate: unknown key 'gate' (did you mean 'gates'?)",),
    ),
    Broken(
        "typo-in-a-list-item-is-one-problem",
        (Edit(39, "statement:", "statment:"),),
        ("39:5: facts[0].statment: unknown key 'statment' (did you mean 'statement'?)",),
        notes="the missing 'statement' is not reported as well: the hint names it",
    ),
    Broken(
        "wrong-type-integer",
        (Edit(25, "attempts: 3", "attempts: three"),),
        (
            "25:25: audience.client.retries.attempts: expected a valid integer, unable to parse "
            "string as an integer (got 'three')",
        ),
    ),
    Broken(
        "wrong-type-mapping-for-list",
        (
            Edit(26, "speakers:", "speakers: {id: host}"),
            Edit(
                27, '  - {id: host, name: Host, role: host, account: host, joins_at: "19:45"}', None
            ),
        ),
        ("26:11: speakers: expected a valid list (got a mapping)",),
    ),
    Broken(
        "wrong-type-boolean",
        (Edit(27, 'joins_at: "19:45"}', 'joins_at: "19:45", priority: maybe}'),),
        (
            "27:84: speakers[0].priority: expected a valid boolean, unable to interpret input "
            "(got 'maybe')",
        ),
    ),
    Broken(
        "section-left-empty",
        (Edit(59, "simulation:", "simulation: []"), Edit(60, "  seed: 7", None)),
        ("59:13: simulation: expected a mapping of keys (got a list)",),
    ),
    Broken(
        "text-left-empty",
        (Edit(5, '"Mini event"', '""'),),
        ("5:10: event.title: must not be empty",),
    ),
    Broken(
        "list-too-short",
        (
            Edit(17, '      - {at: "20:10", count: 500k}', None),
            Edit(18, "      - {at: +2h, count: 1.3M}", None),
        ),
        ("16:7: audience.arrivals.points: needs at least 2 items (got 1)",),
    ),
    Broken(
        "duration-below-its-minimum",
        (Edit(21, "1h", "0s"),),
        ("21:13: audience.listening_time.median: must be greater than 0 (got '0s')",),
    ),
    Broken(
        "bad-duration",
        (Edit(21, "1h", "1 hour"),),
        (
            "21:13: audience.listening_time.median: expected a duration like 90s, 40m or 2h15m "
            "(got '1 hour')",
        ),
    ),
    Broken(
        "negative-duration",
        (Edit(24, "50m", "-50m"),),
        ("24:15: audience.client.patience: a duration cannot be negative (got '-50m')",),
    ),
    Broken(
        "duration-units-out-of-order",
        (Edit(22, "2h30m", "30m2h"),),
        (
            "22:10: audience.listening_time.p90: duration units must each appear once, largest "
            "first (got '30m2h')",
        ),
    ),
    Broken(
        "bad-count",
        (Edit(30, "60k", "60 thousand"),),
        (
            "30:25: platform.tiers.api.capacity_rps: expected a count like 878k, 1.3M or "
            "8_000_000 (got '60 thousand')",
        ),
    ),
    Broken(
        "negative-count",
        (Edit(16, "count: 0", "count: -5"),),
        ("16:27: audience.arrivals.points[0].count: a count cannot be negative (got -5)",),
    ),
    Broken(
        "ratio-above-100-percent",
        (Edit(47, "10%", "120%"),),
        ("47:16: facts[1].tolerance: a ratio must be between 0% and 100% (got '120%')",),
    ),
    Broken(
        "bad-clock-time-no-cascade",
        (Edit(8, '"20:00"', '"25:00"'),),
        ("8:20: event.scheduled_start: expected a clock time like 20:42 (got '25:00')",),
        notes="the clock times that cannot be resolved without it are not reported as well",
    ),
    Broken(
        "unknown-time-zone",
        (Edit(7, "America/New_York", "Mars/Olympus"),),
        ("7:14: event.time_zone: unknown time zone 'Mars/Olympus' (use an IANA name)",),
    ),
    Broken(
        "impossible-date",
        (Edit(6, "2024-08-12", "2024-13-45"),),
        (
            "6:9: event.date: expected a valid date or datetime, month value is outside expected "
            "range of 1-12 (got '2024-13-45')",
        ),
    ),
    Broken(
        "arrival-points-out-of-order",
        (Edit(17, '"20:10"', '"19:10"'),),
        (
            "17:14: audience.arrivals.points[1].at: must be after the previous point "
            "(got -50m after -30m)",
        ),
    ),
    Broken(
        "cumulative-count-falls",
        (Edit(18, "1.3M", "100k"),),
        (
            "18:26: audience.arrivals.points[2].count: a cumulative count cannot fall "
            "(got 100k after 500k)",
        ),
    ),
    Broken(
        "cross-field-check-beside-structural-error",
        (Edit(17, '"20:10"', '"19:10"'), Edit(58, "5s", "fast")),
        (
            "17:14: audience.arrivals.points[1].at: must be after the previous point "
            "(got -50m after -30m)",
            "58:53: gates.checks[0].value: expected a duration like 90s, 40m or 2h15m (got 'fast')",
        ),
    ),
    Broken(
        "scenario-wide-check-beside-structural-error",
        (Edit(42, "[ap]", "[apnews]"), Edit(25, "attempts: 3", "attempts: 0")),
        (
            "25:25: audience.client.retries.attempts: must be at least 1 (got 0)",
            "42:15: facts[0].sources[0]: unknown source 'apnews' (event.sources has: ap)",
        ),
    ),
    Broken(
        "fact-with-unknown-metric",
        (Edit(38, "start_delay", "start_delays"),),
        (
            "38:13: facts[0].metric: unknown metric 'start_delays'; expected one of: start_delay, "
            "waiting_listeners_at, concurrent_listeners_at, peak_listeners, unique_listeners, "
            "space_ended_at, relaunched_at, error_message_seen, error_ratio, join_success_ratio, "
            "gave_up_ratio, gave_up_listeners, refusals",
        ),
    ),
    Broken(
        "fact-without-metric",
        (Edit(44, "    metric: peak_listeners", None),),
        ("43:5: facts[1].metric: missing required key 'metric'",),
    ),
    Broken(
        "unknown-operator-action",
        (Edit(35, "rate_limit", "reboot"),),
        (
            "35:14: operator_actions[0].action: unknown action 'reboot'; expected one of: "
            "cap_listeners, set_capacity, rate_limit, restart_space, end_space, open_room",
        ),
    ),
    Broken(
        "duplicate-key",
        (Edit(7, "America/New_York", "America/New_York\n  title: again"),),
        ("8:3: event.title: duplicate key 'title' (first at line 5)",),
    ),
    Broken(
        "duplicate-id",
        (Edit(43, "id: peak", "id: delay"),),
        ("43:9: facts[1].id: duplicate id 'delay'",),
    ),
    Broken(
        "unknown-source-cited",
        (Edit(42, "[ap]", "[apnews]"),),
        ("42:15: facts[0].sources[0]: unknown source 'apnews' (event.sources has: ap)",),
    ),
    Broken(
        "action-outside-the-window",
        (Edit(35, '"20:30"', '"23:30"'),),
        ("35:30: operator_actions[0].at: must be inside the window -30m .. +2h (got +3h30m)",),
    ),
    Broken(
        "no-host",
        (Edit(27, "role: host", "role: speaker"),),
        ("27:3: speakers: exactly one speaker must be the host (got 0)",),
    ),
    Broken(
        "missing-required-tier",
        (Edit(31, "    cdn: {capacity_rps: 3M, queue_limit: 6M}", None),),
        ("30:5: platform.tiers: missing required tier 'cdn'",),
    ),
    Broken(
        "unknown-tier-name",
        (Edit(31, "cdn:", "edge:"),),
        ("31:5: platform.tiers.edge: expected 'api', 'cdn' or 'chat' (got 'edge')",),
    ),
    Broken(
        "missing-required-key",
        (Edit(5, '  title: "Mini event"', None),),
        ("3:1: event.title: missing required key 'title'",),
    ),
    Broken(
        "bad-link",
        (Edit(10, "outlet: AP}", "outlet: AP, url: ap.org}"),),
        ("10:33: event.sources[0].url: expected an http:// or https:// link (got 'ap.org')",),
    ),
    Broken(
        "variant-key-typo-did-you-mean",
        (Edit(51, "description:", "descripion:"),),
        ("51:5: variants.ddos.descripion: unknown key 'descripion' (did you mean 'description'?)",),
    ),
    Broken(
        "bad-id",
        (Edit(4, "mini", "Mini Event"),),
        (
            "4:9: event.name: expected a lower-case id: a-z, 0-9, _ and -, at most 64 "
            "(got 'Mini Event')",
        ),
    ),
    Broken(
        "range-with-three-values",
        (Edit(40, "[41m, 42m]", "[41m, 42m, 43m]"),),
        ("40:15: facts[0].reported: a range is [low, high] (got 3 values)",),
    ),
    Broken(
        "range-upside-down",
        (Edit(40, "[41m, 42m]", "[42m, 41m]"),),
        ("40:15: facts[0].reported: min must not exceed max (got 42m > 41m)",),
    ),
    Broken(
        "unsupported-version",
        (Edit(2, "version: 1", "version: 2"),),
        ("2:10: version: expected 1 (got 2)",),
    ),
    Broken(
        "key-yaml-reads-as-boolean",
        (Edit(24, "patience", "yes"),),
        ("24:5: audience.client: keys must be text; quote 'yes' (YAML reads a bool)",),
    ),
    Broken(
        "gate-value-in-the-wrong-unit",
        (Edit(58, "5s", "fast"),),
        ("58:53: gates.checks[0].value: expected a duration like 90s, 40m or 2h15m (got 'fast')",),
    ),
    Broken(
        "variant-breaks-validation",
        (Edit(54, 'start: "19:55", end: "20:35"', 'start: "20:35", end: "19:55"'),),
        ("54:71: variants.ddos.overrides.attacks[0].end: must be after start +35m (got -5m)",),
    ),
    Broken(
        "variant-unknown-key",
        (Edit(54, "rate_rps:", "rate_rsp:"),),
        (
            "54:34: variants.ddos.overrides.attacks[0].rate_rsp: unknown key 'rate_rsp' (did you "
            "mean 'rate_rps'?)",
        ),
    ),
    Broken(
        "variant-makes-a-base-value-invalid",
        (
            Edit(53, "      attacks:", "      window: {end: +20m}"),
            Edit(
                54,
                '        - {id: flood, tier: api, rate_rps: 400k, start: "19:55", end: "20:35"}',
                None,
            ),
        ),
        (
            "50:3: variants.ddos: with this variant applied, operator_actions[0].at: must be "
            "inside the window -30m .. +20m (got +30m)",
            "50:3: variants.ddos: with this variant applied, facts[0].reported: a delay this long "
            "goes past the window: the Space would go live after its end +20m (got 41m .. 42m)",
        ),
    ),
    Broken(
        "variant-defines-variants",
        (Edit(53, "attacks:", "variants: {}\n      attacks:"),),
        ("53:7: variants.ddos.overrides.variants: a variant cannot define variants",),
    ),
    Broken(
        "problem-in-base-not-repeated-for-the-variant",
        (Edit(30, "60k", "lots"),),
        (
            "30:25: platform.tiers.api.capacity_rps: expected a count like 878k, 1.3M or "
            "8_000_000 (got 'lots')",
        ),
    ),
)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 25
    assert len({case.id for case in CASES}) == len(CASES)


def test_the_base_scenario_is_valid() -> None:
    loaded = load_scenario(BASE)
    assert loaded.scenario.event.name == "mini"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_scenario_reports_exact_problems(case: Broken, tmp_path: Path) -> None:
    path = write(tmp_path, case.edits)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert [str(p) for p in caught.value.problems] == [f"{path}:{line}" for line in case.problems]


def test_whole_file_problems(tmp_path: Path) -> None:
    cases = {
        "": "1:1: the file is empty",
        "# only a comment\n": "1:1: the file is empty",
        "- a\n- b\n": "1:1: the top level must be a mapping of keys (got list)",
        "just text\n": "1:1: the top level must be a mapping of keys (got str)",
    }
    for text, expected in cases.items():
        path = tmp_path / "whole.yaml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ScenarioError) as caught:
            load_scenario(path)
        assert [str(p) for p in caught.value.problems] == [f"{path}:{expected}"]


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"missing\.yaml:1:1: cannot read: "):
        load_scenario(tmp_path / "missing.yaml")
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"version: 1\nevent:\n  title: caf\xe9\n")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(latin1)
    assert [str(p) for p in caught.value.problems] == [
        f"{latin1}:3:13: not UTF-8 text (byte 0xe9); save it as UTF-8"
    ]


E2E_CASES = [
    case
    for case in CASES
    if case.id
    in {
        "typo-key-did-you-mean",
        "cross-field-check-beside-structural-error",
        "variant-breaks-validation",
        "yaml-syntax-tab-indent",
    }
]


@pytest.mark.e2e
@pytest.mark.parametrize("case", E2E_CASES, ids=[case.id for case in E2E_CASES])
def test_cli_prints_problem_lines_and_exits_2(case: Broken, tmp_path: Path) -> None:
    path = write(tmp_path, case.edits)
    assert validate_cli(path) == [f"{path}:{line}" for line in case.problems]
