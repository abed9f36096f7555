"""Builds the RunResult from what a run left behind: the platform's ground truth (timeline and
ledger, when the engine records one) and the load side's observations. Scale conversion happens
here, once: observation weights and server units are already event-scale, and series are
resampled to one grid."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from simspace.plan import Plan
from simspace.results.model import (
    MAX_TTFA_SAMPLES,
    CapStep,
    Cohort,
    ErrorCount,
    Generator,
    ListenerSeries,
    Metrics,
    Observer,
    Percentiles,
    RequestCount,
    RunResult,
    RunStatus,
    SpaceRecord,
    TierSeries,
    TtfaSamples,
)
from simspace.results.observations import Observations
from simspace.results.stats import nearest_rank
from simspace.results.ttfa import ttfa_series
from simspace.scenario.model import Scenario
from simspace.target import Target
from simspace.wire.ground_truth import GroundTruth, LedgerDump, TierColumns, TimelineDump
from simspace.wire.observations import ATTACK_TIER

MAX_POINTS = 600
CPU_WARNING_PERCENT = 75.0


@dataclass(frozen=True)
class RunRecord:
    """Everything a run left behind, as the engine hands it over."""

    scenario: Scenario
    variant: str | None
    plan: Plan
    observations: Observations
    ground_truth: GroundTruth | None
    observer: Observer
    status: RunStatus
    failure: str | None
    wall_s: float
    generator_cpu: list[float]
    target: Target | None = None
    stopped_early: str | None = None
    observed_until: float | None = None
    """Event time the engine says the run reached; None: the end of the platform's timeline."""
    started_at: str | None = None
    """When the run started, ISO 8601 UTC."""
    labels: dict[str, str] = field(default_factory=dict)
    revision: str | None = None
    """The git revision simspace ran from (`simspace.run.revision`)."""


def _percentiles(values: list[float]) -> Percentiles:
    if not values:
        return Percentiles(count=0)
    ordered = sorted(values)
    return Percentiles(
        count=len(ordered),
        p50=nearest_rank(ordered, 0.5),
        p95=nearest_rank(ordered, 0.95),
        p99=nearest_rank(ordered, 0.99),
        max=ordered[-1],
    )


def _ttfa_samples(samples: list[tuple[float, float]]) -> TtfaSamples:
    """Every (t, ttfa) sample in time order, or `MAX_TTFA_SAMPLES` of them evenly spread."""
    ordered = sorted(samples)
    kept = ordered
    if len(ordered) > MAX_TTFA_SAMPLES:
        kept = [ordered[i * len(ordered) // MAX_TTFA_SAMPLES] for i in range(MAX_TTFA_SAMPLES)]
    return TtfaSamples(t=[t for t, _ in kept], ttfa_s=[v for _, v in kept], total=len(ordered))


class _Resampler:
    """Maps the server's buckets onto the result's grid (`step_s` event seconds per point)."""

    def __init__(self, timeline: TimelineDump, grid: list[float], step_s: float) -> None:
        self.t = timeline.t
        self.bucket_s = timeline.bucket_s or 1.0
        self.grid, self.step_s = grid, step_s
        self.slots = [min(len(grid) - 1, max(0, int((t - grid[0]) // step_s))) for t in self.t]

    def rate(self, column: list[float]) -> list[float]:
        """Summed weights per bucket -> mean event requests/s over each grid step."""
        out = [0.0] * len(self.grid)
        for slot, value in zip(self.slots, column, strict=False):
            out[slot] += value
        return [v / self.step_s for v in out]

    def peak_rate(self, column: list[float]) -> list[float]:
        """Summed weights per bucket -> the highest bucket's event requests/s in each step."""
        return [v / self.bucket_s for v in self.peak(column)]

    def peak(self, column: list[float]) -> list[float]:
        out = [0.0] * len(self.grid)
        for slot, value in zip(self.slots, column, strict=False):
            out[slot] = max(out[slot], value)
        return out

    def last(self, column: list[float]) -> list[float]:
        out = [0.0] * len(self.grid)
        for slot, value in zip(self.slots, column, strict=False):
            if value:
                out[slot] = value
        return out


def _tier_series(resample: _Resampler, raw: TierColumns) -> TierSeries:
    return TierSeries(
        t=resample.grid,
        offered_rps=resample.rate(raw.offered),
        capacity_rps=resample.last(raw.capacity),
        utilisation=resample.peak(raw.utilisation),
        backlog=resample.peak(raw.backlog),
        rejected_rps={
            reason: resample.rate(values) for reason, values in raw.rejected.items() if any(values)
        },
        timed_out_rps=resample.rate(raw.timeouts),
        attack_rps=resample.rate(raw.attack_offered),
        offered_peak_rps=resample.peak_rate(raw.offered),
        peak_bucket_s=resample.bucket_s,
    )


def _spaces(ledger: LedgerDump, timeline: TimelineDump, resample: _Resampler) -> list[SpaceRecord]:
    by_index = {s.index: s.listeners for s in timeline.spaces}
    records: list[SpaceRecord] = []
    for raw in ledger.spaces:
        listeners = by_index.get(raw.index, [])
        peak = max(listeners, default=0.0)
        records.append(
            SpaceRecord(
                ordinal=raw.index,
                space_id=raw.space_id,
                host=raw.host,
                created_at=raw.created_at,
                running_at=raw.running_at,
                ended_at=raw.ended_at,
                end_state=raw.state if raw.ended_at is not None else None,
                peak_listeners=raw.peak_listeners,
                peak_listeners_at=timeline.t[listeners.index(peak)] if peak > 0 else None,
                listeners=resample.peak(listeners),
                room=raw.room,
                refused_listeners=raw.refused_listeners,
            )
        )
    return records


def _caps(ledger: LedgerDump) -> list[CapStep]:
    """Each room's listener cap from the ledger's `listener_cap` events, in time order."""
    steps = []
    for event in ledger.events:
        details = event.details
        listeners = details.get("listeners")
        if event.kind == "listener_cap" and isinstance(listeners, int | float):
            steps.append(CapStep(t=event.t, room=str(details.get("room")), listeners=listeners))
    return sorted(steps, key=lambda step: step.t)


@dataclass(frozen=True)
class _Served:
    """Concurrent listeners on the grid, and the peak: by the platform, or as our listeners
    saw it where no platform timeline exists."""

    concurrent: list[float]
    peak: float
    peak_at: float | None


def _served_by_platform(timeline: TimelineDump, resample: _Resampler) -> _Served:
    concurrent = [0.0] * len(resample.grid)
    total = [0.0] * len(timeline.t)
    for space in timeline.spaces:
        for i, value in enumerate(resample.peak(space.listeners)):
            concurrent[i] += value
        for i, value in enumerate(space.listeners[: len(total)]):
            total[i] += value
    peak = max(total, default=0.0)
    return _Served(concurrent, peak, timeline.t[total.index(peak)] if peak > 0 else None)


def _served_as_heard(listening: list[float], grid: list[float]) -> _Served:
    peak = max(listening, default=0.0)
    return _Served(list(listening), peak, grid[listening.index(peak)] if peak > 0 else None)


def _error_ratios(observations: Observations) -> tuple[float | None, dict[str, float]]:
    """The listeners' failed share of request weight, overall and per tier (attacks apart)."""
    ok_w: dict[str, float] = {}
    fail_w: dict[str, float] = {}
    for (_, tier), (_, _, ok, failed) in observations.requests.items():
        if tier == ATTACK_TIER:
            continue
        ok_w[tier] = ok_w.get(tier, 0.0) + ok
        fail_w[tier] = fail_w.get(tier, 0.0) + failed
    all_w = sum(ok_w.values()) + sum(fail_w.values())
    by_tier = {
        tier: fail_w.get(tier, 0.0) / (ok_w.get(tier, 0.0) + fail_w.get(tier, 0.0))
        for tier in sorted(set(ok_w) | set(fail_w))
        if ok_w.get(tier, 0.0) + fail_w.get(tier, 0.0) > 0
    }
    return (sum(fail_w.values()) / all_w if all_w else None), by_tier


def _metrics(record: RunRecord, spaces: list[SpaceRecord], served: _Served) -> Metrics:
    observations = record.observations
    error_ratio, by_tier = _error_ratios(observations)
    errors_seen: dict[str, float] = {}
    for (_, _, message), weight in observations.failures.items():
        errors_seen[message] = errors_seen.get(message, 0.0) + weight
    arrived = observations.counts.get("arrived", 0.0)
    gave_up = observations.counts.get("gave_up", 0.0)
    heard = observations.heard_audio()
    first = spaces[0] if spaces else None
    return Metrics(
        start_delay_s=first.running_at if first else None,
        peak_listeners=served.peak,
        peak_listeners_at=served.peak_at,
        unique_listeners=heard,
        arrived=arrived,
        gave_up=gave_up,
        booted=observations.counts.get("booted", 0.0),
        ttfa_s=_percentiles([v for _, v in observations.ttfa_s]),
        wait_s=_percentiles(observations.waited_s),
        join_success_ratio=heard / arrived if arrived else None,
        gave_up_ratio=gave_up / arrived if arrived else None,
        stall_ratio=observations.counts.get("stall", 0.0) / heard if heard else None,
        error_ratio=error_ratio,
        error_ratio_by_tier=by_tier,
        errors_seen=dict(sorted(errors_seen.items(), key=lambda kv: -kv[1])),
        restreamed=observations.counts.get("restreamed", 0.0),
    )


def _generator(cpu: list[float]) -> Generator:
    cpu_max = max(cpu, default=0.0)
    return Generator(
        cpu_percent_max=cpu_max,
        cpu_percent_mean=statistics.fmean(cpu) if cpu else 0.0,
        overloaded=cpu_max > CPU_WARNING_PERCENT,
    )


def generator_warning(record: RunRecord, generator: Generator) -> str | None:
    """The one wording of the load generator's CPU warning (the console, report.html and
    result.json show it as written here), saying which results it puts in doubt."""
    if not generator.overloaded:
        return None
    text = (
        f"the load generator's CPU peaked at {generator.cpu_percent_max:.0f}% of a core "
        f"(warning above {CPU_WARNING_PERCENT:.0f}%): at its busiest it may have sent requests "
        "late, so the listeners' timings there (time to first audio, waits, request latency) "
        "may include its own delay as well as the platform's"
    )
    if record.observer.engine == "stub" and record.status == "completed":
        text += (
            "; the counts and the Spaces' times are cross-checked against the virtual engine, "
            "which warns on its own if they moved"
        )
    return text + "; for timings to rely on, rerun with a lower --budget-rps or more --workers"


def _warnings(record: RunRecord, generator: Generator) -> list[str]:
    warnings = []
    if cpu := generator_warning(record, generator):
        warnings.append(cpu)
    if record.observations.bad_lines:
        warnings.append(
            f"{record.observations.bad_lines} unreadable observation lines were skipped"
        )
    if record.observer.platform_observed and record.ground_truth is None:
        warnings.append("the server timeline could not be read: server-side series are empty")
    return warnings


def _grid(plan: Plan, bucket_s: float) -> tuple[list[float], float]:
    span_s = plan.t_end - plan.t_begin
    step_s = max(bucket_s, math.ceil(span_s / MAX_POINTS))
    return [plan.t_begin + i * step_s for i in range(math.ceil(span_s / step_s) + 1)], step_s


def build_result(record: RunRecord) -> RunResult:
    """The result of a run (or, mid-run, of its part so far)."""
    truth = record.ground_truth or GroundTruth(timeline=TimelineDump(), ledger=LedgerDump())
    timeline, observations, plan = truth.timeline, record.observations, record.plan
    grid, step_s = _grid(plan, timeline.bucket_s or 1.0)
    resample = _Resampler(timeline, grid, step_s)
    presence = observations.presence_series(plan.t_begin, grid[-1], step_s)
    spaces = _spaces(truth.ledger, timeline, resample)
    served = (
        _served_by_platform(timeline, resample)
        if record.observer.platform_observed
        else _served_as_heard(presence["listening"], grid)
    )
    observed_until = record.observed_until
    if observed_until is None and timeline.t:
        observed_until = timeline.t[-1] + resample.bucket_s
    generator = _generator(record.generator_cpu)
    return RunResult(
        scenario=record.scenario.event.name,
        title=record.scenario.event.title,
        variant=record.variant,
        status=record.status,
        failure=record.failure,
        wall_s=record.wall_s,
        plan=plan,
        spaces=spaces,
        listeners=ListenerSeries(
            t=grid,
            waiting=presence["waiting"],
            listening=presence["listening"],
            concurrent=served.concurrent,
            gave_up=observations.cumulative("gave_up", grid),
            booted=observations.cumulative("booted", grid),
        ),
        tiers={name: _tier_series(resample, raw) for name, raw in timeline.tiers.items()},
        errors=[
            ErrorCount(t=t, tier=tier, message=message, weight=weight)
            for (t, tier, message), weight in sorted(observations.failures.items())
        ],
        requests=[
            RequestCount(t=t, tier=tier, ok=ok, failed=failed)
            for (t, tier), (_, _, ok, failed) in sorted(observations.requests.items())
        ],
        endpoints=observations.endpoints.endpoint_stats(),
        latency=observations.endpoints.latency_series(grid, step_s),
        metrics=_metrics(record, spaces, served),
        ttfa=_ttfa_samples(observations.ttfa_s),
        ttfa_series=ttfa_series(observations.ttfa_s, grid, step_s),
        cohorts=[
            Cohort(t=t, arrived=row[0], heard=row[1], gave_up=row[2], stalls=row[3])
            for t, row in zip(grid, observations.cohorts(grid, step_s), strict=True)
            if row[0] > 0
        ],
        generator=generator,
        ledger=[*truth.ledger.failures, *truth.ledger.events],
        caps=_caps(truth.ledger),
        warnings=_warnings(record, generator),
        target=record.target,
        segments=observations.segments.stats(),
        stopped_early=record.stopped_early,
        observed_until=observed_until,
        observer=record.observer,
        started_at=record.started_at,
        labels=dict(record.labels),
        revision=record.revision,
    )
