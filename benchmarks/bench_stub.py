"""Stub platform vs a bare aiohttp handler serving the same bytes: requests/s, side by side.

Run: `python benchmarks/bench_stub.py [--duration 10]`. Both servers run as owned
child processes on 127.0.0.1 with ports they pick themselves (reported through a ready file and
checked to be theirs), pinned to one core with the load generator (wrk, or an aiohttp client
process if wrk is missing) on another. One-second slices alternate between stub and bare so that
drift hits both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "trump_space.yaml"
# At this speedup the CDN's modelled 20 ms service time is 0.2 ms of wall time, below the stub's
# sleep threshold: the benchmark measures what the stub costs, not the latency it models.
SPEEDUP = 100.0
READY_TIMEOUT_S = 60.0
TARGET_RATIO = 0.7
# Pin a process to one CPU, then become the real program (affinity survives exec; the pid stays).
_PIN_AND_EXEC = (
    "import os, sys; os.sched_setaffinity(0, {int(sys.argv[1])}); "
    "os.execvp(sys.argv[2], sys.argv[2:])"
)

log = logging.getLogger("bench_stub")


def _pinned(cpu: int | None, argv: list[str]) -> list[str]:
    if cpu is None:
        return argv
    return [sys.executable, "-c", _PIN_AND_EXEC, str(cpu), *argv]


def _cpus() -> tuple[int | None, int | None]:
    """(server CPU, load CPU), or (None, None) when there are not two to split."""
    available = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
    if len(available) < 2:
        return None, None
    return available[0], available[1]


@dataclass
class Child:
    """A server process we started, with the URL it reported."""

    name: str
    process: subprocess.Popen[bytes]
    url: str = ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _start(name: str, argv: list[str], ready_file: Path, cpu: int | None) -> Child:
    log_file = ready_file.with_suffix(".log").open("wb")
    process = subprocess.Popen(_pinned(cpu, argv), stdout=log_file, stderr=subprocess.STDOUT)
    child = Child(name, process)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not ready_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            child.stop()
            raise RuntimeError(f"{name} did not start; see {log_file.name}")
        time.sleep(0.05)
    ready = json.loads(ready_file.read_text(encoding="utf-8"))
    if ready["pid"] != process.pid:
        child.stop()
        raise RuntimeError(f"{name}: the ready file names pid {ready['pid']}, not ours")
    child.url = ready["url"]
    return child


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        body: bytes = response.read()
        return body


# --- the bare baseline server ---------------------------------------------------------------


def serve_bare(bodies_file: Path, ready_file: Path) -> None:
    """A bare aiohttp app returning the stub's playlist and chunk bytes from a dict."""
    from aiohttp import web  # noqa: PLC0415 - only the child process needs the server side

    from simspace.server.runner import run_server  # noqa: PLC0415

    bodies = json.loads(bodies_file.read_text(encoding="utf-8"))
    content = {
        name: (bytes.fromhex(body), content_type) for name, (body, content_type) in bodies.items()
    }

    async def hls(request: web.Request) -> web.Response:
        body, content_type = content[request.match_info["name"]]
        return web.Response(body=body, content_type=content_type)

    app = web.Application()
    app.router.add_get("/hls/{media_key}/{name}", hls)
    asyncio.run(run_server(app, ready_file=ready_file))


# --- load generators --------------------------------------------------------------------------


def _wrk(url: str, seconds: int, connections: int, cpu: int | None) -> tuple[int, float]:
    """(requests completed, seconds) by wrk with one thread."""
    argv = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", url]
    out = subprocess.run(
        _pinned(cpu, argv), capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    match = re.search(r"(\d+) requests in ([\d.]+)(m?s)", out)
    if match is None or re.search(r"Non-2xx or 3xx responses", out):
        raise RuntimeError(f"wrk failed or saw errors:\n{out}")
    elapsed_s = float(match[2]) / (1000.0 if match[3] == "ms" else 1.0)
    return int(match[1]), elapsed_s


async def _client_load(url: str, duration_s: float, connections: int) -> tuple[int, float]:
    import aiohttp  # noqa: PLC0415

    count = 0
    stop_at = time.monotonic() + duration_s

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal count
        while time.monotonic() < stop_at:
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"status {response.status}")
                count += 1

    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.monotonic()
        await asyncio.gather(*(worker(session) for _ in range(connections)))
        return count, time.monotonic() - started


@dataclass
class Measurement:
    """Load runs against one server, summed: requests, seconds, the server's CPU seconds."""

    requests: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def server_cpu_us_per_request(self) -> float:
        return self.cpu_s * 1e6 / max(self.requests, 1)


def _load(child: Child, url: str, seconds: int, connections: int, cpu: int | None) -> Measurement:
    server = psutil.Process(child.process.pid)
    cpu_before = sum(server.cpu_times()[:2])
    if shutil.which("wrk"):
        requests, elapsed = _wrk(url, seconds, connections, cpu)
    else:
        argv = [sys.executable, __file__, "--client-load", url, "--duration", str(seconds)]
        argv += ["--connections", str(connections)]
        out = subprocess.run(
            _pinned(cpu, argv), capture_output=True, text=True, timeout=seconds + 60, check=True
        ).stdout
        count, elapsed_text = out.split()
        requests, elapsed = int(count), float(elapsed_text)
    cpu_s = sum(server.cpu_times()[:2]) - cpu_before
    return Measurement(requests, elapsed, cpu_s)


# --- the measurement --------------------------------------------------------------------------


def _machine() -> str:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({model}), Python {sys.version.split()[0]}"


def measure(duration_s: float, connections: int) -> dict[str, Any]:
    from simspace.scenario import load_scenario  # noqa: PLC0415

    server_cpu, load_cpu = _cpus()
    children: list[Child] = []
    with tempfile.TemporaryDirectory(prefix="bench_stub.") as tmp:
        work = Path(tmp)
        scenario_json = work / "scenario.json"
        scenario = load_scenario(SCENARIO).scenario.model_dump(mode="json")
        scenario_json.write_text(json.dumps(scenario), encoding="utf-8")
        try:
            stub = _start(
                "stub",
                [sys.executable, "-m", "simspace.server", "--scenario-json", str(scenario_json),
                 "--ready-file", str(work / "stub.json"), "--live", "--speedup", str(SPEEDUP),
                 "--log-level", "WARNING"],
                work / "stub.json",
                server_cpu,
            )  # fmt: skip
            children.append(stub)
            live = json.loads(_get(stub.url + "/api/spaces/live"))
            media_key = live["media_key"]
            playlist = _get(f"{stub.url}/hls/{media_key}/dynamic_playlist.m3u8")
            chunk_name = playlist.decode().splitlines()[-1]
            chunk = _get(f"{stub.url}/hls/{media_key}/{chunk_name}")
            bodies = {
                "dynamic_playlist.m3u8": (playlist.hex(), "application/vnd.apple.mpegurl"),
                chunk_name: (chunk.hex(), "audio/aac"),
            }
            (work / "bodies.json").write_text(json.dumps(bodies), encoding="utf-8")
            bare = _start(
                "bare",
                [sys.executable, __file__, "--bare-server", str(work / "bodies.json"),
                 "--ready-file", str(work / "bare.json")],
                work / "bare.json",
                server_cpu,
            )  # fmt: skip
            children.append(bare)
            paths = {
                "chunk": f"/hls/{media_key}/{chunk_name}",
                "playlist": f"/hls/{media_key}/dynamic_playlist.m3u8",
            }
            # Alternate one-second slices of stub and bare, so that whatever else the machine
            # does in the meantime hits both alike; each gets `duration_s` in all.
            runs = {kind: {"stub": Measurement(), "bare": Measurement()} for kind in paths}
            for kind, path in paths.items():
                for _ in range(max(1, round(duration_s))):
                    for child in (stub, bare):
                        m = _load(child, child.url + path, 1, connections, load_cpu)
                        total = runs[kind][child.name]
                        total.requests += m.requests
                        total.seconds += m.seconds
                        total.cpu_s += m.cpu_s
                for child in (stub, bare):
                    m = runs[kind][child.name]
                    log.info(
                        "%-8s %s: %6.0f req/s, server %5.1f us CPU/request",
                        kind, child.name, m.requests_per_s, m.server_cpu_us_per_request,
                    )  # fmt: skip
            state = json.loads(_get(stub.url + "/_sim/state"))
        finally:
            for child in children:
                child.stop()
    results: dict[str, Any] = {
        "machine": _machine(),
        "pinned": server_cpu is not None,
        "load_generator": "wrk" if shutil.which("wrk") else "aiohttp client process",
        "duration_s": duration_s,
        "connections": connections,
        "sizes_bytes": {"chunk": len(chunk), "playlist": len(playlist)},
        "stub_cdn_requests_served": state["tiers"]["cdn"]["served"],
    }
    for kind, by_server in runs.items():
        row = {f"{name}_rps": m.requests_per_s for name, m in by_server.items()}
        row.update({f"{name}_cpu_us": m.server_cpu_us_per_request for name, m in by_server.items()})
        row["ratio"] = row["stub_rps"] / row["bare_rps"]
        # What the stub would reach vs bare if the server core were the bottleneck.
        row["cpu_ratio"] = row["bare_cpu_us"] / row["stub_cpu_us"]
        results[kind] = row
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--duration", type=float, default=10.0, help="seconds of load per server and kind"
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--bare-server", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ready-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--client-load", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.bare_server:
        serve_bare(args.bare_server, args.ready_file)
        return 0
    if args.client_load:
        rate = asyncio.run(_client_load(args.client_load, args.duration, args.connections))
        sys.stdout.write(f"{rate[0]} {rate[1]}\n")
        return 0
    results = measure(args.duration, args.connections)
    log.info("machine: %s; load: %s", results["machine"], results["load_generator"])
    for kind in ("chunk", "playlist"):
        r = results[kind]
        log.info(
            "%-8s stub %6.0f req/s %5.1f us/req | bare %6.0f req/s %5.1f us/req | "
            "ratio %.2f, CPU ratio %.2f (target >= %.1f)",
            kind, r["stub_rps"], r["stub_cpu_us"], r["bare_rps"], r["bare_cpu_us"], r["ratio"],
            r["cpu_ratio"], TARGET_RATIO,
        )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
