"""Load-side benchmark: simulated listeners sustained per core by simspace's Locust listener vs a
minimal Locust FastHttpUser loop doing the same playlist + chunk requests, side by side in one run.

Each side runs N users against a fresh stub (live Space, ample capacity) for a fixed time, the
server pinned to core 0 and Locust to core 1 where possible. Listeners per core = N / (Locust CPU
seconds per wall second), checked against the request rate actually achieved. Loopback only,
bounded in time; prints the ratio (target >= 0.8).

    python benchmarks/bench_load.py [--users 1500] [--measure-s 30]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import psutil

from simspace.clock import EventClock
from simspace.load import LOCUSTFILE
from simspace.plan import make_plan
from simspace.scenario.loader import load_scenario
from simspace.wire.load_config import CONFIG_ENV, LoadConfig

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "data" / "bench_space.yaml"
MINIMAL = HERE / "minimal_locustfile.py"


@dataclass
class Sample:
    name: str
    users: int
    requests_per_s: float
    cpu_fraction: float

    @property
    def listeners_per_core(self) -> float:
        return self.users / max(self.cpu_fraction, 1e-9)


def _pin(proc: subprocess.Popen[bytes], core: int) -> None:
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(proc.pid, {core})


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:  # loopback only
        data = json.loads(response.read())
    assert isinstance(data, dict)
    return data


def _requests(url: str) -> float:
    tiers = _get(url + "/_sim/state")["tiers"]
    assert isinstance(tiers, dict)
    return sum(float(tier["requests"]) for tier in tiers.values())


def _start_server(
    work: Path, scenario_json: Path, clock: EventClock
) -> tuple[subprocess.Popen[bytes], str]:
    ready = work / "ready.json"
    server = subprocess.Popen(
        [sys.executable, "-m", "simspace.server", "--scenario-json", str(scenario_json),
         "--host", "127.0.0.1", "--port", "0", "--ready-file", str(ready), "--live",
         "--wall0", repr(clock.wall0), "--t-begin", repr(clock.t_begin), "--speedup", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _pin(server, 0)
    deadline = time.monotonic() + 30
    while not ready.exists():
        if time.monotonic() > deadline or server.poll() is not None:
            server.kill()
            raise SystemExit("the stub server did not start")
        time.sleep(0.05)
    url = str(json.loads(ready.read_text())["url"]).rstrip("/")
    return server, url


def measure(name: str, users: int, measure_s: float, warmup_s: float) -> Sample:
    loaded = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scenario_json = work / "scenario.json"
        scenario_json.write_text(loaded.scenario.model_dump_json())
        clock = EventClock(time.time() + 2.0, -60.0, 1.0)
        server, url = _start_server(work, scenario_json, clock)
        env = dict(os.environ)
        if name == "simspace":
            plan = make_plan(loaded.scenario, speedup=1.0, population_scale=users / 1e6)
            config = LoadConfig.build(loaded.scenario, plan, clock, work, 1)
            (work / "load.json").write_text(config.model_dump_json())
            env[CONFIG_ENV] = str(work / "load.json")
            args = ["-f", str(LOCUSTFILE)]
        else:
            live = _get(url + "/api/spaces/live")
            env["BENCH_PLAYLIST_PATH"] = f"/hls/{live['media_key']}/dynamic_playlist.m3u8"
            args = ["-f", str(MINIMAL), "-u", str(users), "-r", str(users / 10)]
        locust = subprocess.Popen(
            [sys.executable, "-m", "locust", *args, "--headless", "--host", url,
             "--loglevel", "ERROR", "--run-time", f"{int(warmup_s + measure_s + 30)}s"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        _pin(locust, 1)
        try:
            time.sleep(warmup_s)
            proc = psutil.Process(locust.pid)
            cpu0, req0, t0 = sum(proc.cpu_times()[:2]), _requests(url), time.monotonic()
            time.sleep(measure_s)
            cpu1, req1, t1 = sum(proc.cpu_times()[:2]), _requests(url), time.monotonic()
        finally:
            for child in (locust, server):
                child.terminate()
                try:
                    child.wait(10)
                except subprocess.TimeoutExpired:
                    child.kill()
    return Sample(name, users, (req1 - req0) / (t1 - t0), (cpu1 - cpu0) / (t1 - t0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1500)
    parser.add_argument("--measure-s", type=float, default=30.0)
    parser.add_argument("--warmup-s", type=float, default=40.0)
    args = parser.parse_args()
    samples = [measure(name, args.users, args.measure_s, args.warmup_s)
               for name in ("minimal", "simspace")]  # fmt: skip
    for s in samples:
        print(
            f"{s.name:9s} {s.users} users: {s.requests_per_s:8.0f} req/s, Locust CPU "
            f"{s.cpu_fraction:5.1%} of a core -> {s.listeners_per_core:8.0f} listeners per core"
        )
    ratio = samples[1].listeners_per_core / samples[0].listeners_per_core
    print(f"ratio simspace/minimal listeners per core: {ratio:.2f} (target >= 0.8)")


if __name__ == "__main__":
    main()
