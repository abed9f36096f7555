"""What a Locust backend hands each Locust process: the plan, the client policy, the speakers,
the event clock and where to write observations. One JSON file, named by an env variable."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from simspace.clock import EventClock
from simspace.plan import Plan
from simspace.scenario.audience import ClientPolicy, ListeningTime, Restream
from simspace.scenario.model import Scenario
from simspace.scenario.platform import Flood
from simspace.target import Target

CONFIG_ENV = "SIMSPACE_LOAD_CONFIG"
WORKER_ENV = "SIMSPACE_WORKER"
"""Set to 1 by `simspace worker`: the locustfile waits for its configuration from the master."""
WORKER_SKEW_ENV = "SIMSPACE_WORKER_CLOCK_SKEW_S"
"""A fault injected by tests: seconds added to a remote worker's clock readings."""


class MasterSettings(BaseModel):
    """How a distributed run's Locust master listens and what it waits for."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    bind_host: str = Field(description="address the master listens on for workers")
    port: int = Field(ge=1, le=65535, description="Locust's master port (workers connect here)")
    expect_workers: int = Field(ge=1, le=1000, description="workers that must connect")
    connect_timeout_s: float = Field(gt=0, description="how long the master waits for them")
    max_clock_offset_s: float | None = Field(
        description="a worker whose clock is further off than this ends the run; None: any"
    )
    stub_host: str = Field(
        "127.0.0.1", description="address the embedded stub listens on (workers load it there)"
    )
    stub_port: int = Field(0, ge=0, le=65535, description="its port; 0: a free one")


class LoadConfig(BaseModel):
    """Everything a load process needs; it never reads the scenario file itself."""

    model_config = ConfigDict(frozen=True)

    plan: Plan
    client: ClientPolicy
    listening_time: ListeningTime
    wall0: float
    t_begin: float
    speedup: float
    observations_dir: str
    workers: int = 1
    target: Target | None = None
    attacks: list[Flood] = []
    restreams: list[Restream] = []
    master: MasterSettings | None = None
    """Set on a distributed run's Locust master: workers on other hosts connect to it, get
    this configuration over Locust's message channel and send their observations back."""
    send_weights: bool = True
    """Send each request's weight (`X-Sim-Weight`): the stub charges it; a real target gets
    plain requests and the weight is only for simspace's own accounting."""

    @classmethod
    def build(
        cls,
        scenario: Scenario,
        plan: Plan,
        clock: EventClock,
        observations_dir: Path,
        workers: int,
        target: Target | None = None,
        attacks: list[Flood] | None = None,
        send_weights: bool = True,
        master: MasterSettings | None = None,
    ) -> LoadConfig:
        """`attacks`: floods the load side sends itself (against the stub they are modelled
        inside the platform instead)."""
        return cls(
            plan=plan,
            client=scenario.audience.client,
            listening_time=scenario.audience.listening_time,
            wall0=clock.wall0,
            t_begin=clock.t_begin,
            speedup=clock.speedup,
            observations_dir=str(observations_dir),
            workers=workers,
            target=target,
            attacks=list(attacks or []),
            restreams=list(scenario.audience.restreams),
            send_weights=send_weights,
            master=master,
        )

    @property
    def clock(self) -> EventClock:
        return EventClock(self.wall0, self.t_begin, self.speedup)

    @classmethod
    def from_env(cls) -> LoadConfig:
        path = os.environ.get(CONFIG_ENV)
        if not path:
            raise RuntimeError(f"{CONFIG_ENV} is not set: run this locustfile through simspace")
        return cls.model_validate_json(Path(path).read_text(encoding="utf-8"))
