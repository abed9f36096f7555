"""The plan: fit a scenario to this machine — population scale, speedup, request weights and the
wall schedule — and say why. Pure: the same scenario and options give the same plan."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace.audience_math import CumulativeArrivals, arrival_times, expected_present
from simspace.scenario.audience import ClientPolicy
from simspace.scenario.model import Scenario
from simspace.units import format_count, format_duration_s, format_offset_s

DEFAULT_BUDGET_RPS = 1000.0
"""Peak real requests/s for a 2-core machine: one Locust process (~3k listener loops per core
at a 2 s cadence) beside the stub (~7k listeners per core); measured in docs/performance.md."""
MIN_WALL_INTERVAL_S = 2.0
"""Shortest wall interval between a simulated listener's polls; time compression beyond it
is absorbed by weights (PERFORMANCE-NOTES: ~2 s cadence keeps Locust's own latency low)."""
PING_MIN_WALL_INTERVAL_S = 5.0
MAX_SIMULATED_LISTENERS = 20_000


class Cadence(BaseModel):
    """How often a simulated listener does one thing, and the weight of each request."""

    model_config = ConfigDict(frozen=True)

    event_interval_s: float = Field(description="nominal event-time interval")
    wall_interval_s: float = Field(description="wall seconds between requests")
    weight: float = Field(description="X-Sim-Weight of each request: event requests it stands for")


class Plan(BaseModel):
    """Everything a run needs to map the event onto this machine."""

    model_config = ConfigDict(frozen=True)

    scenario: str
    variant: str | None
    mode: Literal["stub", "target"] = Field(
        "stub",
        description="stub: the embedded platform, compressed time and weights; target: a real "
        "service in real time (speedup 1), real cadence, each request one real request",
    )
    t_begin: float = Field(description="event time at which the run starts")
    t_end: float = Field(description="event time at which the run stops")
    speedup: float = Field(description="event seconds per wall second")
    population_scale: float = Field(description="simulated listeners per event listener")
    listener_weight: float = Field(description="event listeners one simulated listener stands for")
    wall_duration_s: float
    budget_rps: float
    expected_peak_present: float = Field(description="event listeners, before any overload")
    expected_peak_rps: float = Field(description="real requests/s at the expected peak")
    metadata_poll: Cadence
    playlist_poll: Cadence
    ping: Cadence
    segment_duration_s: float
    session_timeout_s: float = Field(
        description="event seconds without a ping before the stub expires a listener: the "
        "scenario's ping timeout, lengthened to cover the coalesced ping cadence"
    )
    arrivals: list[float] = Field(description="event time of each simulated arrival")
    seed: int
    reasons: list[str] = Field(description="why these numbers")

    @property
    def simulated_listeners(self) -> int:
        return len(self.arrivals)


def _cadence(event_interval_s: float, speedup: float, scale: float, floor_s: float) -> Cadence:
    wall = max(event_interval_s / speedup, floor_s)
    coalesced = wall * speedup / event_interval_s
    return Cadence(
        event_interval_s=event_interval_s, wall_interval_s=wall, weight=coalesced / scale
    )


def make_plan(
    scenario: Scenario,
    variant: str | None = None,
    *,
    budget_rps: float | None = None,
    speedup: float | None = None,
    population_scale: float | None = None,
    duration_s: float | None = None,
    seed: int | None = None,
    real_time: bool = False,
    start_at: float | None = None,
) -> Plan:
    """Choose scale and speedup (unless given), weights and the arrival schedule.

    `real_time` (a real target): speedup 1 and the real cadence (no coalescing, so every
    request weighs 1/scale); the run covers `duration_s` (default: the scenario's max_wall) of
    the window from `start_at` (default: the window's start), starting with no one present."""
    sim = scenario.simulation
    reasons: list[str] = []
    t_begin, t_end = scenario.window.start, scenario.window.end
    budget = budget_rps or sim.budget_rps or DEFAULT_BUDGET_RPS
    floor_s, ping_floor_s = MIN_WALL_INTERVAL_S, PING_MIN_WALL_INTERVAL_S
    if start_at is not None and not real_time:
        raise ValueError("--start-at applies to a real target (--target) only")
    if real_time:
        if speedup is not None and speedup != 1.0:
            raise ValueError(
                f"a real target runs in real time: --speedup must be 1 (got {speedup:g})"
            )
        if start_at is not None:
            if not t_begin <= start_at < t_end:
                raise ValueError(
                    f"--start-at {format_offset_s(start_at)} is outside the scenario's window "
                    f"{format_offset_s(t_begin)}..{format_offset_s(t_end)}"
                )
            t_begin = start_at
        speedup, floor_s, ping_floor_s = 1.0, 0.0, 0.0
        wall = duration_s or sim.max_wall
        t_end = min(t_end, t_begin + wall)
        reasons.append(
            f"real time (a real target): event {format_offset_s(t_begin)} to "
            f"{format_offset_s(t_end)} at the clients' own cadence"
        )
        duration_s = None
    span_s = t_end - t_begin

    if speedup is None:
        speedup = sim.speedup if isinstance(sim.speedup, float) else None
    if speedup is None:
        wall = duration_s or sim.max_wall
        speedup = max(1.0, span_s / wall)
        reasons.append(
            f"speedup {speedup:.3g}: the {format_duration_s(span_s)} window in "
            f"{format_duration_s(round(wall))} of wall time"
        )
    elif not real_time:  # real time said so above
        reasons.append(f"speedup {speedup:.3g}: given")
    if duration_s is not None:
        t_end = min(t_end, t_begin + duration_s * speedup)
        reasons.append(f"stopping at {format_duration_s(duration_s)} of wall time (--duration)")

    listening = scenario.audience.listening_time
    curve = CumulativeArrivals(scenario.audience.arrivals, listening)
    # Real time covers minutes, not hours: estimate the audience on a finer grid.
    step_s = min(30.0, max(1.0, span_s / 30)) if real_time else 30.0
    peak_present = max(
        (n for _, n in expected_present(curve, listening, t_begin, t_end, step_s)), default=0.0
    )
    hls = scenario.platform.hls
    client = scenario.audience.client
    playlist_event_s = client.playlist_reload or hls.segment_duration
    # Requests/s of one simulated listener at the peak: playlist + chunk per reload, plus pings.
    per_user_rps = 2.0 / max(playlist_event_s / speedup, floor_s) + 1.0 / max(
        client.ping_interval / speedup, ping_floor_s
    )

    if population_scale is None and isinstance(sim.population_scale, float):
        population_scale = sim.population_scale
    if population_scale is None:
        users = budget / per_user_rps
        population_scale = min(1.0, users / max(peak_present, 1.0))
        reasons.append(
            f"population scale 1/{1 / population_scale:.4g}: ~{format_count(round(peak_present))} "
            f"expected at the peak, {budget:g} req/s budget at ~{per_user_rps:.2f} req/s per "
            f"simulated listener"
        )
    else:
        reasons.append(f"population scale 1/{1 / population_scale:.4g}: given")

    run_seed = sim.seed if seed is None else seed
    poisson = scenario.audience.arrivals.jitter == "poisson"
    times = arrival_times(curve, population_scale, t_begin, t_end, run_seed, poisson=poisson)
    if len(times) > MAX_SIMULATED_LISTENERS:
        raise ValueError(
            f"{len(times)} simulated listeners exceed {MAX_SIMULATED_LISTENERS}: "
            "lower the population scale or the budget"
        )
    ping = _cadence(client.ping_interval, speedup, population_scale, ping_floor_s)
    playlist = _cadence(playlist_event_s, speedup, population_scale, floor_s)
    # A ping is sent at the first reload cycle after it is due: it can be one cycle late.
    ping_gap_s = (ping.wall_interval_s + playlist.wall_interval_s * 1.1) * speedup
    session_timeout_s = max(scenario.platform.ping_timeout, 2 * ping_gap_s)
    if session_timeout_s > scenario.platform.ping_timeout:
        reasons.append(
            f"listener sessions expire after {format_duration_s(round(session_timeout_s))} "
            f"without a ping (scenario: {format_duration_s(scenario.platform.ping_timeout)}): "
            "coalesced pings are that far apart"
        )
    return Plan(
        scenario=scenario.event.name,
        variant=variant,
        mode="target" if real_time else "stub",
        t_begin=t_begin,
        t_end=t_end,
        speedup=speedup,
        population_scale=population_scale,
        listener_weight=1.0 / population_scale,
        wall_duration_s=(t_end - t_begin) / speedup,
        budget_rps=budget,
        expected_peak_present=peak_present,
        expected_peak_rps=peak_present * population_scale * per_user_rps,
        metadata_poll=_cadence(client.metadata_poll_interval, speedup, population_scale, floor_s),
        playlist_poll=playlist,
        ping=ping,
        segment_duration_s=hls.segment_duration,
        session_timeout_s=session_timeout_s,
        arrivals=times,
        seed=run_seed,
        reasons=reasons,
    )


def simulated_weight_ok(weight: float) -> bool:
    """Weights the stub accepts (finite, positive, at most 1e7)."""
    return math.isfinite(weight) and 0 < weight <= 1e7


def request_timeout_wall_s(client: ClientPolicy, speedup: float) -> float:
    """Wall seconds a client waits for an answer: the scenario's timeout on the compressed
    clock, with room for the load generator's own latency, and never under 2 s."""
    return max(client.request_timeout / speedup * 1.5, 2.0)
