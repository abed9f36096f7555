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
        return self._scalar(node, loc)

    def _scalar(self, node: yaml.ScalarNode, loc: Loc) -> Any:
        """The scalar's value; text the YAML types cannot read (`2024-02-30`) stays text, so that
        the model names the value, and an unsupported tag is a problem of its own."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            self.problems.append(
                (Mark.of(node.start_mark), loc, f"unsupported YAML tag {node.tag!r}")
            )
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            pass  # a standard tag on text it cannot read: an invalid date, `!!int abc`
        return node.value

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        self.loader.flatten_mapping(node)
        result: dict[str, Any] = {}
        first_seen: dict[str, Mark] = {}
        for key_node, value_node in node.value:
            key_mark = Mark.of(key_node.start_mark)
            key = self._scalar(key_node, loc) if isinstance(key_node, yaml.ScalarNode) else None
            if isinstance(key, int | float) and not isinstance(key, bool):
                key = str(key)
            if not isinstance(key, str):
                if isinstance(key_node, yaml.ScalarNode):
                    kind = "null" if key is None else f"a {type(key).__name__}"
                    message = f"keys must be text; quote {key_node.value!r} (YAML reads {kind})"
                else:
                    kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
                    message = f"keys must be text (got a {kind})"
                self.problems.append((key_mark, loc, message))
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


class _BoundedLoader(yaml.SafeLoader):
    """Refuses over-deep nesting while scanning and composing: PyYAML's scanner does work
    proportional to the flow depth for every token, and its composer recurses per level."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def fetch_flow_collection_start(self, TokenClass: Any) -> None:  # noqa: N803 (PyYAML's name)
        if self.flow_level >= MAX_DEPTH:
            raise YamlSyntaxError(Mark.of(self.get_mark()), (), f"nested deeper than {MAX_DEPTH}")
        super().fetch_flow_collection_start(TokenClass)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise YamlSyntaxError(
                    Mark.of(self.get_mark()), (), f"nested deeper than {MAX_DEPTH}"
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _unreadable(text: str, exc: yaml.reader.ReaderError) -> YamlSyntaxError:
    """A character YAML does not allow in a document, e.g. a control character."""
    line = text.count("\n", 0, exc.position) + 1
    column = exc.position - text.rfind("\n", 0, exc.position)
    character = exc.character if isinstance(exc.character, int) else ord(exc.character)
    return YamlSyntaxError(
        Mark(line, column), (), f"YAML does not allow the character U+{character:04X} in a file"
    )


def parse_yaml(text: str) -> tuple[Any, Positions, list[tuple[Mark, Loc, str]]]:
    """Text -> (data, positions, problems). Raises YamlSyntaxError if nothing usable was read."""
    try:
        loader = _BoundedLoader(text)
    except yaml.reader.ReaderError as exc:
        raise _unreadable(text, exc) from None
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlSyntaxError(Mark(1, 1), (), "the file is empty")
        walker = _Walker(loader)
        data = walker.build(root, (), 0)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = ", ".join(p for p in (exc.context, exc.problem) if p)
        if exc.context and exc.context_mark and mark and exc.context_mark.line != mark.line:
            what += f" (started at line {exc.context_mark.line + 1})"
        raise YamlSyntaxError(Mark.of(mark), (), f"YAML syntax: {what}") from None
    except yaml.reader.ReaderError as exc:
        raise _unreadable(text, exc) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Mark(1, 1), (), f"YAML: {exc}") from None
    except RecursionError:
        raise YamlSyntaxError(Mark(1, 1), (), "document nested too deeply") from None
    finally:
        loader.dispose()
    return data, walker.positions, walker.problems
