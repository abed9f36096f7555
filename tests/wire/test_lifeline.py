"""The lifeline between a run and its children: the env variable that names the parent, and the
parent-death signal asked for at the fork, which kills a child whose parent is SIGKILLed."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import psutil
import pytest

from simspace.wire.lifeline import (
    PARENT_PID_ENV,
    death_signal_hook,
    die_with_parent,
    expected_parent,
    parent_alive,
    parent_env,
)

GONE_WITHIN_S = 5.0
_START_TIMEOUT_S = 60.0  # a safety net, not a speed assertion

# A parent that starts a child with the hook, says who it is, and waits to be killed.
MIDDLE = """
import subprocess, sys, time
from simspace.wire.lifeline import death_signal_hook
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"],
                         preexec_fn=death_signal_hook(), start_new_session=True)
print(child.pid, flush=True)
time.sleep(120)
"""


def test_the_parent_is_named_by_pid() -> None:
    assert expected_parent(parent_env()) == os.getpid()
    assert expected_parent({}) is None
    for bad in ("", "abc", "-5", "1", "\u0665", " 12"):
        assert expected_parent({PARENT_PID_ENV: bad}) is None


def test_a_process_knows_its_parent_is_there() -> None:
    assert parent_alive(os.getppid())
    assert not parent_alive(os.getppid() + 1)
    assert die_with_parent(os.getppid())  # the signal asked for: this test process's parent


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_dies_with_its_killed_parent() -> None:
    middle = subprocess.Popen(
        [sys.executable, "-c", MIDDLE], stdout=subprocess.PIPE, text=True, cwd=os.getcwd()
    )
    child: psutil.Process | None = None
    try:
        assert middle.stdout is not None
        child = psutil.Process(int(middle.stdout.readline()))
        assert child.is_running()
        middle.kill()
        middle.wait(timeout=_START_TIMEOUT_S)
        deadline = time.monotonic() + GONE_WITHIN_S
        while _alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(child)
    finally:
        if middle.poll() is None:
            middle.kill()
        middle.communicate(timeout=_START_TIMEOUT_S)
        if child is not None and _alive(child):
            child.kill()


def test_the_hook_is_there_on_linux() -> None:
    assert (death_signal_hook() is not None) == sys.platform.startswith("linux")


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
