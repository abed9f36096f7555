"""`simspace sweep` through the CLI: bad paths and ranges exit 2 naming their place in the file
before anything plays; too many Locust points are refused; a tiny grid played on two workers
writes sweep.json and sweep.html with the region each variant holds in, known by construction."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simspace.cli.main import main

SMALL = Path(__file__).resolve().parents[1] / "data" / "small_space.yaml"
CAPACITY = "platform.tiers.api.capacity_rps"
ACTION_AT = "operator_actions[0].at"


def line_of(text: str) -> int:
    lines = SMALL.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


def test_bad_paths_and_ranges_exit_2_with_their_positions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sweep", str(SMALL), "--output", str(tmp_path), "--vary",
            "operator_actions[3].at=+1m..+2m", "--vary", f"{CAPACITY}=8k..2k", "--vary",
            "speakers[0].followers=0..1M:log"]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    actions = line_of("- {action: set_capacity")
    api = line_of("api: {capacity_rps: 4k")
    column = SMALL.read_text(encoding="utf-8").splitlines()[api - 1].index("4k") + 1
    assert f"small_space.yaml:{actions}:3: operator_actions[3].at: no 3 here (a list of 1)" in err
    # the same place in every variant: said once, without a variant
    assert f"small_space.yaml:{api}:{column}: {CAPACITY}: 8k..2k: low must be below high\n" in err
    # priority_host replaces the speakers: its problem is at its own overrides
    followers = "speakers[0].followers: 0..1M: a log axis needs low above 0"
    assert f"{followers} (variant priority_host)" in err
    assert f"{followers} (variant steady)" in err
    assert not list(tmp_path.iterdir())  # nothing played, nothing written


def test_an_unknown_variant_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sweep", str(SMALL), "--variants", "nope", "--vary", f"{CAPACITY}=2k..8k"]) == 2
    assert "no variant 'nope'" in capsys.readouterr().err


def test_more_than_a_handful_of_locust_points_is_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["sweep", str(SMALL), "--engine", "locust", "--variants", "base",
            "--vary", f"{CAPACITY}=2k..8k:4", "--vary", f"{ACTION_AT}=+4m..+8m:4"]  # fmt: skip
    assert main(args) == 2
    assert "--engine locust: 16 points" in capsys.readouterr().err


@pytest.mark.slow
def test_a_tiny_grid_writes_json_and_both_heatmaps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["sweep", str(SMALL), "--variants", "base,priority_host", "--workers", "2",
            "--scale", "1/400", "--output", str(tmp_path),
            "--vary", f"{CAPACITY}=2k..40k:2", "--vary", f"{ACTION_AT}=+4m..+8m:2"]  # fmt: skip
    assert main(args) == 0, capsys.readouterr().err
    (directory,) = (tmp_path / "small_space").iterdir()
    assert directory.name.startswith("sweep-")
    sweep = json.loads((directory / "sweep.json").read_text(encoding="utf-8"))
    assert sweep["spec"]["workers"] == 2
    base, priority = sweep["variants"]
    assert (base["name"], priority["name"]) == ("base", "priority_host")
    assert base["population_scale"] == pytest.approx(1 / 400)
    assert [a["path"] for a in base["axes"]] == [CAPACITY, ACTION_AT]
    # By construction: a 2k API collapses and the start waits for the scale-up action (>= 3m
    # late), a 40k API does not (the host is on time); with priority the host is never late.
    held = {(o["settings"][CAPACITY], o["settings"][ACTION_AT]) for o in base["outcomes"]
            if o["reproduced"] == o["scored"] == 1}  # fmt: skip
    assert held == {(2e3, 240.0), (2e3, 480.0)}
    assert (base["region"], base["region_share"]) == (2, 0.5)
    assert (priority["region"], priority["facts"][0]["share"]) == (0, 0.0)
    html = (directory / "sweep.html").read_text(encoding="utf-8")
    assert f'aria-label="fit across {CAPACITY} and {ACTION_AT}"' in html
    assert 'aria-label="delay across the grid"' in html
    out = capsys.readouterr().out
    assert "every scored fact     2/4" in out
    assert str(directory / "sweep.html") in out.replace("\n", "")
