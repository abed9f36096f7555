"""result.json compatibility: a run directory written by simspace 0.1.0 before the layered
redesign (tests/results/data/run_0_1_0, from `simspace run tests/data/small_space.yaml
--duration 20s`) still loads, and `simspace report` rebuilds the same verdicts from it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from simspace.results.model import STUB_OBSERVER, TARGET_OBSERVER, RunResult

OLD_RUN = Path(__file__).parent / "data" / "run_0_1_0"


def _old_result() -> dict[str, object]:
    data = json.loads((OLD_RUN / "result.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    assert "observer" not in data
    return data


def test_an_old_stub_result_loads_as_observed_by_the_stub() -> None:
    result = RunResult.model_validate(_old_result())
    assert result.observer == STUB_OBSERVER
    assert result.spaces
    assert result.metrics.start_delay_s is not None


def test_an_old_result_loads_with_no_endpoints_and_no_latency_series() -> None:
    data = _old_result()
    assert "endpoints" not in data
    assert "latency" not in data
    result = RunResult.model_validate(data)
    assert (result.endpoints, result.latency) == ([], {})
    assert result.requests  # the per-tier outcomes it did record are still there


def test_an_old_result_loads_with_no_start_time_labels_or_revision() -> None:
    data = _old_result()
    assert not {"started_at", "labels", "revision"} & data.keys()
    result = RunResult.model_validate(data)
    assert (result.started_at, result.labels, result.revision) == (None, {}, None)


def test_an_old_target_result_loads_as_observed_from_the_listeners_only() -> None:
    data = _old_result()
    data["target"] = {
        "url": "http://127.0.0.1:8080/live.m3u8",
        "origin": "http://127.0.0.1:8080",
        "playlist_url": "http://127.0.0.1:8080/live.m3u8",
        "join_api": "none",
        "addresses": ["127.0.0.1"],
        "loopback": True,
        "allow_remote": False,
        "allow_attack": False,
        "attacks": False,
    }
    assert RunResult.model_validate(data).observer == TARGET_OBSERVER


@pytest.mark.e2e
def test_report_rebuilds_the_same_verdicts_from_an_old_run_directory(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    shutil.copytree(OLD_RUN, run_dir)
    before = json.loads((run_dir / "comparison.json").read_text(encoding="utf-8"))
    done = subprocess.run(
        [sys.executable, "-m", "simspace", "report", str(run_dir)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    after = json.loads((run_dir / "comparison.json").read_text(encoding="utf-8"))
    assert [(v["fact_id"], v["verdict"], v["observed"]) for v in after["verdicts"]] == [
        (v["fact_id"], v["verdict"], v["observed"]) for v in before["verdicts"]
    ]
    assert after["fit_score"] == before["fit_score"]
    assert (run_dir / "report.html").stat().st_size > 10_000
    assert "<testsuites" in (run_dir / "junit.xml").read_text(encoding="utf-8")
