"""End to end: `simspace compare` runs each hypothesis, ranks them, and every run directory
gets its comparison, report.html and junit.xml; `simspace report` rebuilds them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.run.cli_runs import SMALL, simspace

pytestmark = pytest.mark.e2e


def test_compare_ranks_variants_and_every_run_has_its_reports(tmp_path: Path) -> None:
    args = ["compare", str(SMALL), "--variants", "base,priority_host"]
    run = simspace([*args, "--scale", "1/400", "--speedup", "60"], tmp_path)
    assert run.returncode == 0, run.stderr
    rankings = list(tmp_path.glob("small_space/compare-*/ranking.json"))
    assert len(rankings) == 1
    ranking = json.loads(rankings[0].read_text())
    # the fact says the start was delayed >= 3m: only the host without priority reproduces it
    assert [r["variant"] for r in ranking["runs"]] == ["base", "priority_host"]
    assert ranking["runs"][0]["fit_score"] == 1.0
    assert ranking["runs"][1]["fit_score"] == 0.0
    base_id, priority_id = (r["run_id"] for r in ranking["runs"])
    assert base_id.endswith("-base")
    assert priority_id.endswith("-priority_host")
    assert ranking["facts"][0]["verdicts"] == {
        base_id: "reproduced",
        priority_id: "not_reproduced",
    }
    html = rankings[0].with_name("ranking.html").read_text()
    assert "priority_host" in html
    assert "report.html" in html

    run_dirs = [Path(r["directory"]) for r in ranking["runs"]]
    for run_dir in run_dirs:
        for name in ("comparison.json", "report.html", "junit.xml"):
            assert (run_dir / name).exists(), name
        suite = ET.parse(run_dir / "junit.xml").getroot().find("testsuite")
        assert suite is not None
        assert suite.get("tests") == "1"

    junit = run_dirs[1] / "junit.xml"
    junit.unlink()
    rebuilt = simspace(["report", str(run_dirs[1])], tmp_path)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert junit.exists()
    assert "not reproduced" in rebuilt.stdout

    reused = simspace(["compare", str(SMALL), *[f"--from={d}" for d in run_dirs]], tmp_path)
    assert reused.returncode == 0, reused.stderr
    assert len(list(tmp_path.glob("small_space/compare-*"))) >= 1
    assert len([d for d in tmp_path.glob("small_space/*") if not d.name.startswith("compare")]) == 2
