"""The scenario field reference (docs/scenario-reference.md), generated from the JSON Schema.

Regenerate with `python -m simspace.scenario.reference > docs/scenario-reference.md`; a test fails
when the committed file is stale.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from simspace import units
from simspace.scenario.facts import Percent
from simspace.scenario.schema import scenario_schema
from simspace.scenario.types import Count, Duration, EventTime, Fraction, Ratio, Slug

Node = dict[str, Any]
REGENERATE = "python -m simspace.scenario.reference > docs/scenario-reference.md"
_IGNORED = ("description", "title", "default")


@dataclass(frozen=True)
class Unit:
    """A human unit as the reference names it, and how a value of it is written and stored."""

    name: str
    written: str
    stored: str
    show: Callable[[float], str] | None
    schema: Node

    def matches(self, node: Node) -> bool:
        return _core(node) == _core(self.schema)


def _core(node: Node) -> Node:
    return {k: v for k, v in node.items() if k not in _IGNORED}


def _schema_of(kind: Any) -> Node:
    schema: Node = TypeAdapter(kind).json_schema()
    return schema


UNITS = (
    Unit(
        "duration",
        "`90s`, `40m`, `2h15m`, `1.5s`, `250ms`; a plain number is seconds",
        "seconds",
        units.format_duration_s,
        _schema_of(Duration),
    ),
    Unit(
        "event time",
        "an offset from the scheduled start (`-15m`, `0m`, `+1h40m`) or a clock time in the "
        "event's time zone (`20:42`, `00:10` the next day)",
        "seconds from the scheduled start",
        units.format_offset_s,
        _schema_of(EventTime),
    ),
    Unit(
        "count",
        "`878k`, `1.3M`, `2B`, `8_000_000`, `0.5`",
        "a number",
        units.format_count,
        _schema_of(Count),
    ),
    Unit(
        "ratio",
        "`2.5%`, or a fraction like `0.025`",
        "a fraction from 0 to 1",
        units.format_ratio,
        _schema_of(Ratio),
    ),
    Unit(
        "fraction",
        "`1/5000`, `0.0002`, `2e-4`",
        "a fraction above 0, at most 1",
        None,
        _schema_of(Fraction),
    ),
    Unit(
        "percentage",
        "`10%` (in a count tolerance: a share of the reported value)",
        "a fraction",
        None,
        _schema_of(Percent),
    ),
    Unit(
        "id",
        "lower-case letters, digits, `_` and `-`, at most 64: `trump_space`",
        "text",
        None,
        _schema_of(Slug),
    ),
)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _code(value: Any) -> str:
    """A value as it is written in YAML, in backticks."""
    if value is None:
        return "`null`"
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, str):
        return f"`{value}`" if value else '`""`'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"`{json.dumps(value)}`"


def _or(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _bounds(node: Node) -> str:
    signs = (
        ("minimum", "≥"),
        ("exclusiveMinimum", ">"),
        ("maximum", "≤"),
        ("exclusiveMaximum", "<"),
    )
    found = [f"{sign} {node[key]:g}" for key, sign in signs if key in node]
    return f" ({', '.join(found)})" if found else ""


def _size(node: Node) -> str:
    low, high = node.get("minItems"), node.get("maxItems")
    if low is not None and low == high:
        return f" (exactly {low})"
    if low is not None and high is not None:
        return f" ({low} to {high})"
    if low is not None:
        return f" (at least {low})"
    if high is not None:
        return f" (at most {high})"
    return ""


_SIMPLE_TYPES = {"boolean": "`true` or `false`", "null": "`null`"}


@dataclass
class _Reference:
    root: Node

    def definition(self, ref: str) -> tuple[str, Node]:
        name = ref.rsplit("/", 1)[-1]
        found: Node = self.root["$defs"][name]
        return name, found

    def unit(self, node: Node) -> Unit | None:
        """The unit of a node, also when it is one branch beside `null` or a literal."""
        for unit in UNITS:
            if unit.matches(node):
                return unit
        for branch in node.get("anyOf", []):
            found = next((u for u in UNITS if u.matches(branch)), None)
            if found is not None:
                return found
        return None

    def link(self, ref: str) -> str:
        name, _ = self.definition(ref)
        return f"[{name}](#{name.lower()})"

    def type(self, node: Node) -> str:
        """A human reading of a node's type: `[duration](#units)`, `list of [Source](#source)`."""
        named = self.named_type(node)
        if named is not None:
            return named
        branches = node.get("anyOf") or node.get("oneOf")
        if branches:
            return _or([self.type(branch) for branch in branches])
        return self.json_type(node)

    def named_type(self, node: Node) -> str | None:
        """A unit, a model, a fixed value or a tagged choice of models; None for anything else."""
        for unit in UNITS:
            if unit.matches(node):
                return f"[{unit.name}](#units)"
        if "$ref" in node:
            return self.link(node["$ref"])
        if "const" in node:
            return _code(node["const"])
        if "enum" in node:
            return "one of " + ", ".join(_code(v) for v in node["enum"])
        if "discriminator" in node:
            links = [self.link(branch["$ref"]) for branch in node["oneOf"]]
            tag = node["discriminator"]["propertyName"]
            return f"one of {', '.join(links)}, chosen by `{tag}`"
        return None

    def json_type(self, node: Node) -> str:
        """A plain JSON Schema type, with its bounds, sizes and item or value types."""
        kind = node.get("type")
        if kind == "array":
            return f"list of {self.type(node.get('items', {}))}{_size(node)}"
        if kind == "object":
            return self.mapping(node)
        if kind == "string":
            return self.text(node)
        if kind in ("integer", "number"):
            return f"{kind}{_bounds(node)}"
        return _SIMPLE_TYPES.get(str(kind), "anything")

    def mapping(self, node: Node) -> str:
        values = node.get("additionalProperties")
        patterns = node.get("patternProperties", {})
        if isinstance(values, dict):
            keys = node.get("propertyNames", {})
            key = _or([_code(v) for v in keys["enum"]]) if "enum" in keys else "text"
            return f"mapping of {key} to {self.type(values)}"
        if patterns:
            pattern, values = next(iter(patterns.items()))
            key = self.type({"type": "string", "pattern": pattern})
            return f"mapping of {key} to {self.type(values)}"
        return "mapping"

    def text(self, node: Node) -> str:
        formats = {"date": "date `YYYY-MM-DD`", "time": "clock time `HH:MM`"}
        if node.get("format") in formats:
            return formats[node["format"]]
        for unit in UNITS:
            if unit.schema.get("pattern") and unit.schema.get("pattern") == node.get("pattern"):
                return f"[{unit.name}](#units)"
        if "pattern" in node:
            return f"text matching `{node['pattern']}`"
        return "text, not empty" if node.get("minLength") == 1 else "text"

    def default(self, name: str, node: Node, required: set[str]) -> str:
        if name in required:
            return "**required**"
        if "default" not in node:
            # Made by a default factory: an empty list or mapping, or the model's own defaults.
            kind = node.get("type")
            return "`[]`" if kind == "array" else "`{}`" if kind == "object" else "its defaults"
        value = node["default"]
        unit = self.unit(node)
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if unit is not None and unit.show is not None and number:
            return f"`{unit.show(float(value))}`"
        return _code(value)

    def choices(self, field: str, node: Node) -> list[str]:
        """For a discriminated union (of a field or of its items): which tag picks which model."""
        union = node.get("items", node) if node.get("type") == "array" else node
        if "discriminator" not in union:
            return []
        tag = union["discriminator"]["propertyName"]
        mapping: dict[str, str] = union["discriminator"]["mapping"]
        items = "Each item of" if union is not node else "The value of"
        lines = [f"{items} `{field}` is chosen by its `{tag}`:", ""]
        for ref in (branch["$ref"] for branch in union["oneOf"]):
            _, model = self.definition(ref)
            tags = ", ".join(f"`{tag}: {v}`" for v, target in mapping.items() if target == ref)
            lines.append(f"- {tags}: {self.link(ref)}. {model.get('description', '')}".rstrip())
        return [*lines, ""]

    def section(self, name: str, model: Node) -> list[str]:
        lines = [f"## {name}", ""]
        if model.get("description"):
            lines += [model["description"], ""]
        properties: dict[str, Node] = model.get("properties", {})
        if not properties:
            return lines
        required = set(model.get("required", []))
        lines += ["| key | type | default | description |", "|---|---|---|---|"]
        notes: list[str] = []
        for field, node in properties.items():
            row = (
                f"`{field}`",
                self.type(node),
                self.default(field, node, required),
                node.get("description", ""),
            )
            lines.append("| " + " | ".join(_cell(cell) for cell in row) + " |")
            notes += self.choices(field, node)
        lines.append("")
        if notes:
            lines += notes
        return lines

    def order(self, node: Node | None = None, seen: list[str] | None = None) -> list[str]:
        """Definitions in the order a reader meets them from the top level, depth first, so
        that a section's parts follow it."""
        seen = [] if seen is None else seen
        for ref in _refs(self.root if node is None else node):
            name, found = self.definition(ref)
            if name not in seen:
                seen.append(name)
                self.order(found, seen)
        return seen


def _refs(node: Any) -> list[str]:
    """Every `$ref` inside a node, in document order, not entering `$defs`."""
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    if not isinstance(node, dict):
        return []
    found = [node["$ref"]] if "$ref" in node else []
    for key, value in node.items():
        if key not in ("$defs", "discriminator"):
            found += _refs(value)
    return found


def _units_table() -> list[str]:
    lines = [
        "## Units",
        "",
        "Values are written the way people write them and stored as plain numbers.",
        "",
        "| unit | write | stored as |",
        "|---|---|---|",
    ]
    lines += [f"| {unit.name} | {_cell(unit.written)} | {unit.stored} |" for unit in UNITS]
    return [*lines, ""]


def reference_markdown() -> str:
    """The whole reference as Markdown, deterministic for a given model."""
    schema = scenario_schema()
    reference = _Reference(schema)
    lines = [
        "# Scenario file reference",
        "",
        "<!-- Generated from the scenario model's JSON Schema; do not edit by hand. Regenerate:",
        f"     {REGENERATE} -->",
        "",
        "Every key a scenario file may hold, section by section; any other key is an error. How",
        "to write a scenario, with a complete annotated example, is in",
        "[scenario-format.md](scenario-format.md). Editors can use the JSON Schema itself:",
        "`simspace schema -o scenario.schema.json`.",
        "",
        *_units_table(),
        *reference.section("Scenario", schema),
    ]
    for name in reference.order():
        lines += reference.section(name, schema["$defs"][name])
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(reference_markdown())
