"""A hypothesis weighed over its fitted ranges: the share of Latin-hypercube points that
reproduce every scored fact."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.explore.evidence import measure_evidence
from simspace.explore.sweep import fitted_axes
from simspace.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent.parent
ROBUST = str(Path(__file__).resolve().parent.parent / "data" / "robust_space.yaml")
SMALL = str(Path(__file__).resolve().parent.parent / "data" / "small_space.yaml")


def test_wide_count_ranges_are_spread_in_log_space() -> None:
    trump = load_scenario(ROOT / "scenarios" / "trump_space.yaml").scenario
    spread = {axis.path: axis.log for axis in fitted_axes(trump)}
    assert spread["platform.tiers.api.capacity_rps"]  # 5k..20k: by factors
    assert not spread["operator_actions[2].capacity_rps"]  # 150k..300k: by steps
    assert not spread["operator_actions[2].at"]  # a time


@pytest.mark.slow
def test_shares_of_the_fitted_space_that_reproduce_the_facts(tmp_path: Path) -> None:
    # a CDN range down to 1 req/s: its lowest strata cannot carry the audio, its highest can
    wide = tmp_path / "wide.yaml"
    wide.write_text(
        Path(ROBUST).read_text().replace("capacity_rps: [1k, 400k]", "capacity_rps: [1, 400k]")
    )
    evidence = measure_evidence(str(wide), {None: 1 / 200}, seed=5, count=6, workers=2)
    (found,) = evidence.values()
    assert found.points == 6
    assert found.parameters == ["platform.tiers.cdn.capacity_rps", "operator_actions[0].at"]
    assert 0 < found.reproducing < 6  # part of the range breaks a fact, part holds
    assert measure_evidence(SMALL, {None: 1 / 200}, seed=5, count=6) == {}  # nothing fitted
