"""The load configuration handed to every Locust process round-trips through its file."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.clock import EventClock
from simspace.plan import make_plan
from simspace.scenario import load_scenario
from simspace.wire.load_config import CONFIG_ENV, LoadConfig

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def test_load_config_round_trips_through_the_file_named_by_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loaded = load_scenario(str(SMALL))
    plan = make_plan(loaded.scenario, loaded.variant, duration_s=20.0)
    clock = EventClock(wall0=1_700_000_000.5, t_begin=plan.t_begin, speedup=plan.speedup)
    config = LoadConfig.build(loaded.scenario, plan, clock, tmp_path, workers=2)
    path = tmp_path / "load-config.json"
    path.write_text(config.model_dump_json(), encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(path))
    again = LoadConfig.from_env()
    assert again == config
    assert again.clock == clock
    assert again.attacks == []
