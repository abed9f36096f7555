"""`result.json`: the one versioned contract everything downstream of a run reads (reporter,
gates, viewer). Every series is on the event clock and at event scale; conversion from the
simulated population happened once, when the result was built."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from simspace.plan import Plan
from simspace.results.robustness import Robustness
from simspace.target import Target
from simspace.wire.ground_truth import FailureTotal, LedgerEvent

RESULT_VERSION: Literal[1] = 1
MAX_TTFA_SAMPLES = 20_000
RunStatus = Literal["completed", "interrupted", "failed", "aborted", "running"]
"""aborted: stopped early because a gate failed beyond recovery; running: a partial result
built during the run (for early stop), never written as result.json."""


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Percentiles(Frozen):
    count: int = Field(description="samples (simulated listeners)")
    p50: float | None = None
    p95: float | None = None
    p99: float | None = None
    max: float | None = None


class SpaceRecord(Frozen):
    """One Space incarnation as the server saw it (1 = the first, 2 = a relaunch...)."""

    ordinal: int
    space_id: str
    host: str
    created_at: float | None = Field(description="event time")
    running_at: float | None = Field(description="event time it went live, if it did")
    ended_at: float | None = Field(description="event time it ended or crashed, if it did")
    end_state: str | None = Field(description="Ended, TimedOut... or null while running")
    peak_listeners: float = Field(description="event-scale concurrent listeners at its peak")
    peak_listeners_at: float | None = None
    listeners: list[float] = Field(
        default_factory=list,
        description="server: its concurrent listeners on the `listeners.t` grid (peak per step); "
        "empty in results written before it was recorded",
    )
    room: str = Field("main", description="main, or the overflow room's id")
    refused_listeners: float = Field(
        0.0, description="event-scale join attempts its listener cap refused"
    )


class CapStep(Frozen):
    """A room's listener cap from `t` on (the one in force at the start has the window's
    start time); `listeners` None: no cap."""

    t: float = Field(description="event time")
    room: str = Field(description="main, or an overflow room's id")
    listeners: float | None = Field(description="concurrent listeners allowed; null: no cap")


class ListenerSeries(Frozen):
    """Listeners by state over event time, at event scale."""

    t: list[float]
    waiting: list[float] = Field(description="load side: arrived, not hearing audio yet")
    listening: list[float] = Field(description="load side: hearing audio")
    concurrent: list[float] = Field(description="server: registered listeners (all Spaces)")
    gave_up: list[float] = Field(description="cumulative")
    booted: list[float] = Field(description="cumulative")


class TierSeries(Frozen):
    """A tier over event time: event requests per event-second."""

    t: list[float]
    offered_rps: list[float]
    capacity_rps: list[float]
    utilisation: list[float]
    backlog: list[float]
    rejected_rps: dict[str, list[float]] = Field(description="by reason")
    timed_out_rps: list[float]
    attack_rps: list[float]
    offered_peak_rps: list[float] = Field(
        default_factory=list,
        description="the highest rate of one server bucket (`peak_bucket_s`) within each step, "
        "beside the step's mean `offered_rps`: a spike shorter than a step; empty in older "
        "results",
    )
    peak_bucket_s: float | None = Field(
        None, description="event seconds of the server buckets `offered_peak_rps` reads"
    )


class ErrorCount(Frozen):
    t: float = Field(description="event time bucket start")
    tier: str
    message: str
    weight: float = Field(description="event-scale failed requests")


class RequestCount(Frozen):
    """Load side: request outcomes in one event-time bucket on one tier, by weight."""

    t: float = Field(description="event time bucket start")
    tier: str
    ok: float = Field(description="event-scale requests that succeeded")
    failed: float = Field(description="event-scale requests that failed")


class EndpointStats(Frozen):
    """Load side: one endpoint's requests over the whole run, at event scale."""

    name: str = Field(description="the endpoint: the request's name (`api: stream status`...)")
    tier: str = Field(description="api | cdn | attack")
    requests: float = Field(description="event-scale requests (ok + failed)")
    failed: float = Field(description="event-scale failed requests")
    error_ratio: float | None = Field(description="failed / requests; null if no request")
    latency_s: Percentiles = Field(
        description="event seconds from send to answer (a client timeout: the time waited; "
        "none for a connection error), weighted to event scale, within 5%; count: simulated "
        "requests"
    )


class LatencySeries(Frozen):
    """Load side: request latency of one tier over event time (event seconds), on the
    `listeners.t` grid; None where the step had no answered request."""

    t: list[float]
    p50_s: list[float | None]
    p95_s: list[float | None]
    p99_s: list[float | None]


class TtfaSamples(Frozen):
    """Load side: time to first audio of simulated listeners, with when the audio came, for
    gates within a window. Bounded: beyond `MAX_TTFA_SAMPLES`, evenly thinned over time."""

    t: list[float] = Field(description="event time the first audio arrived")
    ttfa_s: list[float] = Field(description="time to first audio, event seconds")
    total: int = Field(description="samples before thinning (== len(t) when none was dropped)")


class TtfaSeries(Frozen):
    """Load side: time to first audio over event time, per bucket of `bucket_s`: percentiles of
    the simulated listeners whose first audio came in it (all of them, never thinned)."""

    t: list[float] = Field(description="event time each bucket starts")
    bucket_s: float = Field(description="event seconds each bucket spans")
    count: list[int] = Field(description="simulated listeners whose first audio came in it")
    p50_s: list[float | None] = Field(description="event seconds; null: nobody in that bucket")
    p95_s: list[float | None] = Field(description="event seconds; null: nobody in that bucket")


class Cohort(Frozen):
    """Load side: the listeners who arrived in one grid step, and what became of them."""

    t: float = Field(description="event time of the grid step they arrived in")
    arrived: float = Field(description="event-scale listeners")
    heard: float = Field(description="of them, listeners who heard audio")
    gave_up: float = Field(description="their give-ups (after patience ran out)")
    stalls: float = Field(description="their stalls")


class Metrics(Frozen):
    """The key observed metrics, which facts and gates are scored on."""

    start_delay_s: float | None = Field(description="first Space live minus scheduled start")
    peak_listeners: float = Field(description="server: concurrent listeners, all Spaces")
    peak_listeners_at: float | None
    unique_listeners: float = Field(description="load side: listeners who heard audio")
    arrived: float
    gave_up: float
    booted: float
    ttfa_s: Percentiles = Field(description="join start to first audio, event seconds")
    wait_s: Percentiles = Field(description="arrival to first audio, event seconds")
    join_success_ratio: float | None = Field(description="heard audio / arrived")
    gave_up_ratio: float | None
    stall_ratio: float | None = Field(description="stalls per listener who heard audio")
    error_ratio: float | None = Field(description="failed / all requests, load side")
    error_ratio_by_tier: dict[str, float]
    errors_seen: dict[str, float] = Field(description="message -> event-scale failures")
    restreamed: float = Field(
        0.0, description="load side: listeners who left for a restream (event scale)"
    )


class SegmentStats(Frozen):
    """Load side, real targets: media segment downloads (simulated listeners, not weighted)."""

    downloads: int = Field(description="segments downloaded")
    failed: int = Field(description="segment requests that failed")
    slow: int = Field(description="downloads that took longer than the segment plays")
    slow_ratio: float | None = Field(description="slow / downloads")
    download_s: dict[str, float | None] = Field(description="p50, p95, p99, max, mean seconds")
    ratio: dict[str, float | None] = Field(
        description="download time / segment duration: p50, p95, p99, max (1 = just in time)"
    )


class Generator(Frozen):
    cpu_percent_max: float
    cpu_percent_mean: float
    overloaded: bool = Field(description="above 75%: the load side may have been the limit")


class Observer(Frozen):
    """What observed the run: the engine, and whether the platform's own ground truth (the
    stub's timeline and ledger) was recorded beside the listeners' view."""

    engine: str = Field(
        "stub",
        description="stub: the embedded stub + Locust; virtual: the platform model in virtual "
        "time, in process; target: a real service + Locust",
    )
    platform_observed: bool = Field(
        True, description="the platform's timeline and ledger were recorded"
    )
    unobserved_reason: str | None = Field(
        None, description="why platform-side facts and gates cannot be judged, when they cannot"
    )
    served_by: str = Field(
        "the modelled platform", description="who served the listeners, in words for verdicts"
    )
    timing_resolution_s: float | None = Field(
        None,
        description="event seconds a timing can move from one run of the same plan to the next: "
        "one wall second times the speedup on the wall clock, 0 in virtual time (the same plan "
        "gives the same result); null: unknown (older results)",
    )


STUB_OBSERVER = Observer()
VIRTUAL_OBSERVER = Observer(engine="virtual", timing_resolution_s=0.0)
TARGET_OBSERVER = Observer(
    engine="target",
    platform_observed=False,
    unobserved_reason="not applicable to a real target: simspace sees only what its listeners saw",
    served_by="the target (our listeners)",
)


class CrossCheck(Frozen):
    """The run's outcomes against another engine's on the same plan."""

    engine: str = Field(description="the reference engine (virtual: no load generator)")
    agreed: bool
    differences: list[str] = Field(
        default_factory=list, description="each outcome that left the reference's tolerance"
    )


class RunResult(Frozen):
    version: Literal[1] = RESULT_VERSION
    scenario: str
    title: str
    variant: str | None
    status: RunStatus
    failure: str | None
    wall_s: float
    plan: Plan
    spaces: list[SpaceRecord]
    listeners: ListenerSeries
    tiers: dict[str, TierSeries]
    errors: list[ErrorCount]
    requests: list[RequestCount] = Field(
        default_factory=list, description="load side: request outcomes per bucket and tier"
    )
    endpoints: list[EndpointStats] = Field(
        default_factory=list,
        description="load side: requests, failures and latency per endpoint over the whole "
        "run; empty in older results",
    )
    latency: dict[str, LatencySeries] = Field(
        default_factory=dict,
        description="by tier (api, cdn, attack): load side request latency percentiles over "
        "event time; empty in older results",
    )
    metrics: Metrics
    ttfa: TtfaSamples | None = Field(
        None, description="load side: time to first audio samples; null in older results"
    )
    ttfa_series: TtfaSeries | None = Field(
        None,
        description="load side: time to first audio percentiles over event time; null in older "
        "results",
    )
    cohorts: list[Cohort] = Field(
        default_factory=list,
        description="load side: listeners by arrival grid step; empty in older results",
    )
    generator: Generator
    ledger: list[FailureTotal | LedgerEvent] = Field(
        description="the server's ledger: failure totals, then discrete events"
    )
    warnings: list[str]
    target: Target | None = Field(
        None, description="the real service loaded (--target); null: the embedded stub"
    )
    segments: SegmentStats | None = Field(
        None, description="real targets: segment download times; null against the stub"
    )
    stopped_early: str | None = Field(
        None, description="why the run stopped before its end (a gate failed beyond recovery)"
    )
    observed_until: float | None = Field(
        None,
        description="event time the server's timeline reached (end of its last bucket); short "
        "of plan.t_end when the run was interrupted or failed; null if unknown",
    )
    observer: Observer = Field(
        STUB_OBSERVER, description="what observed the run; older results: derived from `target`"
    )
    cross_check: CrossCheck | None = Field(
        None,
        description="a Locust run on the stub, checked against the virtual engine on the same "
        "plan; null when not checked",
    )
    started_at: str | None = Field(
        None,
        description="when the run started, ISO 8601 UTC (2026-11-30T07:43:32Z); null in older "
        "results",
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="the run's labels (--label key=value); empty: none"
    )
    revision: str | None = Field(
        None,
        description="git revision of the working directory simspace ran in: short commit hash, "
        "`-dirty` when tracked files had uncommitted changes; null: not a git checkout",
    )
    caps: list[CapStep] = Field(
        default_factory=list,
        description="listener caps of each room over time, in time order; empty: no room was "
        "ever capped (or older results)",
    )
    robustness: Robustness | None = Field(
        None,
        description="how each reproduced fact holds when the fitted parameters move; null: "
        "not checked (a Locust run without --robustness, or older results)",
    )

    @model_validator(mode="before")
    @classmethod
    def _observer_of_older_results(cls, data: object) -> object:
        """Results written before `observer` existed: a `target` means a real target."""
        if isinstance(data, dict) and "observer" not in data and data.get("target") is not None:
            return {**data, "observer": TARGET_OBSERVER}
        return data
