"""The JSON Schema shipped in the package: current, pointed at by every scenario's first line, and
accepting what the loader accepts (with formats checked, as editors check them)."""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import json
import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest
import yaml

from simspace.errors import ScenarioError
from simspace.scenario.loader import load_scenario
from simspace.scenario.schema import REGENERATE, SCHEMA_FILE, schema_json

ROOT = Path(__file__).parents[2]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))
LANGUAGE_SERVER = re.compile(r"# yaml-language-server: \$schema=(\S+)\n")
Validator = jsonschema.Draft202012Validator


def _validator() -> Any:
    shipped = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Validator(shipped, format_checker=Validator.FORMAT_CHECKER)


def _as_editors_read(text: str) -> Any:
    """YAML as plain data, dates as YYYY-MM-DD text (YAML 1.2, which editors use, has no date)."""

    def plain(value: Any) -> Any:
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict):
            return {str(k): plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(yaml.safe_load(text))


def _errors(document: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in _validator().iter_errors(document)]


def test_the_shipped_schema_is_the_one_generated_today() -> None:
    shipped = SCHEMA_FILE.read_text(encoding="utf-8") if SCHEMA_FILE.exists() else ""
    generated = schema_json()
    if shipped != generated:
        diff = difflib.unified_diff(
            shipped.splitlines(keepends=True), generated.splitlines(keepends=True),
            "shipped", "generated", n=1,
        )  # fmt: skip
        pytest.fail(
            f"{SCHEMA_FILE.name} is stale; regenerate it with:\n    {REGENERATE}\n\n"
            + "".join(diff)[:4000],
            pytrace=False,
        )


def test_the_schema_is_package_data_and_names_no_domain() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["simspace"]
    inside = SCHEMA_FILE.relative_to(ROOT / "simspace").as_posix()
    assert any(fnmatch(inside, pattern) for pattern in patterns), patterns
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert "$id" not in schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_scenario_points_editors_at_the_shipped_schema(path: Path) -> None:
    found = LANGUAGE_SERVER.match(path.read_text(encoding="utf-8"))
    assert found, f"{path} does not start with the yaml-language-server line"
    assert (path.parent / found[1]).resolve() == SCHEMA_FILE.resolve()


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_scenario_is_valid_under_the_shipped_schema(path: Path) -> None:
    assert SCENARIOS, "no scenarios found"
    assert _errors(_as_editors_read(path.read_text(encoding="utf-8"))) == []


SMOKE = ROOT / "scenarios" / "ci_smoke.yaml"


def _smoke() -> Any:
    return _as_editors_read(SMOKE.read_text(encoding="utf-8"))


@pytest.mark.parametrize("start", ["12:00", "8:05", "20:42:30", "00:10"])
def test_clock_times_the_loader_reads_are_valid(start: str, tmp_path: Path) -> None:
    document = _smoke()
    document["event"]["scheduled_start"] = start
    assert _errors(document) == []
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")  # JSON is YAML
    assert load_scenario(path).scenario.event.name == "ci_smoke"


BREAKS: list[tuple[str, list[str | int], Any]] = [
    ("unknown key", ["event", "hashtag"], "#space"),
    ("clock time out of range", ["event", "scheduled_start"], "25:00"),
    ("clock time as RFC 3339", ["event", "scheduled_start"], "12:00:00Z"),
    ("not a date", ["event", "date"], "yesterday"),
    ("not a duration", ["audience", "client", "request_timeout"], "banana"),
    ("not a count", ["audience", "arrivals", "points", 1, "count"], "lots"),
    ("not an event time", ["window", "start"], "soon"),
    ("unknown gate metric", ["gates", "checks", 0, "metric"], "vibes"),
    ("unknown version", ["version"], 2),
]


@pytest.mark.parametrize(("what", "where", "value"), BREAKS, ids=[b[0] for b in BREAKS])
def test_what_the_loader_refuses_the_schema_refuses(
    what: str, where: list[str | int], value: Any, tmp_path: Path
) -> None:
    document = copy.deepcopy(_smoke())
    node = document
    for part in where[:-1]:
        node = node[part]
    node[where[-1]] = value
    assert _errors(document), what
    path = tmp_path / "s.yaml"
    path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(ScenarioError):
        load_scenario(path)
