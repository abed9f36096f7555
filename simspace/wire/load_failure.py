"""What a load process leaves when it can no longer write its observations (no space left, a
read-only directory): `load-failure-<pid>.json` beside its observation file, which the run's
backend turns into a failed run (exit 3) at its next look, instead of a run that goes on
measuring nothing. Where even that file cannot be written, the process exits with
`EXIT_WRITE_FAILED`."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

FAILURE_GLOB = "load-failure-*.json"
MAX_FAILURE_BYTES = 65_536
EXIT_WRITE_FAILED = 74
"""EX_IOERR (sysexits.h): a load process that could not even write its failure file."""


def load_failure_file(directory: Path, pid: int) -> Path:
    return directory / f"load-failure-{pid}.json"


class LoadFailure(BaseModel):
    """Why a load process stopped recording."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pid: int = Field(description="the load process that stopped recording")
    message: str = Field(max_length=2000, description="what failed, naming the file")
