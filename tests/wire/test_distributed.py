"""What crosses between a Locust master and its workers round-trips as JSON (Locust's message
channel carries plain data): the worker's configuration, observation batches, clock probes."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from simspace.clock import EventClock
from simspace.plan import make_plan
from simspace.scenario import load_scenario
from simspace.wire.distributed import (
    MAX_BATCH_LINES,
    ClockProbe,
    ObservationBatch,
    WorkerConfig,
    WorkersFile,
)
from simspace.wire.load_config import LoadConfig, MasterSettings

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def test_a_workers_configuration_round_trips_as_plain_data(tmp_path: Path) -> None:
    loaded = load_scenario(str(SMALL))
    plan = make_plan(loaded.scenario, loaded.variant, duration_s=20.0)
    clock = EventClock(wall0=1_700_000_000.5, t_begin=plan.t_begin, speedup=plan.speedup)
    master = MasterSettings(bind_host="127.0.0.1", port=5557, expect_workers=2,
                            connect_timeout_s=60.0, max_clock_offset_s=0.05)  # fmt: skip
    load = LoadConfig.build(loaded.scenario, plan, clock, tmp_path, workers=2)
    config = WorkerConfig(load=load.model_copy(update={"master": master}), host="http://x")
    again = WorkerConfig.model_validate(config.model_dump(mode="json"))
    assert again == config
    assert again.load.clock == clock
    assert again.load.master == master


def test_batches_and_probes_round_trip_and_batches_are_bounded() -> None:
    batch = ObservationBatch(lines=['{"k":"state"}\n'], final=True)
    assert ObservationBatch.model_validate(batch.model_dump()) == batch
    probe = ClockProbe(worker_sent_s=1.5, master_s=2.5)
    assert ClockProbe.model_validate(probe.model_dump()) == probe
    with pytest.raises(ValidationError):
        ObservationBatch(lines=["x"] * (MAX_BATCH_LINES + 1))


def test_the_workers_file_keeps_each_workers_offset() -> None:
    data = {
        "expected": 2,
        "max_clock_offset_s": None,
        "workers": [{"index": 0, "client_id": "h_1", "connected_at": -30.0,
                     "clock_offset_s": 0.002, "round_trip_s": 0.001, "observation_lines": 9}],
    }  # fmt: skip
    workers = WorkersFile.model_validate(data)
    assert workers.workers[0].clock_offset_s == 0.002
    assert WorkersFile.model_validate_json(workers.model_dump_json()) == workers
