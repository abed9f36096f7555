"""The strict base every scenario model derives from, and the semantic-check error it raises."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

Loc = tuple[str | int, ...]


class Strict(BaseModel):
    """Frozen, unknown keys forbidden: a typo in a scenario file is an error, never ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=False)


class ScenarioCheckError(ValueError):
    """Cross-field problems found after the structure validated, each with its own location."""

    def __init__(self, problems: list[tuple[Loc, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(map(str, loc))}: {msg}" for loc, msg in problems))
