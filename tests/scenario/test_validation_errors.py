"""Problems are worded by pydantic's error type, not by its message text: a pydantic release that
rewords its messages changes none of them."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from simspace.scenario.model import Scenario
from simspace.scenario.validation_errors import validation_problems
from simspace.scenario.yaml_positions import parse_yaml

BASE = Path(__file__).parent / "data" / "minimal.yaml"
EDITS = (
    ("  name: mini\n", ""),  # missing
    ("    patience: 50m", "    patiense: 50m"),  # extra_forbidden, with a "did you mean"
    ("    kind: cumulative", "    kind: cumulativ"),  # literal_error
    ("    metric: start_delay", "    metric: start_dealy"),  # union_tag_invalid
    ("  - {action: rate_limit, ", "  - {"),  # union_tag_not_found
    ("    median: 1h", "    median: soon"),  # value_error
    ("    reported: 1.3M", "    reported: [1, 2, 3]"),  # value_error from a model validator
    ("window: {start: -30m, end: +2h}", "window: 3"),  # model_type
    ("  seed: 7", "  seed: lots"),  # int_parsing
)


class _Reworded:
    """Stands in for a ValidationError whose messages a later pydantic words differently."""

    def __init__(self, exc: ValidationError) -> None:
        self.exc = exc

    def errors(self, include_url: bool = True) -> list[ErrorDetails]:
        return [
            {**error, "msg": f"reworded: {error['msg']}"}
            for error in self.exc.errors(include_url=include_url)
        ]


def _broken() -> tuple[dict[str, Any], ValidationError, Any]:
    text = BASE.read_text(encoding="utf-8")
    for old, new in EDITS:
        assert old in text, old
        text = text.replace(old, new, 1)
    data, positions, _ = parse_yaml(text)
    with pytest.raises(ValidationError) as raised:
        Scenario.model_validate(data)
    return data, raised.value, positions


def test_messages_do_not_depend_on_pydantics_wording() -> None:
    data, exc, positions = _broken()
    kinds = {error["type"] for error in exc.errors()}
    assert {
        "missing",
        "extra_forbidden",
        "literal_error",
        "union_tag_invalid",
        "union_tag_not_found",
        "value_error",
        "model_type",
    } <= kinds
    found = validation_problems(exc, data, positions)
    reworded = validation_problems(cast(ValidationError, _Reworded(exc)), data, positions)
    wording_free = [f for f in found if "valid integer" not in f[2]]
    assert len(wording_free) == len(found) - 1  # only int_parsing keeps pydantic's detail
    assert [f for f in reworded if f in found] == wording_free
    messages = {message for _, _, message in found}
    assert "missing required key 'name'" in messages
    assert "unknown key 'patiense' (did you mean 'patience'?)" in messages
    assert "expected 'cumulative' or 'concurrent' (got 'cumulativ')" in messages
    assert "missing required key 'action'" in messages
    assert "expected a mapping of keys (got 3)" in messages
    assert "expected a valid integer, unable to parse string as an integer (got 'lots')" in messages
