"""The stub as a process: `simspace serve` and `python -m simspace.server`, started and stopped.

Every child is owned, bound to 127.0.0.1 and killed in `finally`; waits are bounded safety nets.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from simspace.errors import UnsafeTargetError
from simspace.scenario import load_scenario
from simspace.server.runner import check_host
from tests.target.origin import free_port

ROOT = Path(__file__).resolve().parents[2]
TRUMP = ROOT / "scenarios" / "trump_space.yaml"
_STARTUP_TIMEOUT_S = 60.0  # a safety net for a loaded CI machine, not a speed assertion
_STOP_TIMEOUT_S = 30.0

pytestmark = pytest.mark.e2e


def _request(url: str, method: str = "GET", headers: dict[str, str] | None = None) -> Any:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _wait_healthy(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server exited early with {process.returncode}")
        try:
            if _request(url + "/_sim/health")["ok"]:
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail("server did not become healthy")


@pytest.fixture
def spawn() -> Iterator[Any]:
    children: list[subprocess.Popen[bytes]] = []

    def start(args: list[str]) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            [sys.executable, *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        children.append(process)
        return process

    yield start
    for process in children:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=_STOP_TIMEOUT_S)


def _stop(process: subprocess.Popen[bytes]) -> tuple[str, str]:
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=_STOP_TIMEOUT_S)
    return out.decode(), err.decode()


def test_serve_live_answers_the_join_api_and_stops_on_sigterm(spawn: Any) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = spawn(["-m", "simspace", "serve", str(TRUMP), "--port", str(port), "--live"])
    _wait_healthy(process, url)
    live = _request(url + "/api/spaces/live", headers={"X-Sim-Weight": "5000"})
    assert live["state"] == "Running"
    assert live["host"] == "musk"
    metadata = _request(url + f"/api/spaces/{live['space_id']}")
    assert metadata["data"]["audioSpace"]["metadata"]["state"] == "Running"
    status = _request(url + f"/api/live_video_stream/status/{live['media_key']}")
    assert status["source"]["status"] == "LIVE"
    started = _request(url + f"/api/spaces/{live['space_id']}/watching/start", "POST")
    assert started["session_id"]
    out, err = _stop(process)
    assert process.returncode == 0, err
    assert f"{url}{status['source']['location']}" in out
    assert f"{url}/_sim/state" in out


def test_server_module_writes_ready_file_and_dumps_on_sigterm(spawn: Any, tmp_path: Path) -> None:
    scenario_json = tmp_path / "scenario.json"
    scenario_json.write_text(
        json.dumps(load_scenario(TRUMP).scenario.model_dump(mode="json")), encoding="utf-8"
    )
    ready_file, dump_dir = tmp_path / "ready.json", tmp_path / "dump"
    process = spawn(
        ["-m", "simspace.server", "--scenario-json", str(scenario_json), "--port", "0",
         "--ready-file", str(ready_file), "--dump-dir", str(dump_dir),
         "--t-begin", "-60", "--speedup", "10", "--seed", "5"]
    )  # fmt: skip
    deadline = time.monotonic() + _STARTUP_TIMEOUT_S
    while not ready_file.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    ready = json.loads(ready_file.read_text(encoding="utf-8"))
    assert ready["pid"] == process.pid
    assert ready["url"] == f"http://127.0.0.1:{ready['port']}"
    _wait_healthy(process, ready["url"])
    clock = _request(ready["url"] + "/_sim/clock")
    _request(ready["url"] + "/api/spaces/live")
    _request(ready["url"] + "/api/spaces/live")
    assert clock["speedup"] == 10.0
    assert clock["t_begin"] == -60.0
    _, err = _stop(process)
    assert process.returncode == 0, err
    timeline = json.loads((dump_dir / "timeline.json").read_text(encoding="utf-8"))
    ledger = json.loads((dump_dir / "ledger.json").read_text(encoding="utf-8"))
    assert set(timeline["tiers"]) == {"api", "cdn"}
    assert timeline["origin_t"] == -1800
    assert sum(timeline["tiers"]["api"]["requests"]) == 2
    assert ledger["spaces"][0]["state"] == "NotStarted"


@pytest.mark.parametrize(
    "args",
    [
        ["-m", "simspace", "serve", str(TRUMP), "--host", "0.0.0.0", "--port", "0"],
        ["-m", "simspace", "serve", str(TRUMP), "--start-at", "yesterday"],
        ["-m", "simspace", "serve", str(TRUMP), "--speedup", "0"],
    ],
)
def test_serve_refuses_bad_usage_with_exit_2(spawn: Any, args: list[str]) -> None:
    process = spawn(args)
    _, err = process.communicate(timeout=_STARTUP_TIMEOUT_S)
    assert process.returncode == 2, err


def test_server_module_refuses_a_remote_host(spawn: Any, tmp_path: Path) -> None:
    scenario_json = tmp_path / "scenario.json"
    scenario_json.write_text(
        json.dumps(load_scenario(TRUMP).scenario.model_dump(mode="json")), encoding="utf-8"
    )
    process = spawn(
        ["-m", "simspace.server", "--scenario-json", str(scenario_json), "--host", "0.0.0.0"]
    )
    _, err = process.communicate(timeout=_STARTUP_TIMEOUT_S)
    assert process.returncode == 2
    assert b"not a loopback address" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "localhost"])
def test_loopback_hosts_are_allowed(host: str) -> None:
    check_host(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "10.0.0.1", "example.com", ""])
def test_other_hosts_need_the_opt_in(host: str) -> None:
    with pytest.raises(UnsafeTargetError):
        check_host(host)
    check_host(host, allow_remote=True)
