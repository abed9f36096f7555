"""`simspace run --engine virtual` through the real CLI: a whole run directory in seconds, the
same result.json twice (but for the wall and start times), no child process, and the engine
recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.run.cli_runs import SMALL, simspace

pytestmark = pytest.mark.e2e


def _result(run_dir: Path) -> dict[str, object]:
    data = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data.pop("wall_s")
    data.pop("started_at")
    return data


def test_a_virtual_run_is_the_same_twice(tmp_path: Path) -> None:
    # a coarse scale: seconds (the default is a 30 s budget, see test_virtual_scale.py)
    args = ["run", str(SMALL), "--engine", "virtual", "--scale", "1/100"]
    first = simspace(args, tmp_path / "a")
    second = simspace(args, tmp_path / "b")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    (a,), (b,) = first.run_dirs(), second.run_dirs()
    assert _result(a) == _result(b)
    result = _result(a)
    assert result["observer"] == {
        "engine": "virtual",
        "platform_observed": True,
        "unobserved_reason": None,
        "served_by": "the modelled platform",
        "timing_resolution_s": 0.0,
    }
    assert result["status"] == "completed"
    for name in ("report.html", "junit.xml", "comparison.json", "plan.json", "scenario.json"):
        assert (a / name).exists(), name
    assert not (a / "locust.log").exists()  # no process was started
    assert "fit 100%" in first.stdout


def test_the_virtual_engine_does_not_load_a_real_target(tmp_path: Path) -> None:
    args = ["run", str(SMALL), "--engine", "virtual", "--target", "http://127.0.0.1:9/x.m3u8"]
    done = simspace(args, tmp_path)
    assert done.returncode == 2
    assert "--engine virtual plays the stub" in done.stderr
    assert not done.run_dirs()
