"""The one exception tree of simspace; only the CLI turns these into messages and exit codes.

SimspaceError
├── ScenarioError            bad scenario input (exit 2); carries every problem found
├── UsageError               bad command-line usage or option value (exit 2)
├── UnsafeTargetError        a non-loopback target without the explicit opt-in (exit 2)
├── PlanError                the scenario cannot be planned with these settings (exit 2)
├── PathError                a file or directory named to simspace cannot be used (exit 2)
│   ├── UnreadableFileError  a file it reads: missing, not a regular file, too large, not
│   │                        UTF-8, not strict JSON, not the model it should be
│   └── OutputPathError      where it writes: read-only, a file where a directory is wanted,
│                            every run directory name taken, the disk full
├── PortInUseError           the address and port to listen on are taken (exit 2)
├── ExpectationFailed        the run's expectation failed: a gate, or a fact not reproduced (exit 1)
├── RunError                 the run itself failed: server died, Locust crashed, a write
│                            failed midway (disk full) (exit 3)
└── RunInterrupted           Ctrl-C or SIGTERM; partial results kept (exit 130)
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario file, positioned like a compiler message."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SimspaceError(Exception):
    """Base of every error simspace raises on purpose."""


class ScenarioError(SimspaceError):
    """A scenario could not be loaded; `problems` lists all of them, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column, p.path))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(SimspaceError):
    """Bad command-line usage, e.g. an unknown variant name or a malformed option."""


class UnsafeTargetError(SimspaceError):
    """Traffic to a non-loopback address was asked for without the explicit opt-in."""


class PlanError(SimspaceError):
    """The scenario cannot be fitted into a plan with the settings given (speedup, budget,
    population scale, start): the message speaks of the plan, not of how it was asked for."""


class PathError(SimspaceError):
    """A file or directory simspace was pointed at cannot be used; `path` names it."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnreadableFileError(PathError):
    """A file that was to be read is not what it must be (a run directory's result.json, say):
    missing, not a regular file, larger than its cap, not UTF-8, not strict JSON."""


class FileTooLargeError(UnreadableFileError):
    """A file over the size cap of what it must be."""


class OutputPathError(PathError):
    """Nothing can be written where output was asked for: a read-only directory, a file where a
    directory is wanted, every run directory name taken, no space left."""


def os_reason(exc: OSError) -> str:
    """What an OSError says, without its errno number or the path (the error names that)."""
    return exc.strerror or str(exc)


def os_error_text(exc: OSError) -> str:
    """An OSError in one line: the paths it names, then what went wrong."""
    names = [str(name) for name in (exc.filename, exc.filename2) if name is not None]
    return ": ".join([*names, os_reason(exc)])


class PortInUseError(SimspaceError):
    """The address and port a server was to listen on cannot be bound."""

    def __init__(self, host: str, port: int, reason: str) -> None:
        self.host, self.port = host, port
        super().__init__(f"cannot listen on {host}:{port}: {reason}")


class ExpectationFailed(SimspaceError):
    """The run completed but did not meet its expectation; `lines` say which gates or facts."""

    def __init__(self, summary: str, lines: list[str]) -> None:
        self.summary = summary
        self.lines = lines
        super().__init__("\n".join([summary, *lines]))


class RunError(SimspaceError):
    """The run failed midway; whatever was observed has still been written."""


class RunInterrupted(SimspaceError):
    """The run was stopped by Ctrl-C or SIGTERM; the run directory holds what was observed."""
