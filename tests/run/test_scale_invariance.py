"""The scaling law in the Locust engine: population scale changes granularity, and speedup the
wall time, not the modelled dynamics. The same scenario at two population scales four times
apart, and at twice the speedup, agrees on event-scale outcomes within 10%."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.run.cli_runs import SMALL, simspace

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def _metrics(tmp_path: Path, scale: str, speedup: str = "60") -> dict[str, float]:
    # The `steady` variant spreads arrivals evenly along the curve, so that what is compared
    # is the modelled dynamics.
    args = ["run", str(SMALL), "--variant", "steady", "--speedup", speedup, "--scale", scale]
    run = simspace(args, tmp_path / f"{scale[2:]}-{speedup}")
    assert run.returncode == 0, run.stderr
    metrics = run.result()["metrics"]
    assert isinstance(metrics, dict)
    return metrics


def _agree(a: dict[str, float], b: dict[str, float]) -> None:
    for name in ("start_delay_s", "peak_listeners", "unique_listeners"):
        assert a[name] == pytest.approx(b[name], rel=0.10), name


def test_outcomes_agree_across_population_scales_and_speedups(tmp_path: Path) -> None:
    fine, coarse = _metrics(tmp_path, "1/100"), _metrics(tmp_path, "1/400")
    assert fine["start_delay_s"] > 120  # the overload delayed the start: dynamics to compare
    _agree(fine, coarse)
    _agree(coarse, _metrics(tmp_path, "1/400", speedup="120"))
