"""Random and mutated scenario files: the loader returns a scenario or raises ScenarioError with
positioned problems, never anything else. SIMSPACE_FUZZ_EXAMPLES=2000 searches harder."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simspace.errors import ScenarioError
from simspace.scenario.loader import LoadedScenario, load_scenario

ROOT = Path(__file__).parents[2]
REFERENCES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "scenarios").glob("*.yaml"))]
REFERENCE = REFERENCES[-1]
YAML_LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
EXAMPLES = int(os.environ.get("SIMSPACE_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Values that trip YAML and the model in different ways.
NASTY_VALUES = (
    "",
    "null",
    "~",
    "-1",
    "0",
    "1e400",
    ".nan",
    "-.inf",
    "yes",
    "[]",
    "{}",
    "[1, [2, [3]]]",
    "{a: {b: c}}",
    "20:42",
    "25:99",
    "-15m",
    "+1h40m",
    "2h15m30s",
    "30m2h",
    "1.3M",
    "878k",
    "8_000_000",
    "2.5%",
    "150%",
    "1/5000",
    "1/0",
    "2024-02-30",
    "2024-08-12 20:00:00",
    "!!binary AAAA",
    "!!python/object:os.system x",
    "!custom 1",
    "&anchor 1",
    "*undefined",
    "'unterminated",
    '"\\x00"',
    "|",
    ">-",
    "- a",
    "? complex",
    "a: b: c",
    "{",
    "]",
    "%YAML 1.1",
    "---",
    "...",
    "America/New_York",
    "Mars/Olympus",
    "\t",
    "é",
    "\U0001f600",
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "scenario.yaml"


def load_or_problems(path: Path, data: bytes) -> LoadedScenario | ScenarioError:
    """Load `data` and every variant of it; any exception but ScenarioError fails the test."""
    path.write_bytes(data)
    try:
        loaded = load_scenario(path)
    except ScenarioError as exc:
        check_problems(exc, data)
        return exc
    assert isinstance(loaded, LoadedScenario)
    for name in loaded.scenario.variants:
        try:
            applied = load_scenario(path, name)
        except ScenarioError as exc:  # pragma: no cover - variants were validated with the base
            pytest.fail(f"variant {name} validated with the file but failed alone: {exc}")
        assert applied.variant == name
    return loaded


def check_problems(exc: ScenarioError, data: bytes) -> None:
    assert exc.problems, "a ScenarioError without problems"
    text = data.decode("utf-8", "replace")
    last_line = len(YAML_LINE_BREAK.findall(text)) + 1
    for problem in exc.problems:
        assert 1 <= problem.line <= last_line, str(problem)
        assert problem.column >= 1, str(problem)
        assert problem.message, str(problem)
        assert "\n" not in str(problem), str(problem)


@FUZZ
@given(st.text(max_size=400))
def test_random_text(scratch: Path, text: str) -> None:
    load_or_problems(scratch, text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(st.binary(max_size=200))
def test_random_bytes(scratch: Path, data: bytes) -> None:
    load_or_problems(scratch, data)


KEYS: tuple[str, ...] = (
    "event",
    "window",
    "audience",
    "speakers",
    "platform",
    "facts",
    "variants",
    "at",
    "count",
)
KEYS += ("points", "start", "end", "overrides", "metric", "tiers", "description", "attacks")
yaml_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=20)
    | st.sampled_from(["20:42", "-15m", "1.3M", "2.5%", "api", "lognormal", "start_delay"]),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS) | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(sorted(yaml.safe_load(REFERENCE))), yaml_values))
def test_random_yaml_documents(scratch: Path, document: dict[str, Any]) -> None:
    load_or_problems(scratch, yaml.safe_dump(document, allow_unicode=True).encode("utf-8"))


@st.composite
def mutated_reference(draw: st.DrawFn) -> str:
    """The reference scenario with a few lines deleted, duplicated, or their values replaced,
    and characters swapped, inserted or dropped."""
    lines = draw(st.sampled_from(REFERENCES)).splitlines()
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["delete", "duplicate", "value", "swap", "insert", "drop"]))
        line = lines[i]
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, line)
        elif kind == "value":
            head, sep, _ = line.partition(": ")
            new = draw(st.sampled_from(NASTY_VALUES) | st.text(max_size=12))
            lines[i] = f"{head}{sep or ': '}{new}"
        elif line:
            j = draw(st.integers(0, len(line) - 1))
            if kind == "swap" and j + 1 < len(line):
                lines[i] = line[:j] + line[j + 1] + line[j] + line[j + 2 :]
            elif kind == "insert":
                char = draw(st.sampled_from(list(":-[]{}&*!|>'\"#%@` \t,?")) | st.characters())
                lines[i] = line[:j] + char + line[j:]
            else:
                lines[i] = line[:j] + line[j + 1 :]
        if not lines:
            lines = [""]
    return "\n".join(lines) + "\n"


@FUZZ
@given(mutated_reference())
def test_mutated_reference_scenario(scratch: Path, text: str) -> None:
    load_or_problems(scratch, text.encode("utf-8", "surrogatepass"))


@pytest.mark.parametrize("text", REFERENCES)
def test_the_unmutated_references_load(scratch: Path, text: str) -> None:
    assert isinstance(load_or_problems(scratch, text.encode("utf-8")), LoadedScenario)
