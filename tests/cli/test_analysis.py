"""`simspace diff` and `simspace export` through the CLI's entry point, on run directories
written here (scenario.json + result.json; no run is started)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest

from simspace.cli.main import main
from simspace.fileio import write_json
from simspace.results.model import Percentiles, RunResult
from tests.report.builders import result, scenario

TTFA = Percentiles(count=500, p50=1.0, p95=4.0, p99=8.0, max=9.0)
SLOWER_TTFA = Percentiles(count=500, p50=1.0, p95=6.0, p99=8.0, max=9.0)


def run_dir(tmp_path: Path, name: str, **metrics: Any) -> Path:
    """A run directory as `simspace run` leaves it, with these metrics in its result."""
    values: dict[str, Any] = {"error_ratio": 0.01, "ttfa_s": TTFA, "peak_listeners": 1e5, **metrics}
    observed: RunResult = result(t_begin=0.0, t_end=600.0, waiting=lambda t: t, **values)
    the_scenario = scenario(window=(0.0, 600.0))
    event = the_scenario.event.model_copy(update={"name": observed.scenario})
    directory = tmp_path / name
    directory.mkdir()
    write_json(
        directory / "scenario.json",
        the_scenario.model_copy(update={"event": event}).model_dump(mode="json"),
    )
    write_json(directory / "result.json", observed)
    return directory


def simspace(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_diff_of_equal_runs_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, new = run_dir(tmp_path, "base"), run_dir(tmp_path, "new")
    code, out, err = simspace(capsys, "diff", base, new, "--json", tmp_path / "diff.json")
    assert code == 0, err
    assert "ttfa_s.p95" in out
    assert "no gated metric regressed beyond 10%" in out
    written = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert written["regressions"] == []
    assert (written["base_run"], written["new_run"]) == ("base", "new")


def test_diff_exits_1_on_a_seeded_regression(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, new = run_dir(tmp_path, "base"), run_dir(tmp_path, "new", ttfa_s=SLOWER_TTFA)
    code, out, err = simspace(
        capsys, "diff", base, new, "--max-regression", "10%", "--json", tmp_path / "diff.json"
    )
    assert code == 1
    assert "REGRESSED" in out  # the table marks the row
    assert "REGRESSED ttfa_s.p95: 4s -> 6s (+2s (+50%)), threshold 10%" in err
    assert "new against base: 1 gated metric regressed beyond 10%" in err
    written = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert written["regressions"] == ["ttfa_s.p95"]
    assert simspace(capsys, "diff", base, new, "--max-regression", "60%")[0] == 0


def test_diff_gates_the_chosen_metrics_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, new = run_dir(tmp_path, "base"), run_dir(tmp_path, "new", ttfa_s=SLOWER_TTFA)
    assert simspace(capsys, "diff", base, new, "--metric", "error_ratio")[0] == 0
    code, _, err = simspace(capsys, "diff", base, new, "--metric", "error_ratoi")
    assert code == 2
    assert "did you mean 'error_ratio'" in err


def test_diff_notes_a_run_that_did_not_complete(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, new = run_dir(tmp_path, "base"), run_dir(tmp_path, "new", status="interrupted")
    code, _, err = simspace(capsys, "diff", base, new)
    assert code == 0
    assert "note: new is interrupted" in err
    assert "note: base" not in err


def test_diff_refuses_runs_of_different_scenarios(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base, other = run_dir(tmp_path, "base"), run_dir(tmp_path, "other", scenario_name="other")
    code, _, err = simspace(capsys, "diff", base, other)
    assert code == 2
    assert "different scenarios" in err


def test_diff_refuses_a_bad_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = run_dir(tmp_path, "base")
    code, _, err = simspace(capsys, "diff", base, base, "--max-regression", "ten")
    assert code == 2
    assert "--max-regression" in err


def test_export_writes_parseable_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = run_dir(tmp_path, "run")
    code, out, err = simspace(capsys, "export", directory, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [float(r["t_s"]) for r in rows] == [i * 60.0 for i in range(11)]
    assert [float(r["listeners.waiting"]) for r in rows] == [i * 60.0 for i in range(11)]
    code, _, _ = simspace(capsys, "export", directory, "-o", tmp_path / "series.csv")
    assert code == 0
    assert (tmp_path / "series.csv").read_text(encoding="utf-8") == out


def test_export_json_is_the_table_with_its_charts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = simspace(capsys, "export", run_dir(tmp_path, "run"), "--format", "json")
    assert code == 0, err
    table = json.loads(out)
    assert table["charts"][0]["id"] == "listeners"
    assert len(table["columns"]["listeners.waiting"]) == len(table["t"])
