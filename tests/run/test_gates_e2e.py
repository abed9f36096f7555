"""End to end: gates on the real CLI decide the exit code (0 held, 1 failed, 2 bad expression).
A dead server (exit 3) is covered by test_run_e2e.py."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.run.cli_runs import SMALL, simspace

pytestmark = pytest.mark.e2e
ARGS = [str(SMALL), "--scale", "1/400", "--speedup", "60"]


def test_passing_gates_exit_0_and_every_gate_is_reported(tmp_path: Path) -> None:
    gates = ["--gate", "start_delay >= 3m", "--gate", "join_success_ratio > 0% after -5m"]
    run = simspace(["run", *ARGS, *gates], tmp_path)
    assert run.returncode == 0, run.stderr
    assert "expectation met: the run survives (2 of 2 gates passed)" in run.stdout
    [run_dir] = run.run_dirs()
    outcome = json.loads((run_dir / "gates.json").read_text())
    assert outcome["passed"] is True
    assert [g["id"] for g in outcome["gates"]] == ["cli-1", "cli-2"]
    suite = ET.parse(run_dir / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase[@classname='gates']")
    assert [c.get("name") for c in cases] == ["cli-1", "cli-2"]
    assert suite.get("failures") == "0"
    assert 'id="gates"' in (run_dir / "report.html").read_text()

    # the run directory keeps its gates; `report` can judge it again against another one
    rejudged = simspace(["report", str(run_dir), "--gate", "ttfa_p95 <= 1ms"], tmp_path)
    assert rejudged.returncode == 1, rejudged.stderr
    assert "FAILED ttfa_p95: observed" in rejudged.stderr
    assert "expectation not met: the run must survive (2 of 3 gates passed)" in rejudged.stderr
    again = simspace(["report", str(run_dir)], tmp_path)
    assert again.returncode == 0, again.stderr
    reproduce = simspace(["report", str(run_dir), "--expect", "reproduce"], tmp_path)
    assert reproduce.returncode == 0, reproduce.stderr  # the base variant reproduces `delay`


def test_a_failing_gate_exits_1_with_the_failing_line(tmp_path: Path) -> None:
    run = simspace(["run", *ARGS, "--gate", "start_delay <= 1m"], tmp_path)
    assert run.returncode == 1, run.stderr
    assert "FAILED start_delay: observed" in run.stderr
    assert "threshold <= 1m" in run.stderr
    assert "Traceback" not in run.stderr
    [run_dir] = run.run_dirs()
    suite = ET.parse(run_dir / "junit.xml").getroot().find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "1"


def test_a_bad_gate_exits_2_before_anything_runs(tmp_path: Path) -> None:
    run = simspace(["run", *ARGS, "--gate", "ttfa_p59 <= 5s"], tmp_path)
    assert run.returncode == 2
    assert "--gate 'ttfa_p59 <= 5s': unknown metric 'ttfa_p59'" in run.stderr
    assert "Traceback" not in run.stderr
    assert not list(tmp_path.iterdir())


def test_a_gate_failed_beyond_recovery_stops_the_run_early_and_keeps_its_data(
    tmp_path: Path,
) -> None:
    """The host cannot start the Space before +3m (the API is overloaded): `start_delay <= 1m`
    is lost for good long before the window ends at +15m."""
    run = simspace(["run", *ARGS, "--gate", "start_delay <= 1m", "--abort-on-fail"], tmp_path)
    assert run.returncode == 1, run.stderr
    assert "stopped early: gate cli-1 failed beyond recovery: start_delay" in run.stdout
    assert "FAILED start_delay: observed" in run.stderr
    assert "Traceback" not in run.stderr
    result = run.result()
    assert result["status"] == "aborted"
    assert result["stopped_early"].startswith("gate cli-1 failed beyond recovery")
    assert result["observed_until"] < result["plan"]["t_end"] - 180  # minutes of event time saved
    [run_dir] = run.run_dirs()
    for name in ("junit.xml", "report.html", "gates.json", "timeline.json", "comparison.json"):
        assert (run_dir / name).is_file(), name
    assert "Stopped early" in (run_dir / "report.html").read_text()


def test_without_abort_on_fail_the_same_gate_lets_the_run_finish(tmp_path: Path) -> None:
    run = simspace(["run", *ARGS, "--duration", "8s", "--gate", "start_delay <= 1m"], tmp_path)
    assert run.returncode == 1, run.stderr
    assert run.result()["status"] == "completed"
    assert "stopped early" not in run.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--allow-remote"], "--allow-remote and --allow-attack apply to --target only"),
        (
            ["--start-at", "+1m"],
            "a start time applies only to a real-time run against a real target",
        ),
        (["--target", "http://127.0.0.1:9/x.m3u8", "--speedup", "4"], "the speedup must be 1"),
        (["--target", "http://127.0.0.1:9/x.m3u8", "--start-at", "+2h"], "outside the scenario"),
    ],
)
def test_target_options_misused_exit_2_before_anything_runs(
    args: list[str], message: str, tmp_path: Path
) -> None:
    run = simspace(["run", str(SMALL), *args], tmp_path)
    assert run.returncode == 2, run.stdout + run.stderr
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert not list(tmp_path.iterdir())
