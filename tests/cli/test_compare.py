"""`simspace compare --from`: finished run directories (written here, no run started) ranked
side by side, two runs of one variant told apart, and a run of another scenario refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simspace.cli.main import main
from simspace.fileio import write_json
from simspace.results.model import RunResult
from simspace.scenario import load_scenario
from simspace.scenario.model import Scenario
from tests.report import builders as b

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def write_run(root: Path, name: str, scenario: Scenario, result: RunResult) -> Path:
    """A finished run directory as `simspace run` leaves it, as far as compare reads it."""
    directory = root / scenario.event.name / name
    directory.mkdir(parents=True)
    write_json(directory / "scenario.json", scenario.model_dump(mode="json"))
    write_json(directory / "result.json", result)
    return directory


def small_run(root: Path, name: str, start_delay_s: float, **fields: object) -> Path:
    """A run of small_space.yaml (its one fact: started at least 3m late)."""
    result = b.result(
        scenario_name="small_space",
        start_delay_s=start_delay_s,
        spaces=[b.space(1, running_at=start_delay_s)],
    )
    scenario = load_scenario(str(SMALL)).scenario
    return write_run(root, name, scenario, result.model_copy(update=fields))


def test_two_runs_of_one_variant_keep_their_own_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = small_run(tmp_path / "runs", "20261130T074332Z-base", 60.0)
    candidate = small_run(
        tmp_path / "runs",
        "20261201T090000Z-base",
        600.0,
        started_at="2026-12-01T08:59:59Z",
        labels={"build": "candidate"},
    )
    out = tmp_path / "out"
    args = ["compare", str(SMALL), "--from", str(baseline), "--from", str(candidate)]
    assert main([*args, "--output", str(out)]) == 0, capsys.readouterr().err
    (compare_dir,) = (out / "small_space").iterdir()
    ranking = json.loads((compare_dir / "ranking.json").read_text(encoding="utf-8"))
    assert ranking["version"] == 3
    runs = [(r["run_id"], r["variant"], r["started_at"], r["labels"]) for r in ranking["runs"]]
    assert runs == [
        ("20261201T090000Z-base", "base", "2026-12-01T08:59:59Z", {"build": "candidate"}),
        ("20261130T074332Z-base", "base", "2026-11-30T07:43:32Z", {}),
    ]
    (delay,) = ranking["facts"]
    assert delay["verdicts"] == {
        "20261201T090000Z-base": "reproduced",
        "20261130T074332Z-base": "not_reproduced",
    }
    assert delay["observed"] == {"20261201T090000Z-base": "10m", "20261130T074332Z-base": "1m"}
    html = (compare_dir / "ranking.html").read_text(encoding="utf-8")
    assert "2026-12-01 08:59:59 UTC" in html
    assert "2026-11-30 07:43:32 UTC" in html


def test_a_run_of_another_scenario_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = small_run(tmp_path / "runs", "20261130T074332Z-base", 600.0)
    other = b.scenario(b.fact(id="late", metric="start_delay", reported={"min": "3m"}))
    theirs = write_run(tmp_path / "runs", "20261130T080000Z-base", other, b.result())
    out = tmp_path / "out"
    args = ["compare", str(SMALL), "--from", str(mine), "--from", str(theirs)]
    assert main([*args, "--output", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"--from {theirs}: a run of scenario 'report_test', not 'small_space'" in err
    assert not out.exists()  # nothing run, no ranking written


def test_a_run_of_another_scenario_of_the_same_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """tests/data/capped_room.yaml and scenarios/examples/capped_room.yaml are both
    `capped_room`: the event name alone cannot tell their runs apart."""
    test_room = Path(__file__).parents[1] / "data" / "capped_room.yaml"
    example_room = Path(__file__).parents[2] / "scenarios" / "examples" / "capped_room.yaml"
    scenario = load_scenario(str(test_room)).scenario
    theirs = write_run(tmp_path / "runs", "20261130T080000Z-base", scenario,
                       b.result(scenario_name="capped_room"))  # fmt: skip
    out = tmp_path / "out"
    args = ["compare", str(example_room), "--from", str(theirs), "--output", str(out)]
    assert main(args) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"--from {theirs}: a run of another scenario named 'capped_room' than " in err
    assert "its audience, event, " in err
    assert not out.exists()


def test_a_run_of_a_variant_the_file_does_not_have_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = small_run(tmp_path / "runs", "20261130T074332Z-gone", 600.0, variant="gone")
    out = tmp_path / "out"
    assert main(["compare", str(SMALL), "--from", str(run), "--output", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "(its variant 'gone' is not in the file)" in err
    assert not out.exists()


def test_a_bad_label_stops_compare_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["compare", str(SMALL), "--label", "no value", "--output", str(out)]) == 2
    assert "--label 'no value': expected key=value" in capsys.readouterr().err
    assert not out.exists()
