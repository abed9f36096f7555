"""The run directory: `runs/<scenario>/<UTC timestamp>-<variant>/`, never overwritten.

Everything is written into a hidden sibling first and renamed into place at the end (also after a
failure or Ctrl-C), so a directory that exists under its final name is always complete.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from simspace.errors import OutputPathError, os_reason

MAX_NAME_TRIES = 1000
"""Runs of one scenario and variant started within the same second that can coexist."""


def utc_stamp() -> str:
    """Now, in UTC, as run and compare directories are named: `20240812T234500Z`."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


@dataclass
class RunDirectory:
    """A run's output directory while it is being written (`work`) and once final (`final`)."""

    work: Path
    final: Path

    @classmethod
    def create(
        cls, root: Path, scenario: str, variant: str | None, max_tries: int = MAX_NAME_TRIES
    ) -> RunDirectory:
        """A new hidden directory under `root/scenario`; OutputPathError (exit 2, nothing run)
        when it cannot be made: a read-only root, a file in the way, every name taken."""
        stamp = utc_stamp()
        label = re.sub(r"[^a-z0-9_-]", "_", variant or "base")
        parent = root / scenario
        try:
            parent.mkdir(parents=True, exist_ok=True)
            for n in range(max_tries):
                name = f"{stamp}-{label}" + (f"-{n}" if n else "")
                final = parent / name
                work = parent / f".{name}.partial"
                if not final.exists():
                    try:
                        work.mkdir()
                    except FileExistsError:
                        continue
                    return cls(work, final)
        except OSError as exc:
            raise OutputPathError(
                exc.filename or parent, f"cannot create a run directory: {os_reason(exc)}"
            ) from None
        raise OutputPathError(
            parent, f"no free run directory name: {stamp}-{label} and {max_tries - 1} more taken"
        )

    def path(self, name: str) -> Path:
        return self.work / name

    def finish(self) -> Path:
        os.replace(self.work, self.final)
        return self.final
