"""The scenario format: the model, its loader with file:line:col errors, and variants."""

from __future__ import annotations

from simspace.scenario.loader import LoadedScenario, load_scenario
from simspace.scenario.model import Scenario

__all__ = ["LoadedScenario", "Scenario", "load_scenario"]
