"""Safe YAML to plain data, remembering where every key and value stands in the file.

PyYAML's node graph is walked by hand so that duplicate keys, non-text keys, alias bombs and
over-deep nesting become positioned problems instead of silent overwrites or hangs. Clock times
like `20:42` stay text (YAML 1.1 would read them as base-60 integers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from simspace.scenario.base import Loc

MAX_NODES = 100_000
MAX_DEPTH = 40
_SEXAGESIMAL_TAGS = {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}


@dataclass(frozen=True)
class Mark:
    """A 1-based position in the file."""

    line: int
    column: int

    @classmethod
    def of(cls, mark: yaml.Mark | None) -> Mark:
        return cls(mark.line + 1, mark.column + 1) if mark else cls(1, 1)


@dataclass
class Positions:
    """Where each path's value (and, for mapping entries, its key) stands."""

    values: dict[Loc, Mark] = field(default_factory=dict)
    keys: dict[Loc, Mark] = field(default_factory=dict)

    def value_of(self, loc: Loc) -> Mark:
        """The closest recorded position: the value itself, else its nearest recorded parent."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.values:
                return self.values[loc[:end]]
        return Mark(1, 1)

    def key_of(self, loc: Loc) -> Mark:
        return self.keys.get(loc) or self.value_of(loc)


class YamlSyntaxError(Exception):
    """Raised for the first problem that makes the document unreadable as a whole."""

    def __init__(self, mark: Mark, path: Loc, message: str) -> None:
        self.mark, self.path, self.message = mark, path, message
        super().__init__(message)


@dataclass
class _Walker:
    loader: yaml.SafeLoader
    positions: Positions = field(default_factory=Positions)
    problems: list[tuple[Mark, Loc, str]] = field(default_factory=list)
    nodes: int = 0

    def build(self, node: yaml.Node, loc: Loc, depth: int) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlSyntaxError(
                Mark.of(node.start_mark),
                loc,
                f"document too large: more than {MAX_NODES} values after expanding aliases",
            )
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(Mark.of(node.start_mark), loc, f"nested deeper than {MAX_DEPTH}")
        self.positions.values.setdefault(loc, Mark.of(node.start_mark))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        if node.tag in _SEXAGESIMAL_TAGS and ":" in node.value:
            return node.value
        return self.loader.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key_mark = Mark.of(key_node.start_mark)
            key = (
                self.loader.construct_object(key_node)
                if isinstance(key_node, yaml.ScalarNode)
                else None
            )
            if isinstance(key, bool | int | float) and not isinstance(key, bool):
                key = str(key)
            if not isinstance(key, str):
                self.problems.append((key_mark, loc, "keys must be text"))
                continue
            if key in first_seen:
                self.problems.append(
                    (
                        key_mark,
                        (*loc, key),
                        f"duplicate key {key!r} (first at line {first_seen[key].line})",
                    )
                )
                continue
            first_seen[key] = key_mark
            self.positions.keys[(*loc, key)] = key_mark
            result[key] = self.build(value_node, (*loc, key), depth + 1)
        return result


def parse_yaml(text: str) -> tuple[Any, Positions, list[tuple[Mark, Loc, str]]]:
    """Text -> (data, positions, problems). Raises YamlSyntaxError if nothing usable was read."""
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlSyntaxError(Mark(1, 1), (), "the file is empty")
        walker = _Walker(loader)
        data = walker.build(root, (), 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        raise YamlSyntaxError(Mark.of(mark), (), f"YAML syntax: {what}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Mark(1, 1), (), f"YAML: {exc}") from None
    except RecursionError:
        raise YamlSyntaxError(Mark(1, 1), (), "document nested too deeply") from None
    finally:
        loader.dispose()
    return data, walker.positions, walker.problems
