"""What `simspace locustfile` writes runs under plain Locust against a real `simspace serve`, and
stops at `-t/--run-time` long before the plan's window ends.

Every child is bound to 127.0.0.1 and killed in `finally`; waits are bounded safety nets."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from simspace.cli.main import main
from simspace.wire.load_config import LoadConfig
from tests.target.origin import free_port

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "scenarios" / "ci_smoke.yaml"
RUN_TIME_S = 5
SAFETY_NET_S = 120.0  # far below the window's 12 minutes at speedup 1: only -t can stop it sooner

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _wait_healthy(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited early with {process.returncode}"
        try:
            with urllib.request.urlopen(url + "/_sim/health", timeout=5) as response:
                if json.loads(response.read())["ok"]:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail("server did not become healthy")


@pytest.fixture
def served() -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [sys.executable, "-m", "simspace", "serve", str(SMOKE), "--port", str(port), "--live"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_healthy(process, url)
        yield url
    finally:
        process.kill()
        process.wait(timeout=30)


def test_plain_locust_loads_the_stub_and_stops_at_its_run_time(
    served: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_dir = tmp_path / "load"
    assert main(["locustfile", str(SMOKE), "-o", str(out_dir), "--host", served]) == 0
    config = LoadConfig.model_validate_json((out_dir / "load-config.json").read_bytes())
    assert config.plan.wall_duration_s > 5 * SAFETY_NET_S  # the plan alone runs for 12 minutes
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(out_dir / "locustfile.py"), "--host", served,
         "--headless", "-t", f"{RUN_TIME_S}s", "--loglevel", "WARNING", "--only-summary"],
        cwd=tmp_path, capture_output=True, text=True, timeout=SAFETY_NET_S,
    )  # fmt: skip
    elapsed_s = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-3000:]
    assert elapsed_s >= RUN_TIME_S
    lines = [
        json.loads(line)
        for path in (out_dir / "observations").glob("observations-*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    assert lines, "no listener observations written"
    assert "api: live space" in done.stdout + done.stderr  # requests reached the stub
