"""The loader's happy paths, variants and merge rules, clock times, and hostile files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simspace.errors import ScenarioError
from simspace.scenario import LoadedScenario, Scenario, load_scenario
from simspace.scenario.facts import ListenersAtFact, StartDelayFact
from simspace.scenario.model import check_scenario
from simspace.scenario.schema import scenario_schema
from simspace.scenario.variants import apply_overrides
from simspace.scenario.yaml_positions import MAX_DEPTH, MAX_NODES, parse_yaml

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
# Incident scenarios (facts and hypotheses); ci_smoke.yaml is a synthetic gate scenario.
REFERENCE_SCENARIOS = [p for p in SCENARIOS if p.stem != "ci_smoke"]
MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
MINIMAL_TEXT = MINIMAL.read_text(encoding="utf-8")
DDOS = """variants:
  ddos:
    description: "A flood hits the API"
    overrides:
      attacks:
        - {id: flood, tier: api, rate_rps: 400k, start: "19:55", end: "20:35"}
"""


def write(tmp_path: Path, text: str, name: str = "scenario.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def with_variant(overrides: str) -> str:
    """The minimal scenario with its `ddos` variant's overrides replaced by YAML lines."""
    assert DDOS in MINIMAL_TEXT
    body = "".join(f"      {line}\n" for line in overrides.strip("\n").splitlines())
    return MINIMAL_TEXT.replace(
        DDOS, DDOS.split("    overrides:", maxsplit=1)[0] + "    overrides:\n" + body
    )


def problems(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    prefix = f"{path}:"
    return [str(p).removeprefix(prefix) for p in caught.value.problems]


def test_there_are_reference_scenarios() -> None:
    assert [p.name for p in REFERENCE_SCENARIOS] == ["desantis_launch.yaml", "trump_space.yaml"]


def test_the_ci_smoke_scenario_loads_with_gates_and_no_facts() -> None:
    scenario = load_scenario(ROOT / "scenarios" / "ci_smoke.yaml").scenario
    assert check_scenario(scenario) == []
    assert scenario.facts == []
    assert scenario.gates.expect == "survive"
    assert len(scenario.gates.checks) >= 3


@pytest.mark.parametrize("path", REFERENCE_SCENARIOS, ids=lambda p: p.stem)
def test_reference_scenario_loads(path: Path) -> None:
    loaded = load_scenario(path)
    assert isinstance(loaded, LoadedScenario)
    assert loaded.path == str(path)
    assert loaded.variant is None
    assert loaded.scenario.event.name == path.stem
    assert check_scenario(loaded.scenario) == []
    assert len(loaded.scenario.variants) >= 2
    assert any(fact.scored for fact in loaded.scenario.facts)


@pytest.mark.parametrize("path", REFERENCE_SCENARIOS, ids=lambda p: p.stem)
def test_every_variant_applies_and_yields_a_plain_scenario(path: Path) -> None:
    base = load_scenario(path).scenario
    for name, variant in base.variants.items():
        loaded = load_scenario(path, name)
        assert loaded.variant == name
        assert type(loaded.scenario) is Scenario
        assert check_scenario(loaded.scenario) == []
        if variant.overrides:
            assert loaded.scenario != base
        else:
            assert loaded.scenario == base


@pytest.mark.parametrize("path", [*REFERENCE_SCENARIOS, MINIMAL], ids=lambda p: p.stem)
def test_a_loaded_scenario_survives_a_dump_and_revalidation(path: Path) -> None:
    scenario = load_scenario(path).scenario
    assert Scenario.model_validate(scenario.model_dump()) == scenario


def test_trump_space_reads_as_reported() -> None:
    s = load_scenario(ROOT / "scenarios" / "trump_space.yaml").scenario
    assert (s.window.start, s.window.end) == (-30 * 60, 3 * 3600 + 5 * 60)
    markers = {m.label.split()[0]: m.at for m in s.event.markers}
    assert markers["conversation"] == 42 * 60  # "20:42" for a 20:00 start
    # The arrival curve, capacities and attacks are hypotheses that calibration tunes; what is
    # checked here is what was reported, and that the variants still apply.
    start_delay = next(f for f in s.facts if f.id == "start_delay")
    assert isinstance(start_delay, StartDelayFact)
    assert start_delay.reported.min == 41 * 60
    assert start_delay.reported.max == 42 * 60
    assert start_delay.tolerance == 5 * 60
    waiting = next(f for f in s.facts if f.id == "waiting_878k")
    assert isinstance(waiting, ListenersAtFact)
    assert waiting.reported.min == 878_000
    assert waiting.reported.max is None
    assert waiting.tolerance.relative == pytest.approx(0.15)
    ddos = load_scenario(ROOT / "scenarios" / "trump_space.yaml", "ddos").scenario
    assert [a.tier for a in ddos.attacks] == ["api"]
    assert s.window.start <= ddos.attacks[0].start < ddos.attacks[0].end <= s.window.end
    organic = load_scenario(ROOT / "scenarios" / "trump_space.yaml", "organic").scenario
    assert organic.attacks == []


def test_clock_times_resolve_against_date_zone_and_start() -> None:
    s = load_scenario(MINIMAL).scenario
    assert s.audience.arrivals.points[1].at == 10 * 60  # "20:10"
    assert s.speakers[0].joins_at == -15 * 60  # "19:45"
    assert s.operator_actions[0].at == 30 * 60  # "20:30"


def test_clock_times_cross_midnight(tmp_path: Path) -> None:
    text = (
        MINIMAL_TEXT.replace('scheduled_start: "20:00"', 'scheduled_start: "23:30"')
        .replace('{at: "20:10", count: 500k}', '{at: "00:10", count: 500k}')
        .replace('joins_at: "19:45"', 'joins_at: "23:15"')
        .replace('at: "20:30", tier: api', 'at: "01:00", tier: api')
    )
    s = load_scenario(write(tmp_path, text)).scenario
    assert s.audience.arrivals.points[1].at == 40 * 60
    assert s.speakers[0].joins_at == -15 * 60
    assert s.operator_actions[0].at == 90 * 60


def test_clock_times_count_a_daylight_saving_change(tmp_path: Path) -> None:
    # US clocks went back at 02:00 on 2024-11-03: 00:30 -> 03:00 is three and a half hours.
    text = (
        MINIMAL_TEXT.replace("date: 2024-08-12", "date: 2024-11-03")
        .replace('scheduled_start: "20:00"', 'scheduled_start: "00:30"')
        .replace('{at: "20:10", count: 500k}', '{at: "01:40", count: 500k}')
        .replace('joins_at: "19:45"', 'joins_at: "00:15"')
        .replace("end: +2h}", "end: +5h}")
        .replace("{at: +2h, count: 1.3M}", "{at: +5h, count: 1.3M}")
        .replace('at: "20:30", tier: api', 'at: "03:00", tier: api')
        .replace('start: "19:55", end: "20:35"', 'start: "00:25", end: "01:05"')
    )
    s = load_scenario(write(tmp_path, text)).scenario
    assert s.audience.arrivals.points[1].at == 70 * 60
    assert s.operator_actions[0].at == 3.5 * 3600


def test_a_quoted_date_still_resolves_clock_times(tmp_path: Path) -> None:
    text = MINIMAL_TEXT.replace("date: 2024-08-12", 'date: "2024-08-12"')
    s = load_scenario(write(tmp_path, text)).scenario
    assert s.audience.arrivals.points[1].at == 10 * 60


def test_a_broken_event_clock_is_reported_once_not_at_every_clock_time(tmp_path: Path) -> None:
    text = MINIMAL_TEXT.replace("  time_zone: America/New_York\n", "")
    assert problems(write(tmp_path, text)) == [
        "3:1: event.time_zone: missing required key 'time_zone'"
    ]


def test_null_in_overrides_restores_the_default(tmp_path: Path) -> None:
    text = with_variant("audience: {client: {patience: null}}\nsimulation: {seed: null}")
    base = load_scenario(write(tmp_path, text)).scenario
    applied = load_scenario(write(tmp_path, text), "ddos").scenario
    assert base.audience.client.patience == 50 * 60
    assert applied.audience.client.patience == 30 * 60  # ClientPolicy's default
    assert base.simulation.seed == 7
    assert applied.simulation.seed == 1
    assert applied.audience.client.retries == base.audience.client.retries


def test_mappings_merge_and_lists_replace(tmp_path: Path) -> None:
    text = with_variant(
        "platform: {tiers: {api: {capacity_rps: 150k}}}\n"
        "operator_actions:\n"
        '  - {action: end_space, at: "21:30"}'
    )
    base = load_scenario(write(tmp_path, text)).scenario
    applied = load_scenario(write(tmp_path, text), "ddos").scenario
    assert applied.platform.tiers["api"].capacity_rps == 150_000
    assert applied.platform.tiers["api"].queue_limit == base.platform.tiers["api"].queue_limit
    assert applied.platform.tiers["cdn"] == base.platform.tiers["cdn"]
    assert [a.action for a in base.operator_actions] == ["rate_limit"]
    assert [(a.action, a.at) for a in applied.operator_actions] == [("end_space", 90 * 60)]


def test_apply_overrides_leaves_its_inputs_alone() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    overrides = {"a": {"c": [3], "e": None}, "d": None, "f": {"g": 1}}
    assert apply_overrides(base, overrides) == {"a": {"b": 1, "c": [3]}, "f": {"g": 1}}
    assert base == {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert overrides == {"a": {"c": [3], "e": None}, "d": None, "f": {"g": 1}}


def test_unknown_variant(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(MINIMAL, "organic")
    assert [str(p) for p in caught.value.problems] == [
        f"{MINIMAL}:50:3: variants: no variant 'organic' (variants: ddos)"
    ]


def test_a_problem_inside_a_variant_is_labelled_with_its_place(tmp_path: Path) -> None:
    text = with_variant(
        "audience:\n  listening_time: {distribution: exponential}\n  client: {patience: soon}"
    )
    assert problems(write(tmp_path, text)) == [
        "50:3: variants.ddos: with this variant applied, audience.listening_time.median: "
        "unknown key 'median' (did you mean 'mean'?)",
        "50:3: variants.ddos: with this variant applied, audience.listening_time.p90: "
        "unknown key 'p90' (allowed: distribution, mean)",
        "55:28: variants.ddos.overrides.audience.client.patience: expected a duration like 90s, "
        "40m or 2h15m (got 'soon')",
    ]


def test_a_variant_removing_a_required_key_points_at_the_variant(tmp_path: Path) -> None:
    text = with_variant("event: {title: null}\nplatform: {tiers: {cdn: null}}")
    assert problems(write(tmp_path, text)) == [
        "53:7: variants.ddos.overrides.event.title: missing required key 'title'",
        "54:25: variants.ddos.overrides.platform.tiers: missing required tier 'cdn'",
    ]


def test_a_problem_in_the_base_is_not_repeated_for_each_variant(tmp_path: Path) -> None:
    text = with_variant("simulation: {seed: 3}").replace("patience: 50m", "patience: forever")
    assert problems(write(tmp_path, text)) == [
        "24:15: audience.client.patience: expected a duration like 90s, 40m or 2h15m "
        "(got 'forever')"
    ]


def test_every_independent_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        MINIMAL_TEXT.replace("patience: 50m", "patiense: 50m")
        .replace('{at: "20:10", count: 500k}', '{at: "19:10", count: 500k}')
        .replace("sources: [ap]}", "sources: [reuters]}")
        .replace("queue_limit: 6M", "queue_limit: lots")
        .replace("start_delay\n", "start_dealy\n")
    )
    assert problems(write(tmp_path, text)) == [
        "17:14: audience.arrivals.points[1].at: must be after the previous point "
        "(got -50m after -30m)",
        "24:5: audience.client.patiense: unknown key 'patiense' (did you mean 'patience'?)",
        "31:42: platform.tiers.cdn.queue_limit: expected a count like 878k, 1.3M or 8_000_000 "
        "(got 'lots')",
        "35:75: operator_actions[0].sources[0]: unknown source 'reuters' (event.sources has: ap)",
        "38:13: facts[0].metric: unknown metric 'start_dealy'; expected one of: start_delay, "
        "waiting_listeners_at, concurrent_listeners_at, peak_listeners, unique_listeners, "
        "space_ended_at, relaunched_at, error_message_seen, error_ratio, join_success_ratio, "
        "gave_up_ratio, gave_up_listeners, refusals",
    ]


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for parent, child in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{child}: &{child} [{', '.join([f'*{parent}'] * 10)}]")
    found = problems(write(tmp_path, "\n".join(lines) + "\n"))
    assert len(found) == 1
    assert found[0].endswith(
        f"document too large: more than {MAX_NODES} values after expanding aliases"
    )


def test_file_over_one_mib_is_refused_unread(tmp_path: Path) -> None:
    path = write(tmp_path, "# " + "x" * (1 << 20) + "\n")
    assert problems(path) == ["1:1: file larger than 1024 KiB; a scenario is a small text"]


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 50_000,
        "a: " + "{b: " * 5_000 + "1" + "}" * 5_000,
        "".join("  " * depth + f"k{depth}:\n" for depth in range(200)),
        "a: &a [*a]\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-mappings", "recursive-alias"],
)
def test_deep_nesting_is_refused(tmp_path: Path, text: str) -> None:
    found = problems(write(tmp_path, text))
    assert len(found) == 1
    assert found[0].endswith(f"nested deeper than {MAX_DEPTH}")


def test_unsupported_yaml_tag_is_a_problem(tmp_path: Path) -> None:
    text = MINIMAL_TEXT.replace('title: "Mini event"', "title: !!python/name:os.system x")
    assert problems(write(tmp_path, text)) == [
        "5:10: event.title: unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'"
    ]


def test_numeric_keys_are_read_as_text() -> None:
    data, _, found = parse_yaml("1: a\n2.5: b\n")
    assert data == {"1": "a", "2.5": "b"}
    assert found == []


def test_clock_times_stay_text_in_yaml() -> None:
    data, positions, _ = parse_yaml("at: 20:42\nother: 1:30:00\n")
    assert data == {"at": "20:42", "other": "1:30:00"}
    assert positions.value_of(("at",)).line == 1
    assert positions.key_of(("other",)).column == 1


def test_json_schema_accepts_the_reference_scenarios() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(scenario_schema())
    for path in [*SCENARIOS, MINIMAL]:
        data, _, _ = parse_yaml(path.read_text(encoding="utf-8"))
        as_json = json.loads(json.dumps(data, default=str))  # dates as YYYY-MM-DD, like editors
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(as_json)]
        assert errors == [], path
