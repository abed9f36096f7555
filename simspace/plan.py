"""The plan: fit a scenario to this machine — population scale, speedup, request weights and the
wall schedule — and say why. Pure: the same scenario and options give the same plan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace.audience_math import CumulativeArrivals, ServedPoint, arrival_times
from simspace.errors import PlanError
from simspace.expected_audience import ExpectedAudience, expected_audience
from simspace.plan_limits import (
    check_arrivals,
    check_speedup,
    check_wall_duration,
    check_weights,
    estimate_step_s,
)
from simspace.scenario.audience import ClientPolicy
from simspace.scenario.model import Scenario
from simspace.units import format_approx_count, format_duration_s, format_offset_s

DEFAULT_BUDGET_RPS = 1000.0
"""Peak real requests/s for a 2-core machine: one Locust process (~3k listener loops per core
at a 2 s cadence) beside the stub (~7k listeners per core); measured in docs/performance.md."""
MIN_WALL_INTERVAL_S = 2.0
"""Shortest wall interval between a simulated listener's polls; time compression beyond it
is absorbed by weights (PERFORMANCE-NOTES: ~2 s cadence keeps Locust's own latency low)."""
PING_MIN_WALL_INTERVAL_S = 5.0
MAX_SIMULATED_LISTENERS = 20_000
"""A Locust process's limit: each simulated listener is a greenlet with its own connection."""
VIRTUAL_MAX_SIMULATED_LISTENERS = 500_000
"""The virtual engine's: a listener is a generator of a few KiB, no connection."""


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
    expected_peak_present: float = Field(
        description="event listeners the platform is expected to serve at its peak, all rooms: "
        "caps, a late host and the clients' patience included, before any overload"
    )
    expected_peak_at: float | None = Field(None, description="event time of that peak")
    expected_peak_basis: str = Field(
        "", description="what sets the expected peak (a cap, a late start), in words"
    )
    audience_peak_present: float | None = Field(
        None,
        description="event listeners at the peak if everyone listened as they arrived: no "
        "cap, the Space live from the start (older plans: unknown)",
    )
    expected_peak_rps: float = Field(
        description="real requests/s at the busiest moment expected: listeners playing, and "
        "clients waiting for the Space or refused by a full room polling"
    )
    metadata_poll: Cadence
    playlist_poll: Cadence
    ping: Cadence
    segment_duration_s: float
    session_timeout_s: float = Field(
        description="event seconds without a ping before the stub expires a listener: the "
        "scenario's ping timeout, lengthened to cover the coalesced ping cadence"
    )
    utilisation_window_s: float = Field(
        5.0,
        description="event seconds over which the stub measures a tier's utilisation: twice "
        "the coalescing interval of a compressed run (its requests come in lumps that far "
        "apart; measured over less, utilisation is as noisy as the run is coarse, and a "
        "rule sustained above a threshold fires later the coarser the run)",
    )
    arrivals: list[float] = Field(description="event time of each simulated arrival")
    seed: int
    reasons: list[str] = Field(description="why these numbers")

    @property
    def simulated_listeners(self) -> int:
        return len(self.arrivals)

    def with_scale_reason(self, reason: str) -> Plan:
        """The plan with `reason` in place of the planner's own for its population scale."""
        kept = [r for r in self.reasons if not r.startswith("population scale")]
        return self.model_copy(update={"reasons": [reason, *kept]})


def _cadence(event_interval_s: float, speedup: float, scale: float, floor_s: float) -> Cadence:
    wall = max(event_interval_s / speedup, floor_s)
    coalesced = wall * speedup / event_interval_s
    return Cadence(
        event_interval_s=event_interval_s, wall_interval_s=wall, weight=coalesced / scale
    )


@dataclass(frozen=True)
class _Timing:
    """Which part of the event window a run covers, and how fast."""

    t_begin: float
    t_end: float
    speedup: float
    floor_s: float  # shortest wall interval between a simulated listener's polls
    ping_floor_s: float  # the same for pings
    estimate_step_s: float  # grid of the expected-audience estimate


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
    max_listeners: int | None = None,
    engine: Literal["locust", "virtual"] = "locust",
) -> Plan:
    """Choose scale and speedup (unless given), weights and the arrival schedule.

    `real_time` (a real target): speedup 1 and the real cadence (no coalescing, so every
    request weighs 1/scale); the run covers `duration_s` (default: the scenario's max_wall) of
    the window from `start_at` (default: the window's start), starting with no one present.
    `engine`: which one plays the plan (the Locust engine sends weighted requests over HTTP to
    the stub, which bounds their weight, on the stub's event clock); `max_listeners`: the most
    simulated listeners it can play (default: the engine's).
    Raises `PlanError` when the settings cannot make a plan that can work (`plan_limits`)."""
    sim = scenario.simulation
    reasons: list[str] = []
    if real_time:
        timing = _real_time(scenario, speedup, start_at, duration_s, reasons)
    elif start_at is not None:
        raise PlanError("a start time applies only to a real-time run against a real target")
    else:
        timing = _compressed_time(scenario, speedup, duration_s, reasons)
    locust = engine == "locust"  # the virtual engine's clock is its own and it sends no header
    if max_listeners is None:
        max_listeners = MAX_SIMULATED_LISTENERS if locust else VIRTUAL_MAX_SIMULATED_LISTENERS
    if locust:
        check_speedup(timing.speedup, scenario.window.end - scenario.window.start)
        wall_s = (timing.t_end - timing.t_begin) / timing.speedup
        check_wall_duration(wall_s, timing.speedup, timing.floor_s)
    budget = budget_rps or sim.budget_rps or DEFAULT_BUDGET_RPS
    curve = CumulativeArrivals(scenario.audience.arrivals, scenario.audience.listening_time)
    audience = expected_audience(
        scenario,
        curve,
        timing.t_begin,
        timing.t_end,
        timing.estimate_step_s,
        modelled=not real_time,
    )
    client = scenario.audience.client
    playlist_event_s = client.playlist_reload or scenario.platform.hls.segment_duration
    rates = _request_rates(client, playlist_event_s, timing)
    if population_scale is None and isinstance(sim.population_scale, float):
        population_scale = sim.population_scale
    if population_scale is None:
        arriving = curve.at(timing.t_end) - curve.at(timing.t_begin)
        population_scale = _fitting_scale(budget, rates, audience, reasons)
        population_scale = _within_listeners(population_scale, arriving, max_listeners, reasons)
    else:
        reasons.append(f"population scale 1/{1 / population_scale:.4g}: given")
    run_seed = sim.seed if seed is None else seed
    arrivals = _arrivals(scenario, curve, population_scale, timing, run_seed, max_listeners)
    ping = _cadence(client.ping_interval, timing.speedup, population_scale, timing.ping_floor_s)
    playlist = _cadence(playlist_event_s, timing.speedup, population_scale, timing.floor_s)
    metadata = _cadence(
        client.metadata_poll_interval, timing.speedup, population_scale, timing.floor_s
    )
    if locust and not real_time:
        weights = {"metadata poll": metadata.weight, "playlist reload": playlist.weight}
        check_weights(weights | {"ping": ping.weight, "join": 1.0 / population_scale})
    return Plan(
        scenario=scenario.event.name,
        variant=variant,
        mode="target" if real_time else "stub",
        t_begin=timing.t_begin,
        t_end=timing.t_end,
        speedup=timing.speedup,
        population_scale=population_scale,
        listener_weight=1.0 / population_scale,
        wall_duration_s=(timing.t_end - timing.t_begin) / timing.speedup,
        budget_rps=budget,
        expected_peak_present=audience.peak.served,
        expected_peak_at=audience.peak.t if audience.peak.served > 0 else None,
        expected_peak_basis=audience.basis(),
        audience_peak_present=audience.uncapped_peak[1],
        expected_peak_rps=rates.of(audience.busiest(rates.of)) * population_scale,
        metadata_poll=metadata,
        playlist_poll=playlist,
        ping=ping,
        segment_duration_s=scenario.platform.hls.segment_duration,
        session_timeout_s=_session_timeout_s(scenario, ping, playlist, timing.speedup, reasons),
        utilisation_window_s=max(5.0, 2 * timing.floor_s * timing.speedup),
        arrivals=arrivals,
        seed=run_seed,
        reasons=reasons,
    )


def request_timeout_wall_s(client: ClientPolicy, speedup: float) -> float:
    """How long a simulated listener's HTTP client waits for an answer, in wall seconds: the
    scenario's request timeout (event seconds) at this speedup, with half again as much slack
    (the load generator's own latency is not the platform's), and never under 2 s."""
    return max(client.request_timeout / speedup * 1.5, 2.0)


def _real_time(
    scenario: Scenario,
    speedup: float | None,
    start_at: float | None,
    duration_s: float | None,
    reasons: list[str],
) -> _Timing:
    """A real target: speedup 1, the clients' own cadence, `duration_s` (default: max_wall)
    of the window from `start_at` (default: its start)."""
    if speedup is not None and speedup != 1.0:
        raise PlanError(f"a real target runs in real time: the speedup must be 1 (got {speedup:g})")
    t_begin, t_end = scenario.window.start, scenario.window.end
    if start_at is not None:
        if not t_begin <= start_at < t_end:
            raise PlanError(
                f"the start time {format_offset_s(start_at)} is outside the scenario's window "
                f"{format_offset_s(t_begin)}..{format_offset_s(t_end)}"
            )
        t_begin = start_at
    t_end = min(t_end, t_begin + (duration_s or scenario.simulation.max_wall))
    reasons.append(
        f"real time (a real target): event {format_offset_s(t_begin)} to "
        f"{format_offset_s(t_end)} at the clients' own cadence"
    )
    # Real time covers minutes, not hours: estimate the audience on a finer grid.
    step_s = estimate_step_s(t_end - t_begin, finest_s=min(30.0, max(1.0, (t_end - t_begin) / 30)))
    return _Timing(t_begin, t_end, 1.0, floor_s=0.0, ping_floor_s=0.0, estimate_step_s=step_s)


def _compressed_time(
    scenario: Scenario, speedup: float | None, duration_s: float | None, reasons: list[str]
) -> _Timing:
    """The stub: the whole window, compressed into max_wall unless the speedup is given, and
    cut after `duration_s` of wall time if given."""
    sim = scenario.simulation
    t_begin, t_end = scenario.window.start, scenario.window.end
    if speedup is None and isinstance(sim.speedup, float):
        speedup = sim.speedup
    if speedup is None:
        span_s, wall_s = t_end - t_begin, duration_s or sim.max_wall
        speedup = max(1.0, span_s / wall_s)
        reasons.append(
            f"speedup {speedup:.3g}: the {format_duration_s(span_s)} window in "
            f"{format_duration_s(round(wall_s))} of wall time"
        )
    else:
        reasons.append(f"speedup {speedup:.3g}: given")
    if duration_s is not None:
        t_end = min(t_end, t_begin + duration_s * speedup)
        reasons.append(f"stopping at {format_duration_s(duration_s)} of wall time (given)")
    return _Timing(
        t_begin,
        t_end,
        speedup,
        floor_s=MIN_WALL_INTERVAL_S,
        ping_floor_s=PING_MIN_WALL_INTERVAL_S,
        estimate_step_s=estimate_step_s(t_end - t_begin),
    )


@dataclass(frozen=True)
class _Rates:
    """Real requests/s of one simulated listener at its coalesced cadence."""

    playing_rps: float  # playlist + chunk per reload, plus pings
    waiting_rps: float  # the Space's metadata, per poll
    refused_rps: float  # metadata, stream status and a refused start per poll

    def of(self, point: ServedPoint) -> float:
        """What the audience at `point` sends at scale 1."""
        return (
            point.served * self.playing_rps
            + point.waiting * self.waiting_rps
            + point.refused * self.refused_rps
        )


def _request_rates(client: ClientPolicy, playlist_event_s: float, timing: _Timing) -> _Rates:
    reload_wall_s = max(playlist_event_s / timing.speedup, timing.floor_s)
    ping_wall_s = max(client.ping_interval / timing.speedup, timing.ping_floor_s)
    poll_wall_s = max(client.metadata_poll_interval / timing.speedup, timing.floor_s)
    return _Rates(2.0 / reload_wall_s + 1.0 / ping_wall_s, 1.0 / poll_wall_s, 3.0 / poll_wall_s)


def _fitting_scale(
    budget_rps: float, rates: _Rates, audience: ExpectedAudience, reasons: list[str]
) -> float:
    """The population scale at which the busiest moment expected sends `budget_rps` (at most
    1): listeners playing, and clients polling while they wait for the Space or a place."""
    busiest = audience.busiest(rates.of)
    scale = min(1.0, budget_rps / max(rates.of(busiest), rates.playing_rps))
    served = f"~{format_approx_count(audience.peak.served)} expected served at the peak"
    budget = format_approx_count(budget_rps)
    polling = busiest.waiting + busiest.refused
    if polling > 0:
        who = "waiting for the Space" if busiest.waiting else "refused by a full room"
        rate_rps = rates.waiting_rps if busiest.waiting else rates.refused_rps
        reason = (
            f"population scale 1/{1 / scale:.4g}: {budget} req/s budget at the busiest "
            f"moment expected, {format_offset_s(busiest.t)}: ~"
            f"{format_approx_count(busiest.served)} listening (~{rates.playing_rps:.2f} req/s "
            f"per simulated listener) and ~{format_approx_count(polling)} {who}, polling "
            f"(~{rate_rps:.2f} req/s each); {served}"
        )
    else:
        reason = (
            f"population scale 1/{1 / scale:.4g}: {served}, {budget} req/s budget at "
            f"~{rates.playing_rps:.2f} req/s per simulated listener"
        )
    reasons.append(reason)
    return scale


def _within_listeners(
    scale: float, arriving: float, max_listeners: int, reasons: list[str]
) -> float:
    """The scale, lowered if its simulated arrivals would be more than the engine can play (a
    capped room refuses most of its arrivals: the budget alone would let them all in)."""
    if arriving * scale <= max_listeners - 1:
        return scale
    fitted = (max_listeners - 1) / arriving
    budget_reason = reasons[-1].removeprefix("population scale ")
    reasons[-1] = (
        f"population scale 1/{1 / fitted:.4g}: at most {format_approx_count(max_listeners)} "
        f"simulated arrivals for ~{format_approx_count(arriving)} arriving (the budget alone: "
        f"{budget_reason})"
    )
    return fitted


def _arrivals(
    scenario: Scenario,
    curve: CumulativeArrivals,
    population_scale: float,
    timing: _Timing,
    seed: int,
    max_listeners: int,
) -> list[float]:
    """The simulated listeners' arrival times; a plan with too many of them is refused."""
    poisson = scenario.audience.arrivals.jitter == "poisson"
    expected = (curve.at(timing.t_end) - curve.at(timing.t_begin)) * population_scale
    check_arrivals(expected, max_listeners, population_scale)
    times = arrival_times(
        curve, population_scale, timing.t_begin, timing.t_end, seed, poisson=poisson
    )
    if len(times) > max_listeners:
        raise PlanError(
            f"{len(times):,} simulated listeners exceed {max_listeners:,}: "
            "lower the population scale or the request budget"
        )
    return times


def _session_timeout_s(
    scenario: Scenario, ping: Cadence, playlist: Cadence, speedup: float, reasons: list[str]
) -> float:
    """The scenario's ping timeout, lengthened to cover the coalesced ping cadence."""
    # A ping is sent at the first reload cycle after it is due: it can be one cycle late.
    ping_gap_s = (ping.wall_interval_s + playlist.wall_interval_s * 1.1) * speedup
    ping_timeout_s = scenario.platform.ping_timeout
    session_timeout_s = max(ping_timeout_s, 2 * ping_gap_s)
    if session_timeout_s > ping_timeout_s:
        reasons.append(
            f"listener sessions expire after {format_duration_s(round(session_timeout_s))} "
            f"without a ping (scenario: {format_duration_s(ping_timeout_s)}): "
            "coalesced pings are that far apart"
        )
    return session_timeout_s
