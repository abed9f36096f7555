"""The scaling law: population scale changes granularity, not the modelled dynamics. The same
scenario at two population scales four times apart agrees on event-scale outcomes."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run.cli_runs import SMALL, simspace

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _metrics(tmp_path: Path, scale: str) -> dict[str, float]:
    # The `steady` variant spreads arrivals evenly along the curve (no Poisson count noise,
    # which at 1/400 alone is ~7%) so that what is compared is the modelled dynamics.
    args = ["run", str(SMALL), "--variant", "steady", "--speedup", "60", "--scale", scale]
    run = simspace(args, tmp_path / scale[2:])
    assert run.returncode == 0, run.stderr
    metrics = run.result()["metrics"]
    assert isinstance(metrics, dict)
    return metrics


def test_peak_listeners_and_start_delay_agree_across_population_scales(tmp_path: Path) -> None:
    fine, coarse = _metrics(tmp_path, "1/100"), _metrics(tmp_path, "1/400")
    assert fine["start_delay_s"] > 120  # the overload delayed the start: dynamics to compare
    assert fine["start_delay_s"] == pytest.approx(coarse["start_delay_s"], rel=0.15)
    assert fine["peak_listeners"] == pytest.approx(coarse["peak_listeners"], rel=0.15)
    assert fine["unique_listeners"] == pytest.approx(coarse["unique_listeners"], rel=0.15)
