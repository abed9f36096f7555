"""How a run directory's JSON files are read back (result.json, scenario.json, plan.json,
live.json, the stub's dumps), by `simspace report`, `diff`, `compare --from` and the viewer: a
regular file under one size cap, UTF-8, strict JSON, the model it must be — else an
UnreadableFileError naming the file, before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from simspace.fileio import read_model

M = TypeVar("M", bound=BaseModel)

MAX_RUN_FILE_BYTES = 256 * 1024 * 1024
"""Far above any run's files (the bundled scenarios' largest, a timeline.json, is about 3 MB):
a cap that keeps a link to /dev/zero or a corrupt file, not a long run, from filling memory."""


def read_run_file(path: Path, model: type[M]) -> M:
    """One of a run directory's JSON files as its model (UnreadableFileError naming it)."""
    return read_model(path, model, MAX_RUN_FILE_BYTES)
