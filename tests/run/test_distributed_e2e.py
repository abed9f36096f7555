"""A distributed run on Locust's own master/worker mode, on loopback: `simspace run --master`
and `simspace worker` processes, each worker in an empty directory of its own (no scenario file,
no access to the run directory). Every listener is played by exactly one worker and observed in
the master's result; a worker that dies or never connects ends the run cleanly (exit 3)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from simspace.judge.agreement import Value, outcomes
from simspace.judge.facts.compare import compare
from simspace.report.outputs import load_run
from simspace.wire.observations import StateLine, decode_line
from tests.run.cli_runs import ROOT, SMALL, simspace
from tests.target.origin import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

PLAN_ARGS = ["--scale", "1/400"]
TOLERANCE = {"arrived": 0.02, "heard audio": 0.15, "gave up": 0.15, "peak listeners": 0.15}


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMSPACE_")}
    return {**env, "COLUMNS": "120", **extra}


def _master(output: Path, port: int, workers: int, *extra: str) -> subprocess.Popen[str]:
    args = ["run", str(SMALL), *PLAN_ARGS, "--master", "--master-port", str(port)]
    args += ["--expect-workers", str(workers), "--output", str(output), *extra]
    return subprocess.Popen(
        [sys.executable, "-m", "simspace", *args], cwd=ROOT, env=_clean_env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _worker(home: Path, port: int, **env: str) -> subprocess.Popen[str]:
    home.mkdir(parents=True)
    return subprocess.Popen(
        [sys.executable, "-m", "simspace", "worker", "--master", f"127.0.0.1:{port}"],
        cwd=home, env=_clean_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip


def _family(processes: list[subprocess.Popen[str]]) -> set[int]:
    """Every PID of these processes and their descendants, now."""
    pids = set()
    for process in processes:
        try:
            parent = psutil.Process(process.pid)
            pids |= {parent.pid, *(child.pid for child in parent.children(recursive=True))}
        except psutil.NoSuchProcess:
            continue
    return pids


def _alive(pids: set[int]) -> list[int]:
    alive = []
    for pid in pids:
        try:
            if psutil.Process(pid).status() != psutil.STATUS_ZOMBIE:
                alive.append(pid)
        except psutil.NoSuchProcess:
            continue
    return alive


@pytest.fixture
def reaper() -> Iterator[list[subprocess.Popen[str]]]:
    """Processes a test started: killed at the end whatever happened (never left running)."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)  # reaped, and its pipes closed


def _wait_for_file(path: Path, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.2)


def _listener_ids(run_dir: Path) -> dict[str, set[int]]:
    """The simulated listeners each observation file holds (by their arrival)."""
    ids: dict[str, set[int]] = {}
    for path in sorted((run_dir / "observations").glob("observations-*.jsonl")):
        lines = [decode_line(line) for line in path.read_text(encoding="utf-8").splitlines()]
        arrived = {r.id for r in lines if isinstance(r, StateLine) and r.kind == "arrived"}
        ids[path.name] = arrived
    return ids


def _master_and_workers(
    tmp_path: Path, reaper: list[subprocess.Popen[str]], count: int
) -> tuple[subprocess.Popen[str], list[subprocess.Popen[str]]]:
    """A master expecting `count` workers, and those workers, each in its own empty home."""
    port = free_port()
    master = _master(tmp_path / "runs", port, count)
    reaper.append(master)
    workers = [_worker(tmp_path / f"worker{i}", port) for i in range(count)]
    reaper.extend(workers)
    return master, workers


def _outcomes(run_dir: Path) -> dict[str, Value]:
    report = load_run(run_dir)
    return outcomes(report.result, compare(report.scenario, report.result))


def test_two_workers_play_every_listener_once(
    tmp_path: Path, reaper: list[subprocess.Popen[str]]
) -> None:
    master, workers = _master_and_workers(tmp_path, reaper, 2)
    time.sleep(5)
    family = _family([master, *workers])
    _, stderr = master.communicate(timeout=240)
    assert master.returncode == 0, stderr
    for worker in workers:
        assert worker.wait(60) == 0, worker.communicate()[0]
    assert _alive(family) == []
    (run_dir,) = [p for p in (tmp_path / "runs" / "small_space").iterdir() if p.is_dir()]
    plan = json.loads((run_dir / "plan.json").read_text(encoding="utf-8"))
    ids = _listener_ids(run_dir)
    assert sorted(ids) == ["observations-w0.jsonl", "observations-w1.jsonl"]
    w0, w1 = ids.values()
    assert not w0 & w1, "a listener was played twice"
    assert w0 | w1 == set(range(len(plan["arrivals"]))), "a listener was never played"
    assert {i % 2 for i in w0} == {0}  # worker i plays slots i, i + N, ...
    assert {i % 2 for i in w1} == {1}
    recorded = json.loads((run_dir / "workers.json").read_text(encoding="utf-8"))
    assert [w["index"] for w in recorded["workers"]] == [0, 1]
    for worker in recorded["workers"]:
        assert abs(worker["clock_offset_s"]) < 0.05  # one machine: the same clock
        assert worker["observation_lines"] > 0
    for home in (tmp_path / "worker0", tmp_path / "worker1"):
        assert list(home.iterdir()) == []  # nothing written where the workers ran
    # the same plan with one local Locust process: the same outcomes within noise
    local = simspace(["run", str(SMALL), *PLAN_ARGS], tmp_path / "local")
    assert local.returncode == 0, local.stderr
    (local_dir,) = local.run_dirs()
    one, two = _outcomes(local_dir), _outcomes(run_dir)
    for name, tolerance in TOLERANCE.items():
        a, b = one[name], two[name]
        assert isinstance(a, float)
        assert isinstance(b, float)
        assert abs(a - b) <= tolerance * max(a, b), (name, a, b)


def test_a_worker_that_dies_ends_the_run_with_partial_results(
    tmp_path: Path, reaper: list[subprocess.Popen[str]]
) -> None:
    master, workers = _master_and_workers(tmp_path, reaper, 2)
    runs = tmp_path / "runs" / "small_space"
    deadline = time.monotonic() + 60
    while not list(runs.glob(".*partial/workers.json")):
        assert time.monotonic() < deadline, "the workers never connected"
        time.sleep(0.2)
    time.sleep(6)  # mid-run
    family = _family([master, *workers])
    victim = psutil.Process(workers[1].pid).children()[0]  # its Locust process
    victim.send_signal(signal.SIGKILL)
    _, stderr = master.communicate(timeout=120)
    assert master.returncode == 3, stderr
    assert "distributed run: worker" in stderr
    assert "stopped answering" in stderr
    (run_dir,) = [p for p in runs.iterdir() if p.is_dir()]
    result = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    assert result["status"] == "failed"
    assert "stopped answering" in result["failure"]
    assert result["metrics"]["arrived"] > 0  # what was observed is kept
    failure = json.loads((run_dir / "distributed-failure.json").read_text(encoding="utf-8"))
    assert failure["worker"]
    workers[0].wait(60)
    workers[1].wait(60)
    assert _alive(family) == []


def test_a_worker_that_never_connects_times_out_cleanly(
    tmp_path: Path, reaper: list[subprocess.Popen[str]]
) -> None:
    port, stub_port = free_port(), free_port()
    extra = ("--worker-connect-timeout", "4s", "--stub-port", str(stub_port))
    master = _master(tmp_path / "runs", port, 2, *extra)
    reaper.append(master)
    worker = _worker(tmp_path / "worker0", port)
    reaper.append(worker)
    time.sleep(3)
    family = _family([master, worker])
    _, stderr = master.communicate(timeout=120)
    assert master.returncode == 3, stderr
    assert "1 of 2 workers connected in 4s" in stderr
    worker.wait(60)
    assert _alive(family) == []
    (run_dir,) = [p for p in (tmp_path / "runs" / "small_space").iterdir() if p.is_dir()]
    ready = json.loads((run_dir / "server.ready.json").read_text(encoding="utf-8"))
    assert ready["url"].rstrip("/").endswith(f":{stub_port}")  # the stub where it was told


def test_a_worker_whose_clock_is_off_is_refused(
    tmp_path: Path, reaper: list[subprocess.Popen[str]]
) -> None:
    port = free_port()
    master = _master(tmp_path / "runs", port, 1)
    reaper.append(master)
    worker = _worker(tmp_path / "worker0", port, SIMSPACE_WORKER_CLOCK_SKEW_S="0.4")
    reaper.append(worker)
    _, stderr = master.communicate(timeout=120)
    assert master.returncode == 3, stderr
    assert "clock -400 ms off the master's, more than the 50 ms allowed" in stderr
    worker.wait(60)


def test_a_worker_beyond_the_expected_ones_ends_the_run(
    tmp_path: Path, reaper: list[subprocess.Popen[str]]
) -> None:
    port = free_port()
    master = _master(tmp_path / "runs", port, 1)
    reaper.append(master)
    first = _worker(tmp_path / "worker0", port)
    reaper.append(first)
    time.sleep(4)
    extra = _worker(tmp_path / "worker1", port)
    reaper.append(extra)
    _, stderr = master.communicate(timeout=120)
    assert master.returncode == 3, stderr
    assert "joined beyond --expect-workers 1" in stderr
