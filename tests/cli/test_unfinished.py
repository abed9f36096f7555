"""`simspace report` on a killed run's `.partial` directory: it says the run never finished,
shows what it left and the partial result, exits 3 and writes nothing; a run still in
progress is refused (exit 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simspace.cli.main import main
from tests.results.killed_runs import FAILURE_MESSAGE, killed_run


def _report(capsys: pytest.CaptureFixture[str], directory: Path) -> tuple[int, str, str]:
    code = main(["report", str(directory)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_report_on_a_killed_run_shows_what_it_left_and_exits_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = killed_run(tmp_path)
    before = sorted(p.name for p in directory.iterdir())
    code, out, err = _report(capsys, directory)
    assert code == 3, out + err
    assert "this run never finished" in out
    assert "no result.json" in out
    assert "observations/ (1 files)" in out
    assert FAILURE_MESSAGE in out  # the partial result's summary: what its listeners saw
    assert "killed before it finished" in " ".join(err.split())
    assert sorted(p.name for p in directory.iterdir()) == before


def test_report_on_a_run_in_progress_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = killed_run(tmp_path, pid=os.getpid(), updated_ago_s=0.0)
    code, out, err = _report(capsys, directory)
    assert code == 2, out + err
    assert "still in progress" in " ".join(err.split())
