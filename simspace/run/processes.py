"""Child processes of a run (the stub server, Locust): started in their own process group so a
terminal Ctrl-C reaches only the run, which then stops them in order; never orphaned: each is
told the run's pid (`simspace.wire.lifeline`) and stops by itself if the run is killed."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from simspace.errors import RunError
from simspace.wire.lifeline import death_signal_hook, parent_env
from simspace.wire.server_args import ReadyFile

log = logging.getLogger(__name__)


@dataclass
class Child:
    """A started child process and where its output goes."""

    name: str
    process: asyncio.subprocess.Process
    log_file: IO[bytes]
    stop_signal: signal.Signals = signal.SIGTERM
    """What asks it to stop first (a Locust master quits cleanly, telling its workers, on
    SIGINT; it has no SIGTERM handler while a load shape runs)."""

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    async def stop(self, grace_s: float = 10.0) -> int | None:
        """`stop_signal` (SIGTERM) to the whole group, then SIGKILL after `grace_s`; returns the
        exit code."""
        if self.alive:
            signal_group(self.process.pid, self.stop_signal)
            try:
                await asyncio.wait_for(self.process.wait(), grace_s)
            except TimeoutError:
                log.warning("%s did not stop in %.0fs; killing it", self.name, grace_s)
                signal_group(self.process.pid, signal.SIGKILL)
                await self.process.wait()
        # Workers Locust forked may outlive their parent: clean up the group regardless.
        signal_group(self.process.pid, signal.SIGKILL)
        self.log_file.close()
        return self.process.returncode


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Signal a child's whole process group (gone already: nothing to do)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


async def start_child(
    name: str,
    args: Sequence[str],
    log_path: Path,
    env: Mapping[str, str] | None = None,
    stop_signal: signal.Signals = signal.SIGTERM,
) -> Child:
    log_file = log_path.open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log_file,
        stderr=asyncio.subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **parent_env(), **(env or {})},
        start_new_session=True,
        # SIGTERM to the child when this process dies: forked from the event loop's thread,
        # the main one, whose exit is the process's (the signal follows the forking thread).
        preexec_fn=death_signal_hook(),
    )
    return Child(name, process, log_file, stop_signal)


@contextlib.asynccontextmanager
async def child_process(
    name: str,
    args: Sequence[str],
    log_path: Path,
    env: Mapping[str, str] | None = None,
    stop_signal: signal.Signals = signal.SIGTERM,
) -> AsyncIterator[Child]:
    """A child for the duration of the block: stopped (`stop_signal`, then SIGKILL) on the
    way out, whatever happened inside."""
    child = await start_child(name, args, log_path, env, stop_signal)
    try:
        yield child
    finally:
        await child.stop()


async def wait_for_ready_file(child: Child, path: Path, timeout_s: float) -> ReadyFile:
    """Wait until a child writes its ready file; fail fast if it dies first."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if path.exists():
            with contextlib.suppress(OSError, ValueError):
                return ReadyFile.model_validate_json(path.read_bytes())
        if not child.alive:
            raise RunError(f"{child.name} exited with code {child.process.returncode} at start")
        await asyncio.sleep(0.05)
    raise RunError(f"{child.name} was not ready after {timeout_s:.0f}s")
