"""End to end: the real CLI runs a small scenario for seconds against the embedded stub."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psutil
import pytest

from tests.run.cli_runs import (
    SMALL,
    CliRun,
    processes_mentioning,
    simspace,
    simspace_interrupted,
    start_simspace,
)

pytestmark = pytest.mark.e2e
ARGS = [str(SMALL), "--scale", "1/200", "--speedup", "60"]


def test_overload_delays_a_host_without_priority_and_listeners_give_up(tmp_path: Path) -> None:
    run = simspace(["run", *ARGS], tmp_path)
    assert run.returncode == 0, run.stderr
    result = run.result()
    metrics = result["metrics"]
    assert result["status"] == "completed"
    assert "Details not available" in metrics["errors_seen"]
    assert metrics["start_delay_s"] is not None
    assert metrics["start_delay_s"] >= 120
    assert metrics["gave_up"] > 0
    # nobody gives up before the patience (6m) has passed since they arrived
    first_give_up = next(
        t
        for t, n in zip(result["listeners"]["t"], result["listeners"]["gave_up"], strict=True)
        if n > 0
    )
    assert first_give_up >= result["plan"]["t_begin"] + 360
    assert result["tiers"]["api"]["rejected_rps"]["overload"]
    # the Locust clients' requests per endpoint, with the latency they waited for
    endpoints = {e["name"]: e for e in result["endpoints"]}
    assert endpoints["api: stream status"]["latency_s"]["count"] > 0
    assert any(p is not None for p in result["latency"]["api"]["p95_s"])
    run_dir = run.run_dirs()[0]
    for name in ("scenario.json", "plan.json", "result.json", "timeline.json", "ledger.json",
                 "locust_stats.csv", "server.log", "locust.log"):  # fmt: skip
        assert (run_dir / name).exists(), name
    assert "start delay" in run.stdout


def test_a_host_with_priority_starts_on_time(tmp_path: Path) -> None:
    run = simspace(["run", *ARGS, "--variant", "priority_host"], tmp_path)
    assert run.returncode == 0, run.stderr
    metrics = run.result()["metrics"]
    # the host publishes at +1m, into the overload, and its calls bypass the queue: live then,
    # not when the API is scaled up at +6m
    assert metrics["start_delay_s"] is not None
    assert 55 <= metrics["start_delay_s"] <= 90
    assert metrics["unique_listeners"] > 0


def test_ctrl_c_stops_cleanly_and_keeps_partial_results(tmp_path: Path) -> None:
    run = simspace_interrupted(["run", *ARGS], tmp_path, after_s=8.0)
    assert run.returncode == 130, run.stderr
    assert "Traceback" not in run.stderr
    result = run.result()
    assert result["status"] == "interrupted"
    assert result["metrics"]["arrived"] > 0
    time.sleep(0.5)
    assert processes_mentioning(str(tmp_path)) == []


def test_a_dead_server_fails_the_run_with_exit_3_and_partial_results(tmp_path: Path) -> None:
    process = start_simspace(["run", *ARGS], tmp_path)
    deadline = time.monotonic() + 60
    servers: list[psutil.Process] = []
    while time.monotonic() < deadline and not servers:
        time.sleep(0.5)
        servers = [p for p in processes_mentioning(str(tmp_path))
                   if "simspace.server" in " ".join(p.cmdline())]  # fmt: skip
    assert servers, "the stub server never started"
    time.sleep(3)
    for server in servers:
        server.send_signal(signal.SIGKILL)
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 3, stderr
    assert "stub server exited" in stderr
    assert "Traceback" not in stderr
    result = CliRun(3, stdout, stderr, tmp_path).result()
    assert result["status"] == "failed"
    assert processes_mentioning(str(tmp_path)) == []
