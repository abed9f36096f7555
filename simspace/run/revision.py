"""The git revision of the working directory a run is started in, recorded in result.json so
that a result says which code produced it. Best effort: never fails a run, never holds it up."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path

log = logging.getLogger(__name__)
GIT_TIMEOUT_S = 2.0


def _git(args: list[str], directory: Path | None, timeout_s: float) -> str | None:
    """git's stdout, or None when git is missing, fails or is slow."""
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=directory,
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
            # a read-only look: git status must not take the index lock from a user's git command
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("git %s: %s", " ".join(args), exc)
        return None
    return done.stdout if done.returncode == 0 else None


def git_revision(directory: Path | None = None, timeout_s: float = GIT_TIMEOUT_S) -> str | None:
    """`3f2a9c1`, or `3f2a9c1-dirty` when tracked files have uncommitted changes; None outside
    a git checkout (or one without a commit), without git, or when git does not answer in time."""
    commit = _git(["rev-parse", "--short", "HEAD"], directory, timeout_s)
    if not commit or not commit.strip():
        return None
    changes = _git(["status", "--porcelain", "--untracked-files=no"], directory, timeout_s)
    if changes is None:
        return None
    return commit.strip() + ("-dirty" if changes.strip() else "")
