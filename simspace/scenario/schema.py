"""The scenario's JSON Schema (for editors and docs) and key look-ups used for "did you mean"."""

from __future__ import annotations

import functools
import json
from typing import Any

from simspace.scenario.model import Scenario

SCHEMA_ID = "https://simspace.dev/schema/scenario-v1.json"


@functools.cache
def scenario_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a scenario file."""
    schema = Scenario.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def schema_json() -> str:
    return json.dumps(scenario_schema(), indent=2, sort_keys=False) + "\n"


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
