"""Fault suite: a run killed outright (SIGKILL) or hung up (SIGHUP: its terminal closed) leaves
no stub server and no Locust behind, whatever the run could do about it; nor does a killed
`simspace worker`.

Real processes on 127.0.0.1: `python -m simspace run scenarios/ci_smoke.yaml`, killed once its
children exist. Every process started here is killed in `finally`; waits for a start are safety
nets for a loaded machine, the bound on the children's death is the assertion.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from simspace.cli.main import main
from tests.run.cli_runs import ROOT
from tests.target.origin import free_port

pytestmark = [pytest.mark.fault, pytest.mark.e2e]

CI_SMOKE = ROOT / "scenarios" / "ci_smoke.yaml"
CHILDREN_GONE_WITHIN_S = 5.0
_START_TIMEOUT_S = 180.0  # a safety net (the plan is fitted first), not a speed assertion
_EXIT_TIMEOUT_S = 120.0


class Simspace:
    """`python -m simspace ...` as a real process, with the children it started."""

    def __init__(self, args: list[str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "simspace", *args],
                cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        self.children: list[psutil.Process] = []

    def wait_for_children(self, servers: int, locusts: int) -> list[psutil.Process]:
        """Its processes once `servers` stub servers and `locusts` Locust processes exist."""
        parent = psutil.Process(self.process.pid)
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"simspace exited with {self.process.returncode}: {self.log()}")
            children = _children(parent)
            names = [_command(child) for child in children]
            if (
                sum("simspace.server" in name for name in names) == servers
                and sum("locust" in name for name in names) == locusts
            ):
                self.children = children
                return children
            time.sleep(0.1)
        pytest.fail(f"the children did not all start: {self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]

    def kill_everything(self) -> None:
        for child in self.children:
            try:
                child.kill()
            except psutil.Error:
                continue
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=_EXIT_TIMEOUT_S)


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[[list[str]], Simspace]]:
    started: list[Simspace] = []

    def start_one(args: list[str]) -> Simspace:
        started.append(Simspace(args, tmp_path / f"simspace-{len(started)}.log"))
        return started[-1]

    yield start_one
    for one in started:
        one.kill_everything()


def _children(parent: psutil.Process) -> list[psutil.Process]:
    try:
        return parent.children(recursive=True)
    except psutil.Error:
        return []


def _command(process: psutil.Process) -> str:
    try:
        return " ".join(process.cmdline())
    except psutil.Error:
        return ""


def _alive(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those still running (an exited child nobody has reaped yet counts as gone)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.Error:
            continue
    return alive


def _still_alive_after(processes: list[psutil.Process], bound_s: float) -> list[str]:
    deadline = time.monotonic() + bound_s
    while _alive(processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [f"{p.pid} {_command(p)[:100]}" for p in _alive(processes)]


def test_a_killed_run_leaves_no_server_and_no_locust(
    start: Callable[[list[str]], Simspace], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # two Locust processes forked by the first (--processes): they die too
    run = start(["run", str(CI_SMOKE), "--output", str(tmp_path / "runs"), "--workers", "2"])
    children = run.wait_for_children(servers=1, locusts=3)
    run.process.send_signal(signal.SIGKILL)
    assert _still_alive_after(children, CHILDREN_GONE_WITHIN_S) == []
    assert run.process.wait(timeout=_EXIT_TIMEOUT_S) == -signal.SIGKILL
    # what it left is recognised: the run never finished (exit 3), the stub's dumps are there
    (partial,) = (tmp_path / "runs" / "ci_smoke").glob(".*.partial")
    assert (partial / "timeline.json").exists()
    assert main(["report", str(partial)]) == 3
    out, err = capsys.readouterr()
    assert "this run never finished" in out
    assert "Traceback" not in out + err


def test_a_hung_up_run_stops_its_children_and_keeps_partial_results(
    start: Callable[[list[str]], Simspace], tmp_path: Path
) -> None:
    run = start(["run", str(CI_SMOKE), "--output", str(tmp_path / "runs")])
    children = run.wait_for_children(servers=1, locusts=1)
    run.process.send_signal(signal.SIGHUP)
    assert _still_alive_after(children, CHILDREN_GONE_WITHIN_S) == []
    assert run.process.wait(timeout=_EXIT_TIMEOUT_S) == 130, run.log()
    results = list((tmp_path / "runs").glob("ci_smoke/*/result.json"))
    assert len(results) == 1, run.log()
    assert json.loads(results[0].read_text(encoding="utf-8"))["status"] == "interrupted"


def test_a_killed_worker_leaves_no_locust(start: Callable[[list[str]], Simspace]) -> None:
    # no master listens there: its Locust is still trying to connect, before its init
    worker = start(["worker", "--master", f"127.0.0.1:{free_port()}"])
    children = worker.wait_for_children(servers=0, locusts=1)
    worker.process.send_signal(signal.SIGKILL)
    assert _still_alive_after(children, CHILDREN_GONE_WITHIN_S) == []
