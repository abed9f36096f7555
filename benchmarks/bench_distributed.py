"""Distributed runs: the CPU cost of one simulated listener played by one Locust worker vs two.

Run from the repository root (it uses the live HLS origin of tests/target and helpers of
bench_stub):

    python -m benchmarks.bench_distributed [--listeners 1200] [--duration-s 45] [--repeats 2]
        [--json FILE]

A live HLS origin (ffmpeg + nginx, or aiohttp, from `tests/target/origin.py`) serves on 127.0.0.1.
The same target-mode run (`benchmarks/data/bench_target.yaml`: every listener arrives in the
first 10 s and stays) is played by `simspace run --target URL --master --expect-workers 1` with
one `simspace worker`, and with `--expect-workers 2` and two, alternately (ABBA: 1, 2, 2, 1 with
two repeats) so that drift hits both alike. The benchmark, the origin and the master share the
first core; each worker process tree is pinned to a core of its own (two workers: one per core;
one worker: the second core, then the first, so both sides use each core alike). Over a window
where every listener is playing, it samples the CPU time (user + system, psutil) of each
worker's whole process tree and of the master's, and counts the listener-seconds and requests
played in that window from the run's observation files. Loopback only; everything it starts is
stopped and checked gone by PID; a failed run ends it with exit 1.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import psutil

from benchmarks.bench_stub import _cpus, _machine, _pinned
from simspace.wire.observations import FILE_GLOB, RequestLine, StateLine, decode_line
from tests.target.origin import free_port, live_hls_origin

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCENARIO = HERE / "data" / "bench_target.yaml"
AUDIENCE = 10_000
"""The scenario's event listeners; `--scale listeners/AUDIENCE` simulates `listeners` of them."""
MEASURE_FROM_S = 15.0  # every listener arrived by +10 s and fetched its first segments
MEASURE_END_MARGIN_S = 3.0
START_TIMEOUT_S = 60.0
END_TIMEOUT_S = 150.0
RUN_OVERHEAD_S = 90.0  # start-up, result and report around each run's duration (bound)
GONE = frozenset({"gave_up", "left", "booted", "space_ended"})
ACCEPTED_RATIO = 1.10


class BenchError(Exception):
    """A run failed: the benchmark stops and says why."""


@dataclass
class RunFigures:
    """One run: its placement, what was played in the window, and what it cost."""

    workers: int
    worker_cores: list[int | None]
    listeners: int
    heard_audio: int
    window_s: float
    listener_s: float
    requests: int
    failed_requests: int
    worker_cpu_s: list[float]
    master_cpu_s: float

    @property
    def cpu_ms_per_listener_s(self) -> float:
        return sum(self.worker_cpu_s) * 1000 / max(self.listener_s, 1e-9)

    @property
    def cpu_us_per_request(self) -> float:
        return sum(self.worker_cpu_s) * 1e6 / max(self.requests, 1)

    @property
    def master_core_share(self) -> float:
        return self.master_cpu_s / self.window_s


# --- processes --------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMSPACE_")}
    return {**env, "COLUMNS": "120", "PYTHONUNBUFFERED": "1"}


def _tree(process: subprocess.Popen[bytes]) -> list[psutil.Process]:
    """The process and its descendants, now."""
    try:
        parent = psutil.Process(process.pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _cpu_s(processes: list[psutil.Process]) -> float:
    """User + system CPU seconds of these processes (the same objects at both ends of a window:
    a process gone in between would make the difference meaningless, so it is an error)."""
    try:
        return sum(sum(p.cpu_times()[:2]) for p in processes)
    except psutil.NoSuchProcess as exc:
        raise BenchError(f"process {exc.pid} ended during the measuring window") from None


def _stop(processes: list[psutil.Process]) -> list[int]:
    """Terminate, then kill, whichever of these is still running; the PIDs that survived.
    psutil checks each process's start time, so a reused PID is never signalled."""
    alive = [p for p in processes if _running(p)]
    for signal_it in (psutil.Process.terminate, psutil.Process.kill):
        for process in alive:
            with contextlib.suppress(psutil.NoSuchProcess):  # ended meanwhile
                signal_it(process)
        _, alive = psutil.wait_procs(alive, timeout=10)
    return [p.pid for p in alive if _running(p)]


def _check_stopped(processes: list[psutil.Process]) -> None:
    survivors = _stop(processes)
    if survivors:
        raise BenchError(f"processes still running after the benchmark: {survivors}")


def _running(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _log_tail(path: Path, limit: int = 3000) -> str:
    return path.read_text(encoding="utf-8", errors="replace")[-limit:] if path.exists() else ""


# --- one run ----------------------------------------------------------------------------------


@dataclass
class _Run:
    """The processes of one run and where it writes."""

    home: Path
    master: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]]
    seen: list[psutil.Process]  # every process of the run ever seen, stopped at the end

    @property
    def output(self) -> Path:
        return self.home / "runs"

    def watch(self) -> None:
        for process in (self.master, *self.workers):
            self.seen.extend(p for p in _tree(process) if p not in self.seen)
        if self.master.poll() is not None:
            raise BenchError(
                f"the master exited early with code {self.master.returncode}:\n"
                + _log_tail(self.home / "master.log")
            )
        for index, worker in enumerate(self.workers):
            if worker.poll() is not None:
                raise BenchError(
                    f"worker {index} exited early with code {worker.returncode}:\n"
                    + _log_tail(self.home / f"worker{index}.log")
                )

    def sleep_until(self, wall: float) -> None:
        while (left := wall - time.time()) > 0:
            self.watch()
            time.sleep(min(left, 0.5))


def _start(argv: list[str], log: Path, cwd: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            argv, cwd=cwd, env=_env(), stdin=subprocess.DEVNULL, stdout=out,
            stderr=subprocess.STDOUT,
        )  # fmt: skip


def _launch(home: Path, origin_url: str, args: argparse.Namespace, cores: list[int | None]) -> _Run:
    home.mkdir(parents=True)
    port = free_port()
    master = _start(
        [sys.executable, "-m", "simspace", "run", str(SCENARIO), "--target", origin_url,
         "--scale", f"{args.listeners}/{AUDIENCE}", "--duration", f"{args.duration_s:g}s",
         "--master", "--master-port", str(port), "--expect-workers", str(len(cores)),
         "--output", str(home / "runs")],
        home / "master.log", ROOT,
    )  # fmt: skip
    run = _Run(home, master, [], [])
    for index, core in enumerate(cores):
        cwd = home / f"worker{index}"  # an empty directory: a worker needs no files
        cwd.mkdir()
        argv = [sys.executable, "-m", "simspace", "worker", "--master", f"127.0.0.1:{port}"]
        run.workers.append(_start(_pinned(core, argv), home / f"worker{index}.log", cwd))
    return run


def _event_clock(run: _Run) -> tuple[float, float]:
    """(wall0, t_begin) of the run's event clock, once its workers are all connected."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        run.watch()
        for partial in run.output.glob("*/.*partial"):
            config, workers = partial / "load-config.json", partial / "workers.json"
            if config.exists() and workers.exists():
                connected = json.loads(workers.read_text(encoding="utf-8"))["workers"]
                if len(connected) == len(run.workers):
                    clock = json.loads(config.read_text(encoding="utf-8"))
                    return float(clock["wall0"]), float(clock["t_begin"])
        time.sleep(0.2)
    raise BenchError(f"the workers did not connect in {START_TIMEOUT_S:.0f}s")


def _check_pinned(run: _Run, cores: list[int | None]) -> None:
    for worker, core in zip(run.workers, cores, strict=True):
        for process in _tree(worker):
            if core is not None and process.cpu_affinity() != [core]:
                raise BenchError(f"pid {process.pid} is not pinned to CPU {core}")


def _finish(run: _Run) -> Path:
    """Wait for the run to end by itself; its run directory."""
    try:
        run.master.wait(END_TIMEOUT_S)
        codes = [worker.wait(60) for worker in run.workers]
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"the run did not end in time ({exc.cmd[:4]})") from None
    if run.master.returncode != 0 or any(codes):
        raise BenchError(
            f"the run failed: master exit {run.master.returncode}, workers {codes}\n"
            + _log_tail(run.home / "master.log")
        )
    dirs = [p for p in run.output.glob("*/*") if p.is_dir() and not p.name.startswith(".")]
    if len(dirs) != 1:
        raise BenchError(f"expected one run directory under {run.output}, found {dirs}")
    return dirs[0]


def _played(run_dir: Path, t0: float, t1: float) -> dict[str, int | float]:
    """Listeners, those that heard audio, listener-seconds and requests in [t0, t1) event time,
    from the observation files the master wrote."""
    arrived: dict[int, float] = {}
    gone: dict[int, float] = {}
    heard: set[int] = set()
    requests = failed = 0.0
    for path in sorted((run_dir / "observations").glob(FILE_GLOB)):
        for text in path.read_text(encoding="utf-8").splitlines():
            line = decode_line(text)
            if isinstance(line, StateLine):
                if line.kind == "arrived":
                    arrived[line.id] = line.t
                elif line.kind == "playing":
                    heard.add(line.id)
                elif line.kind in GONE:
                    gone[line.id] = min(line.t, gone.get(line.id, line.t))
            elif isinstance(line, RequestLine) and t0 <= line.t < t1:
                requests += line.ok_n + line.fail_n
                failed += line.fail_n
    listener_s = sum(max(0.0, min(gone.get(i, t1), t1) - max(t, t0)) for i, t in arrived.items())
    return {"listeners": len(arrived), "heard_audio": len(heard), "listener_s": listener_s,
            "requests": round(requests), "failed_requests": round(failed)}  # fmt: skip


def measure_run(
    home: Path, origin_url: str, args: argparse.Namespace, cores: list[int | None]
) -> RunFigures:
    """One distributed run with a worker on each of `cores`; stops all it started."""
    run: _Run | None = None
    try:
        run = _launch(home, origin_url, args, cores)
        wall0, t_begin = _event_clock(run)
        start, end = wall0 + MEASURE_FROM_S, wall0 + args.duration_s - MEASURE_END_MARGIN_S
        run.sleep_until(start)
        _check_pinned(run, cores)
        trees = [_tree(worker) for worker in run.workers]
        master_tree = _tree(run.master)
        before = [_cpu_s(tree) for tree in trees]
        master_before, sampled_at = _cpu_s(master_tree), time.time()
        run.sleep_until(end)
        worker_cpu_s = [_cpu_s(tree) - cpu for tree, cpu in zip(trees, before, strict=True)]
        master_cpu_s, window_s = _cpu_s(master_tree) - master_before, time.time() - sampled_at
        run_dir = _finish(run)
    finally:
        if run is not None:
            _check_stopped(run.seen)
    t0 = t_begin + sampled_at - wall0
    played = _played(run_dir, t0, t0 + window_s)
    if played["listeners"] != args.listeners or played["heard_audio"] != args.listeners:
        raise BenchError(f"{run_dir}: not every listener played: {played}")
    return RunFigures(len(cores), cores, int(played["listeners"]), int(played["heard_audio"]),
                      window_s, float(played["listener_s"]), int(played["requests"]),
                      int(played["failed_requests"]), worker_cpu_s, master_cpu_s)  # fmt: skip


# --- the benchmark ----------------------------------------------------------------------------


def _pooled(runs: list[RunFigures], workers: int) -> dict[str, float]:
    mine = [r for r in runs if r.workers == workers]
    cpu_s = sum(sum(r.worker_cpu_s) for r in mine)
    listener_s = sum(r.listener_s for r in mine)
    window_s = sum(r.window_s for r in mine)
    return {
        "cpu_ms_per_listener_s": cpu_s * 1000 / listener_s,
        "cpu_us_per_request": cpu_s * 1e6 / sum(r.requests for r in mine),
        "listeners_per_core": listener_s / cpu_s,
        "worker_core_share": cpu_s / window_s,
        "master_core_share": sum(r.master_cpu_s for r in mine) / window_s,
    }


def summarise(runs: list[RunFigures]) -> dict[str, Any]:
    one, two = _pooled(runs, 1), _pooled(runs, 2)
    ratio = two["cpu_ms_per_listener_s"] / one["cpu_ms_per_listener_s"]
    # total CPU = c * listeners + F per worker process: two workers pay F twice
    extra_worker = two["worker_core_share"] - one["worker_core_share"]
    return {"one_worker": one, "two_workers": two, "ratio": ratio,
            "extra_worker_core_share": extra_worker,
            "within_10_percent": abs(ratio - 1) <= ACCEPTED_RATIO - 1}  # fmt: skip


def _print(runs: list[RunFigures], summary: dict[str, Any], machine: str, pinned: bool) -> None:
    print(f"machine: {machine}; pinned: {pinned}")
    print("| run | workers | cores | listeners | window | worker CPU | ms CPU per listener-s "
          "| µs CPU per request | master CPU |\n|---|---|---|---|---|---|---|---|---|")  # fmt: skip
    for i, r in enumerate(runs, 1):
        cpu = " + ".join(f"{c:.2f}" for c in r.worker_cpu_s)
        print(f"| {i} | {r.workers} | {r.worker_cores} | {r.listeners} | {r.window_s:.1f} s | "
              f"{cpu} s | {r.cpu_ms_per_listener_s:.3f} | {r.cpu_us_per_request:.0f} | "
              f"{r.master_core_share:.1%} |")  # fmt: skip
    for name in ("one_worker", "two_workers"):
        s = summary[name]
        print(f"{name:11s}: {s['cpu_ms_per_listener_s']:.3f} ms CPU per listener-second "
              f"({s['listeners_per_core']:,.0f} listeners per core), "
              f"{s['cpu_us_per_request']:.0f} µs per request; workers {s['worker_core_share']:.1%}"
              f" of a core, master {s['master_core_share']:.1%}")  # fmt: skip
    print(
        f"ratio 2 workers ÷ 1 worker, CPU per listener-second: {summary['ratio']:.3f} "
        f"(acceptance: within 10%: {'yes' if summary['within_10_percent'] else 'NO'}); "
        f"the second worker process adds {summary['extra_worker_core_share']:+.1%} of a core"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listeners", type=int, default=1200, help="simulated listeners per run")
    parser.add_argument("--duration-s", type=float, default=45.0, help="each run's duration")
    parser.add_argument("--repeats", type=int, default=2, help="pairs of runs (1 and 2 workers)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if not 0 < args.listeners <= AUDIENCE or args.duration_s < MEASURE_FROM_S + 15:
        parser.error(f"--listeners 1..{AUDIENCE}, --duration-s >= {MEASURE_FROM_S + 15:g}")
    first, second = _cpus()
    if first is not None:  # the origin and the master inherit the first core from here
        os.sched_setaffinity(0, {first})
    lifetime_s = args.repeats * 2 * (args.duration_s + RUN_OVERHEAD_S) + 60
    runs: list[RunFigures] = []
    try:
        with ExitStack() as stack:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench_dist.")))
            origin = stack.enter_context(live_hls_origin(work / "origin",
                                                         max_lifetime_s=lifetime_s))  # fmt: skip
            origin_processes = psutil.Process().children(recursive=True)
            stack.callback(_check_stopped, origin_processes)  # runs after the origin stopped
            for repeat in range(args.repeats):
                single = [second] if repeat % 2 == 0 else [first]
                order = [single, [first, second]]
                for cores in order if repeat % 2 == 0 else order[::-1]:
                    home = work / f"run{len(runs) + 1}-{len(cores)}w"
                    runs.append(measure_run(home, origin.url, args, cores))
                    print(f"run {len(runs)}: {len(cores)} worker(s) on {cores}: "
                          f"{runs[-1].cpu_ms_per_listener_s:.3f} ms CPU per listener-second",
                          flush=True)  # fmt: skip
    except BenchError as exc:
        print(f"bench_distributed: {exc}", file=sys.stderr)
        return 1
    summary = summarise(runs)
    machine = _machine()
    _print(runs, summary, machine, first is not None)
    if args.json:
        figures = [{**asdict(r), "cpu_ms_per_listener_s": r.cpu_ms_per_listener_s} for r in runs]
        results = {"machine": machine, "pinned": first is not None, "settings": vars(args),
                   "runs": figures, "summary": summary}  # fmt: skip
        args.json.write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
