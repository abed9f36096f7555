"""End to end: `simspace run --target` against real things on loopback — a live HLS origin
(ffmpeg writing, nginx serving) and a `simspace serve` stub speaking the Spaces join API — and
the refusal of a target off this machine, before a single packet is sent."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.run.cli_runs import ROOT, CliRun, simspace
from tests.target.origin import LiveOrigin, http_get

pytestmark = pytest.mark.e2e
SCENARIO = str(ROOT / "tests" / "data" / "hls_origin.yaml")


def _report_html(run: CliRun) -> str:
    [run_dir] = run.run_dirs()
    return (run_dir / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("workers", [1, 2])
def test_listeners_play_a_live_origin_under_a_flood(
    workers: int, live_origin: LiveOrigin, tmp_path: Path
) -> None:
    """12 listeners through the master playlist for 15 s, while 60 req/s hit the playlist; with
    two Locust worker processes too (each plays its own listeners and flood shares)."""
    args = ["run", SCENARIO, "--variant", "flood", "--target", live_origin.master_url]
    args += ["--workers", str(workers)]
    run = simspace([*args, "--duration", "15s"], tmp_path, timeout_s=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    result: dict[str, Any] = run.result()
    assert result["status"] == "completed"
    target = result["target"]
    assert (target["loopback"], target["join_api"], target["attacks"]) == (True, "none", True)
    assert target["allow_remote"] is False
    m = result["metrics"]
    assert m["arrived"] == 12
    assert m["join_success_ratio"] == 1.0
    assert m["ttfa_s"]["count"] == 12
    assert 0 < m["ttfa_s"]["p95"] < 5
    assert m["stall_ratio"] == 0.0
    assert m["error_ratio_by_tier"] == {"cdn": 0.0}  # attack requests are counted apart
    segments = result["segments"]
    # each listener starts three segments back from the live edge, then one new one every 2 s
    assert segments["downloads"] >= 12 * 3 + 12 * 3
    assert segments["failed"] == 0
    assert 0 < segments["download_s"]["p50"] < 2.0
    assert segments["ratio"]["p95"] < 1.0  # downloads keep up with playback
    attack = [row for row in result["requests"] if row["tier"] == "attack"]
    sent = sum(row["ok"] + row["failed"] for row in attack)
    assert 6 * 60 * 0.5 <= sent <= 6 * 60 * 1.2  # 60 req/s for 6 s
    assert result["plan"]["mode"] == "target"
    assert result["plan"]["speedup"] == 1.0
    assert "PASSED" in run.stdout or "passed" in run.stdout
    html = _report_html(run)
    assert 'id="target"' in html
    assert "loopback" in html
    assert "--target" in html  # the reproduce command
    # the origin really served it: nginx logged our requests
    assert http_get(live_origin.url).status == 200


@pytest.fixture
def spaces_stub(tmp_path: Path) -> Iterator[str]:
    """`simspace serve --live` on a free loopback port, stopped after the test."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "simspace", "serve", SCENARIO, "--live", "--port", str(port)]
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if http_get(url + "/api/spaces/live").status == 200:
                    break
            except OSError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail("simspace serve did not come up: " + (tmp_path / "serve.log").read_text())
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_listeners_join_through_the_spaces_api(spaces_stub: str, tmp_path: Path) -> None:
    args = ["run", SCENARIO, "--variant", "spaces_api", "--target", spaces_stub + "/"]
    run = simspace([*args, "--duration", "12s"], tmp_path, timeout_s=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr
    result = run.result()
    assert result["target"]["join_api"] == "spaces"
    m = result["metrics"]
    assert m["join_success_ratio"] == 1.0
    assert m["stall_ratio"] == 0.0
    assert m["error_ratio"] == 0.0
    assert set(m["error_ratio_by_tier"]) == {"api", "cdn"}  # joined through the API
    assert result["segments"]["downloads"] >= 12
    state = json.loads(http_get(spaces_stub + "/_sim/state").body)
    assert state["spaces"][0]["listeners"] >= 12  # the stub saw them join (and keep pinging)


def _local_non_loopback_address() -> str | None:
    """This machine's outward address (a UDP connect sends nothing), if it has one."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.connect(("192.0.2.1", 9))
            address = str(udp.getsockname()[0])
    except OSError:
        return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


@pytest.mark.parametrize("variant", ["base", "flood"])
def test_a_target_off_loopback_is_refused_and_sees_no_traffic(variant: str, tmp_path: Path) -> None:
    """Without --allow-remote (and, for attacks, --allow-attack) nothing runs: exit 2, no run
    directory, and a listener on the address never sees a connection."""
    address = _local_non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address to listen on")
    with socket.socket() as listener:
        listener.bind((address, 0))
        listener.listen(16)
        listener.setblocking(False)
        url = f"http://{address}:{listener.getsockname()[1]}/live/stream.m3u8"
        opt_ins = ["--allow-remote"] if variant == "flood" else []
        variant_args = ["--variant", variant] if variant != "base" else []
        run = simspace(["run", SCENARIO, *variant_args, "--target", url, *opt_ins], tmp_path)
        time.sleep(0.5)
        with pytest.raises(BlockingIOError):
            listener.accept()
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    needed = "--allow-attack" if variant == "flood" else "--allow-remote"
    assert needed in run.stderr
    assert "is not a loopback address" in run.stderr or "not loopback" in run.stderr
    assert not list(tmp_path.iterdir())
