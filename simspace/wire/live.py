"""The live file of a run in progress (`live.json` in its run directory): rewritten atomically
once a wall second by the run (`run/live.py`), streamed by the web viewer, and left behind with
the run's end state."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LIVE_FILE = "live.json"
LiveState = Literal["running", "completed", "failed", "interrupted", "aborted"]

_LIVE = ConfigDict(frozen=True, extra="forbid")


class LiveTier(BaseModel):
    """A platform tier at one sample: load against capacity, and failures so far."""

    model_config = _LIVE
    utilisation: float = Field(description="load reaching the tier / capacity (1 = full)")
    offered_rps: float | None = Field(
        description="load offered to the tier since the previous sample (listeners and "
        "attacks), event requests per event second; null on the first sample"
    )
    capacity_rps: float | None = Field(
        description="what the tier serves, event requests per event second; null if unknown"
    )
    backlog: float = Field(description="event requests queued now")
    rejected: float = Field(description="event requests turned away so far, all reasons")
    timeouts: float = Field(description="event requests timed out so far")


class LiveSample(BaseModel):
    """One write's numbers: where the event clock was, the listeners, the load, the tiers."""

    model_config = _LIVE
    t: float = Field(description="event seconds from the scheduled start")
    waiting: float = Field(description="listeners waiting for the Space now (event scale)")
    listening: float = Field(description="listeners hearing audio now (event scale)")
    gave_up: float = Field(description="listeners who gave up so far (event scale)")
    booted: float = Field(description="listeners the platform booted so far (event scale)")
    requests_per_s: float = Field(description="real requests per wall second the load sent")
    tiers: dict[str, LiveTier] = Field(
        default_factory=dict,
        description="tier name -> state; empty when the engine gives no live platform state",
    )


class LiveSpace(BaseModel):
    """A Space incarnation now."""

    model_config = _LIVE
    host: str = Field(description="its host's account")
    state: str = Field(description="NotStarted, Running, Ended...")


class LiveStatus(BaseModel):
    """The whole live file."""

    model_config = _LIVE
    version: Literal[1] = Field(1, description="live file format version")
    scenario: str = Field(description="the scenario's event name (its run directory parent)")
    title: str = Field(description="the event's human title")
    variant: str | None = Field(description="the scenario variant, if any")
    engine: str = Field(description="stub, virtual or target")
    started_at: str = Field(description='when the run started, ISO 8601 UTC "...T07:43:32Z"')
    updated_at: float = Field(
        description="wall epoch seconds of this write: a running file that stops being "
        "rewritten belongs to a run that died"
    )
    pid: int = Field(description="the simspace process running it")
    state: LiveState = Field(description="running, or how the run ended")
    message: str | None = Field(description="why it failed or stopped early, when it did")
    t_begin: float = Field(description="the event window's start, event seconds")
    t_end: float = Field(description="the event window's end, event seconds")
    t: float = Field(description="where the event clock is, event seconds")
    progress: float = Field(description="share of the event window done, 0..1")
    event_clock: str = Field(description='the event\'s own clock: "20:14:30 EDT (+14m30s)"')
    generator_cpu_percent: float = Field(
        description="the load generator's CPU, percent of one core over its processes"
    )
    spaces: list[LiveSpace] = Field(
        default_factory=list, description="each Space incarnation now (empty: unknown)"
    )
    samples: list[LiveSample] = Field(
        default_factory=list,
        description="one per write, oldest first; older ones thinned to keep the file small",
    )
