"""Fixtures for the pure platform model: a fake clock and a model over the small base scenario."""

from __future__ import annotations

import pytest

from simspace.clock import FakeClock
from simspace.platform import PlatformApi, PlatformModel
from tests.platform.scenarios import make_scenario


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(t=-600.0)


@pytest.fixture
def api(clock: FakeClock) -> PlatformApi:
    return PlatformApi(PlatformModel(make_scenario(), clock))
