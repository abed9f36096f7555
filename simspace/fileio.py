"""Files that readers never see half-written: atomic replace, JSON of models and plain data."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the new, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are plain results
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(
    path: Path, value: BaseModel | dict[str, Any] | list[Any], indent: int | None = 2
) -> None:
    """JSON of a model or plain data; `indent=None` for large machine-read files."""
    text = (
        value.model_dump_json(indent=indent)
        if isinstance(value, BaseModel)
        else json.dumps(value, indent=indent)
    )
    write_atomic(path, text + "\n")
