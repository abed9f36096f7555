"""Small scenarios for load-side tests."""

from __future__ import annotations

from pathlib import Path

from simspace.scenario.loader import load_scenario
from simspace.scenario.model import Scenario

SMALL = Path(__file__).resolve().parent.parent / "data" / "small_space.yaml"


def small_scenario(variant: str | None = None) -> Scenario:
    return load_scenario(SMALL, variant).scenario
