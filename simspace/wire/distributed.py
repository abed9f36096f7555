"""What crosses between a Locust master and its workers on other hosts, over Locust's own
message channel (`runner.send_message` / `register_message`), and what the master leaves in the
run directory about them: the load configuration, observation batches, clock probes, the
workers' clock offsets and why a distributed run failed. Typed once; both sides import it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from simspace.wire.load_config import LoadConfig

HELLO_MESSAGE = "simspace_hello"
"""worker -> master, once its handlers are registered: asks for the configuration."""
CONFIG_MESSAGE = "simspace_config"
"""master -> worker, in answer to its hello: a `WorkerConfig`."""
OBSERVATIONS_MESSAGE = "simspace_observations"
"""worker -> master, about once a second: an `ObservationBatch`."""
FLUSH_MESSAGE = "simspace_flush"
"""master -> workers, when the master quits: send what you have (a final batch)."""
CLOCK_PING = "simspace_clock_ping"
"""worker -> master: a `ClockProbe` with the worker's send time; answered with CLOCK_PONG."""
CLOCK_PONG = "simspace_clock_pong"
CLOCK_REPORT = "simspace_clock_report"
"""worker -> master: the offset it measured and corrects for (a `ClockReport`)."""

MAX_BATCH_LINES = 2_000
"""Lines per observation message at most: a second of a busy worker is split into several."""
MAX_BATCH_BYTES = 4_000_000
"""A batch larger than this is refused by the master (and counted as a worker failure)."""
CLOCK_PROBES = 5
"""Round trips a worker makes at connect; the one with the shortest round trip is kept."""
WORKERS_FILE = "workers.json"
FAILURE_FILE = "distributed-failure.json"

_WIRE = ConfigDict(frozen=True, extra="forbid")


class WorkerConfig(BaseModel):
    """What a worker needs to play its share of the listeners: sent on connect."""

    model_config = _WIRE
    load: LoadConfig
    host: str = Field(description="the URL the listeners load (the stub beside the master)")


class ObservationBatch(BaseModel):
    """Observation lines (`simspace.wire.observations`, encoded) from one worker."""

    model_config = _WIRE
    lines: list[str] = Field(max_length=MAX_BATCH_LINES)
    final: bool = Field(False, description="the worker's last batch (sent when asked to flush)")


class ClockProbe(BaseModel):
    """One clock round trip: the worker's send time, and the master's time when it answered."""

    model_config = _WIRE
    worker_sent_s: float
    master_s: float | None = None


class ClockReport(BaseModel):
    """The offset a worker measured (master clock minus its own) and corrects for."""

    model_config = _WIRE
    offset_s: float
    round_trip_s: float


class WorkerRecord(BaseModel):
    """One worker as the master saw it."""

    model_config = _WIRE
    index: int = Field(description="Locust's worker index (slots index, index + N, ...)")
    client_id: str = Field(description="Locust's id of the worker: host name and a random part")
    connected_at: float = Field(description="event time it connected")
    clock_offset_s: float | None = Field(None, description="master minus worker; None: unmeasured")
    round_trip_s: float | None = None
    observation_lines: int = Field(0, description="lines received from it")


class WorkersFile(BaseModel):
    """`workers.json` in a distributed run's directory."""

    model_config = _WIRE
    expected: int
    max_clock_offset_s: float | None
    workers: list[WorkerRecord]


class DistributedFailure(BaseModel):
    """`distributed-failure.json`: why the master ended a distributed run early."""

    model_config = _WIRE
    message: str = Field(description="what went wrong, naming the worker")
    worker: str | None = Field(None, description="the worker's client id, if one is to blame")
    at: float = Field(description="event time it was noticed")
