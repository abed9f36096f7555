"""`simspace worker` stops cleanly, with its Locust child, on SIGTERM or Ctrl-C, even while its
worker is still trying to reach a master."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.target.origin import free_port

pytestmark = [pytest.mark.e2e]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_worker_stops_with_its_locust_child(sig: signal.Signals, tmp_path: Path) -> None:
    worker = subprocess.Popen(
        [sys.executable, "-m", "simspace", "worker", "--master", f"127.0.0.1:{free_port()}"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 30
        while not psutil.Process(worker.pid).children():
            assert time.monotonic() < deadline, "the Locust worker never started"
            time.sleep(0.1)
        time.sleep(2)  # Locust imported, trying to reach the (absent) master
        family = [worker.pid, *(c.pid for c in psutil.Process(worker.pid).children(True))]
        started = time.monotonic()
        worker.send_signal(sig)
        worker.wait(30)
        assert time.monotonic() - started < 20
        alive = [pid for pid in family if psutil.pid_exists(pid)
                 and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]  # fmt: skip
        assert alive == []
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
