"""Builds the RunResult from what a run left behind: the server's timeline and ledger (ground
truth) and the load processes' observations. Scale conversion happens here, once: observation
weights and server units are already event-scale, and series are resampled to one grid."""

from __future__ import annotations

import math
import statistics
from typing import Any

from simspace.plan import Plan
from simspace.results.model import (
    MAX_TTFA_SAMPLES,
    Cohort,
    ErrorCount,
    Generator,
    ListenerSeries,
    Metrics,
    Percentiles,
    RequestCount,
    RunResult,
    RunStatus,
    SpaceRecord,
    TierSeries,
    TtfaSamples,
)
from simspace.results.observations import Observations
from simspace.scenario.model import Scenario
from simspace.target import Target
from simspace.wire.observations import ATTACK_TIER

MAX_POINTS = 600
CPU_WARNING_PERCENT = 75.0


def _percentiles(values: list[float]) -> Percentiles:
    if not values:
        return Percentiles(count=0)
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]

    return Percentiles(
        count=len(ordered), p50=pick(0.5), p95=pick(0.95), p99=pick(0.99), max=ordered[-1]
    )


def _ttfa_samples(samples: list[tuple[float, float]]) -> TtfaSamples:
    """Every (t, ttfa) sample in time order, or `MAX_TTFA_SAMPLES` of them evenly spread."""
    ordered = sorted(samples)
    kept = ordered
    if len(ordered) > MAX_TTFA_SAMPLES:
        kept = [ordered[i * len(ordered) // MAX_TTFA_SAMPLES] for i in range(MAX_TTFA_SAMPLES)]
    return TtfaSamples(t=[t for t, _ in kept], ttfa_s=[v for _, v in kept], total=len(ordered))


def _floats(values: Any) -> list[float]:
    return [float(v or 0.0) for v in values] if isinstance(values, list) else []


class _Resampler:
    """Maps the server's buckets onto the result's grid (`step_s` event seconds per point)."""

    def __init__(self, timeline: dict[str, Any], grid: list[float], step_s: float) -> None:
        self.t = _floats(timeline.get("t"))
        self.bucket_s = float(timeline.get("bucket_s", 1.0) or 1.0)
        self.grid, self.step_s = grid, step_s
        self.slots = [min(len(grid) - 1, max(0, int((t - grid[0]) // step_s))) for t in self.t]

    def rate(self, column: list[float]) -> list[float]:
        """Summed weights per bucket -> mean event requests/s over each grid step."""
        out = [0.0] * len(self.grid)
        for slot, value in zip(self.slots, column, strict=False):
            out[slot] += value
        return [v / self.step_s for v in out]

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


def _tiers(resample: _Resampler, timeline: dict[str, Any]) -> dict[str, TierSeries]:
    tiers: dict[str, TierSeries] = {}
    for name, raw in (timeline.get("tiers") or {}).items():
        if not isinstance(raw, dict):
            continue
        rejected = raw.get("rejected") or {}
        tiers[name] = TierSeries(
            t=resample.grid,
            offered_rps=resample.rate(_floats(raw.get("offered"))),
            capacity_rps=resample.last(_floats(raw.get("capacity"))),
            utilisation=resample.peak(_floats(raw.get("utilisation"))),
            backlog=resample.peak(_floats(raw.get("backlog"))),
            rejected_rps={
                reason: resample.rate(_floats(values))
                for reason, values in rejected.items()
                if any(_floats(values))
            },
            timed_out_rps=resample.rate(_floats(raw.get("timeouts"))),
            attack_rps=resample.rate(_floats(raw.get("attack_offered"))),
        )
    return tiers


def _spaces(
    ledger: dict[str, Any], timeline: dict[str, Any], resample: _Resampler
) -> list[SpaceRecord]:
    t = _floats(timeline.get("t"))
    by_index = {
        int(s.get("index", 0)): _floats(s.get("listeners"))
        for s in timeline.get("spaces") or []
        if isinstance(s, dict)
    }
    records: list[SpaceRecord] = []
    for raw in ledger.get("spaces") or []:
        if not isinstance(raw, dict):
            continue
        index = int(raw.get("index", len(records) + 1))
        listeners = by_index.get(index, [])
        peak_at = t[listeners.index(max(listeners))] if listeners and max(listeners) > 0 else None
        ended = raw.get("ended_at")
        records.append(
            SpaceRecord(
                ordinal=index,
                space_id=str(raw.get("space_id", "")),
                host=str(raw.get("host", "")),
                created_at=raw.get("created_at"),
                running_at=raw.get("running_at"),
                ended_at=ended,
                end_state=str(raw.get("state")) if ended is not None else None,
                peak_listeners=float(raw.get("peak_listeners", 0.0) or 0.0),
                peak_listeners_at=peak_at,
                listeners=resample.peak(listeners),
            )
        )
    return records


def build_result(
    *,
    scenario: Scenario,
    variant: str | None,
    plan: Plan,
    observations: Observations,
    timeline: dict[str, Any],
    ledger: dict[str, Any],
    status: RunStatus,
    failure: str | None,
    wall_s: float,
    generator_cpu: list[float],
    target: Target | None = None,
    stopped_early: str | None = None,
    observed_until: float | None = None,
) -> RunResult:
    """`observed_until` (event time) overrides the server timeline's end: against a real target
    there is no server timeline, and the load side says how far the run got."""
    span_s = plan.t_end - plan.t_begin
    step_s = max(float(timeline.get("bucket_s", 1.0) or 1.0), math.ceil(span_s / MAX_POINTS))
    grid = [plan.t_begin + i * step_s for i in range(math.ceil(span_s / step_s) + 1)]
    resample = _Resampler(timeline, grid, step_s)
    presence = observations.presence_series(plan.t_begin, grid[-1], step_s)

    concurrent = [0.0] * len(grid)
    for raw in timeline.get("spaces") or []:
        if isinstance(raw, dict):
            for i, value in enumerate(resample.peak(_floats(raw.get("listeners")))):
                concurrent[i] += value
    spaces = _spaces(ledger, timeline, resample)
    server_t = resample.t
    server_total = [0.0] * len(server_t)
    for raw in timeline.get("spaces") or []:
        if isinstance(raw, dict):
            for i, value in enumerate(_floats(raw.get("listeners"))[: len(server_t)]):
                server_total[i] += value
    peak = max(server_total, default=0.0)
    peak_at = server_t[server_total.index(peak)] if peak > 0 else None
    if target is not None:  # no server to ask: the listeners the target served, seen by us
        served = presence["listening"]
        concurrent = list(served)
        peak = max(served, default=0.0)
        peak_at = grid[served.index(peak)] if peak > 0 else None

    ok_w: dict[str, float] = {}
    fail_w: dict[str, float] = {}
    for (_, tier), (_, _, ok, failed) in observations.requests.items():
        if tier == ATTACK_TIER:
            continue
        ok_w[tier] = ok_w.get(tier, 0.0) + ok
        fail_w[tier] = fail_w.get(tier, 0.0) + failed
    all_w = sum(ok_w.values()) + sum(fail_w.values())
    errors_seen: dict[str, float] = {}
    for (_, _, message), weight in observations.failures.items():
        errors_seen[message] = errors_seen.get(message, 0.0) + weight

    arrived = observations.counts.get("arrived", 0.0)
    heard = observations.heard_audio()
    first = spaces[0] if spaces else None
    cpu_max = max(generator_cpu, default=0.0)
    warnings = []
    if cpu_max > CPU_WARNING_PERCENT:
        warnings.append(
            f"load generator CPU peaked at {cpu_max:.0f}% (> {CPU_WARNING_PERCENT:.0f}%): "
            "its own latency may show in the results; lower --budget-rps or add --workers"
        )
    if observations.bad_lines:
        warnings.append(f"{observations.bad_lines} unreadable observation lines were skipped")
    if observed_until is None and resample.t:
        observed_until = resample.t[-1] + resample.bucket_s
    if not timeline and target is None:
        warnings.append("the server timeline could not be read: server-side series are empty")

    return RunResult(
        scenario=scenario.event.name,
        title=scenario.event.title,
        variant=variant,
        status=status,
        failure=failure,
        wall_s=wall_s,
        plan=plan,
        spaces=spaces,
        listeners=ListenerSeries(
            t=grid,
            waiting=presence["waiting"],
            listening=presence["listening"],
            concurrent=concurrent,
            gave_up=observations.cumulative("gave_up", grid),
            booted=observations.cumulative("booted", grid),
        ),
        tiers=_tiers(resample, timeline),
        errors=[
            ErrorCount(t=t, tier=tier, message=message, weight=weight)
            for (t, tier, message), weight in sorted(observations.failures.items())
        ],
        requests=[
            RequestCount(t=t, tier=tier, ok=ok, failed=failed)
            for (t, tier), (_, _, ok, failed) in sorted(observations.requests.items())
        ],
        metrics=Metrics(
            start_delay_s=first.running_at if first and first.running_at is not None else None,
            peak_listeners=peak,
            peak_listeners_at=peak_at,
            unique_listeners=heard,
            arrived=arrived,
            gave_up=observations.counts.get("gave_up", 0.0),
            booted=observations.counts.get("booted", 0.0),
            ttfa_s=_percentiles([v for _, v in observations.ttfa_s]),
            wait_s=_percentiles(observations.waited_s),
            join_success_ratio=heard / arrived if arrived else None,
            gave_up_ratio=observations.counts.get("gave_up", 0.0) / arrived if arrived else None,
            stall_ratio=observations.counts.get("stall", 0.0) / heard if heard else None,
            error_ratio=sum(fail_w.values()) / all_w if all_w else None,
            error_ratio_by_tier={
                tier: fail_w.get(tier, 0.0) / (ok_w.get(tier, 0.0) + fail_w.get(tier, 0.0))
                for tier in sorted(set(ok_w) | set(fail_w))
                if ok_w.get(tier, 0.0) + fail_w.get(tier, 0.0) > 0
            },
            errors_seen=dict(sorted(errors_seen.items(), key=lambda kv: -kv[1])),
        ),
        ttfa=_ttfa_samples(observations.ttfa_s),
        cohorts=[
            Cohort(t=t, arrived=row[0], heard=row[1], gave_up=row[2], stalls=row[3])
            for t, row in zip(grid, observations.cohorts(grid, step_s), strict=True)
            if row[0] > 0
        ],
        generator=Generator(
            cpu_percent_max=cpu_max,
            cpu_percent_mean=statistics.fmean(generator_cpu) if generator_cpu else 0.0,
            overloaded=cpu_max > CPU_WARNING_PERCENT,
        ),
        ledger=[*(ledger.get("failures") or []), *(ledger.get("events") or [])],
        warnings=warnings,
        target=target,
        segments=observations.segments.stats(),
        stopped_early=stopped_early,
        observed_until=observed_until,
    )
