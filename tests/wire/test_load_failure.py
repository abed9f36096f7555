"""A load process's failure file: written by the recorder, read by the backend, one model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from simspace.wire.load_failure import FAILURE_GLOB, LoadFailure, load_failure_file


def test_the_failure_file_round_trips_and_matches_the_glob(tmp_path: Path) -> None:
    failure = LoadFailure(pid=123, message="cannot write observations: x: No space left")
    path = load_failure_file(tmp_path, 123)
    path.write_text(failure.model_dump_json(), encoding="utf-8")
    assert LoadFailure.model_validate_json(path.read_bytes()) == failure
    assert list(tmp_path.glob(FAILURE_GLOB)) == [path]


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(ValidationError):
        LoadFailure.model_validate_json('{"pid": 1, "message": "m", "extra": 1}')
