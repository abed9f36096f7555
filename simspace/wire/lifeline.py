"""How a run's child processes die with it: the run names itself in an env variable, and each
child asks Linux for a signal at its parent's death (`PR_SET_PDEATHSIG`) and watches that its
parent is still there (portable: a SIGKILLed parent runs no cleanup, and the death signal is
Linux only and fires when the parent *thread* that forked the child exits).

Used by the stub server (`simspace.server`), the locustfile (the Locust process and the workers
it forks with `--processes`) and the Locust of `simspace worker`; set by `run.processes` and
`run.worker`, which also ask for the signal at the fork (`death_signal_hook`), before the
child can. The watch itself runs on each side's own loop (asyncio, gevent).
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from collections.abc import Callable, Mapping

__all__ = [
    "PARENT_PID_ENV",
    "PARENT_WATCH_INTERVAL_S",
    "death_signal_hook",
    "die_with_parent",
    "expected_parent",
    "parent_alive",
    "parent_env",
]

log = logging.getLogger(__name__)

PARENT_PID_ENV = "SIMSPACE_PARENT_PID"
"""The pid of the process a child must not outlive (absent: the child was started by hand)."""
PARENT_WATCH_INTERVAL_S = 0.5
"""How often a child checks that its parent is still there."""
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def parent_env() -> dict[str, str]:
    """What a parent puts in a child's environment: its own pid."""
    return {PARENT_PID_ENV: str(os.getpid())}


def expected_parent(environ: Mapping[str, str] | None = None) -> int | None:
    """The parent named in the environment; None if none (or not a pid)."""
    raw = (os.environ if environ is None else environ).get(PARENT_PID_ENV, "")
    return int(raw) if raw.isascii() and raw.isdigit() and int(raw) > 1 else None


def parent_alive(parent_pid: int) -> bool:
    """Whether `parent_pid` is still this process's parent (an orphan is adopted by another)."""
    return os.getppid() == parent_pid


def die_with_parent(parent_pid: int, sig: signal.Signals = signal.SIGTERM) -> bool:
    """Ask the kernel to send `sig` when the parent dies (Linux; elsewhere only the watch
    applies); returns whether the parent is still there: False means it died before the
    request took effect, and the caller should stop now."""
    _set_death_signal(sig)
    return parent_alive(parent_pid)


def death_signal_hook(sig: signal.Signals = signal.SIGTERM) -> Callable[[], None] | None:
    """A function for a child just forked from this process's main thread, to run before
    anything else (`preexec_fn`, `os.register_at_fork(after_in_child=...)`): `sig` at this
    process's death, long before the child could watch for itself (a Python child needs
    seconds to import its way there; a Locust worker waits for its master before its init).
    None off Linux."""
    prctl = _prctl()  # resolved here: between fork and exec the child only calls it
    if prctl is None:
        return None
    parent_pid = os.getpid()

    def ask_for_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent_pid:  # died between the fork and the request
            os.kill(os.getpid(), sig)

    return ask_for_death_signal


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl: Callable[..., int] = ctypes.CDLL(None, use_errno=True).prctl  # libc, loaded
    except (OSError, AttributeError) as exc:  # no prctl: the watch still applies
        log.warning("cannot set a parent-death signal: %s", exc)
        return None
    return prctl


def _set_death_signal(sig: signal.Signals) -> None:
    prctl = _prctl()
    if prctl is not None and prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
