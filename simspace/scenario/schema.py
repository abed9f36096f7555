"""The scenario's JSON Schema (for editors and docs) and key look-ups used for "did you mean".

The schema ships in the package as `scenario.schema.json` beside this module (a test fails when
it is stale), so a scenario's `# yaml-language-server: $schema=<path>` line can point at a file
that exists. It has no `$id`: an editor finds it by that path, and a URL under a domain the
project does not own would name a document anyone could publish.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from simspace.scenario.model import Scenario

SCHEMA_FILE = Path(__file__).with_name("scenario.schema.json")
"""The shipped schema (package data)."""
REGENERATE = "simspace schema -o simspace/scenario/scenario.schema.json"
CLOCK_TIME_PATTERN = r"^\s*([01]?\d|2[0-3]):[0-5]\d(:[0-5]\d)?\s*$"
"""What `units.parse_clock_time` reads (20:42, 8:05, 20:42:30). JSON Schema's `format: time`
is RFC 3339's 20:42:00Z, which editors check and every scenario's start would fail."""


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file, as the model states it (the field
    reference names its `format`s)."""
    schema = Scenario.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


@functools.cache
def editor_schema() -> dict[str, Any]:
    """The schema shipped and printed for editors: `scenario_schema` with each clock time
    (`format: time`) checked as the loader reads it."""
    schema: dict[str, Any] = _clock_times(scenario_schema())
    return schema


def _clock_times(node: Any) -> Any:
    """A copy of a schema node with each `format: time` replaced by `CLOCK_TIME_PATTERN`."""
    if isinstance(node, list):
        return [_clock_times(item) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("format") == "time":
        node = {key: value for key, value in node.items() if key != "format"}
        node["pattern"] = CLOCK_TIME_PATTERN
    return {key: _clock_times(value) for key, value in node.items()}


def schema_json() -> str:
    """The editors' schema, as `simspace schema` prints it and the package ships it."""
    return json.dumps(editor_schema(), indent=2, sort_keys=False) + "\n"


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _step(node: dict[str, Any], part: str | int, root: dict[str, Any]) -> dict[str, Any] | None:
    node = _resolve(node, root)
    mapping = node.get("discriminator", {}).get("mapping", {})
    if isinstance(part, str) and part in mapping:
        return _resolve({"$ref": mapping[part]}, root)
    if isinstance(part, str) and part in node.get("properties", {}):
        return _resolve(node["properties"][part], root)
    if isinstance(part, int) and isinstance(node.get("items"), dict):
        return _resolve(node["items"], root)
    if isinstance(part, str) and isinstance(node.get("additionalProperties"), dict):
        return _resolve(node["additionalProperties"], root)
    if isinstance(part, str) and node.get("patternProperties"):
        return _resolve(next(iter(node["patternProperties"].values())), root)
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        found = _step(branch, part, root)
        if found is not None:
            return found
    return None


def allowed_keys(loc: tuple[int | str, ...]) -> list[str]:
    """Keys allowed in the mapping at pydantic location `loc` (union tags pick a branch)."""
    root = scenario_schema()
    node: dict[str, Any] | None = root
    for part in loc:
        if node is None:
            return []
        node = _step(node, part, root)
    if node is None:
        return []
    node = _resolve(node, root)
    keys = set(node.get("properties", {}))
    for branch in node.get("anyOf", []) + node.get("oneOf", []):
        keys |= set(_resolve(branch, root).get("properties", {}))
    return sorted(keys)
