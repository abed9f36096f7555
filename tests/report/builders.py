"""Hand-made scenarios and RunResults for reporter tests: a small event with the facts a test
names, and a result whose series are functions of event time on a one-minute grid."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import Comparison
from simspace.plan import Cadence, Plan
from simspace.results.model import (
    CapStep,
    Generator,
    ListenerSeries,
    Metrics,
    Percentiles,
    RequestCount,
    RunResult,
    RunStatus,
    SpaceRecord,
    TierSeries,
)
from simspace.scenario.model import Scenario

NAME = "report_test"
GRID_STEP_S = 60.0
WINDOW = (-1800.0, 10800.0)  # -30m .. +3h

Series = Callable[[float], float]


def scenario(*facts: dict[str, Any], window: tuple[float, float] = WINDOW) -> Scenario:
    """A valid scenario (20:00 New York) holding `facts`; each fact gets a statement and source."""
    start, end = window
    return Scenario.model_validate(
        {
            "event": {
                "name": NAME,
                "title": "Reporter test event",
                "date": "2024-08-12",
                "time_zone": "America/New_York",
                "scheduled_start": "20:00",
                "sources": [{"id": "src", "outlet": "Test"}],
            },
            "window": {"start": start, "end": end},
            "audience": {
                "arrivals": {"points": [{"at": start, "count": 0}, {"at": end, "count": 1000}]},
                "listening_time": {"distribution": "fixed", "value": 600},
            },
            "speakers": [
                {"id": "host", "name": "Host", "role": "host", "account": "h", "joins_at": -60}
            ],
            "platform": {
                "tiers": {
                    "api": {"capacity_rps": 1e3, "service_time": 0.05, "queue_limit": 5e3},
                    "cdn": {"capacity_rps": 1e5, "service_time": 0.02, "queue_limit": 5e5},
                },
                # A fact may only name a text the platform shows: these are hostile markup.
                "errors": {
                    "fetch_failed": "Could not fetch <Space> & co",
                    "room_full": 'Could not <fetch> "Space" & co',
                },
            },
            "facts": [fact(**f) for f in facts],
        }
    )


def fact(**fields: Any) -> dict[str, Any]:
    """A fact mapping with defaults for what a test does not care about."""
    return {"statement": f"statement of {fields['id']}", "sources": ["src"], **fields}


def plan(t_begin: float = WINDOW[0], t_end: float = WINDOW[1]) -> Plan:
    cadence = Cadence(event_interval_s=3.0, wall_interval_s=2.0, weight=1000.0)
    return Plan(
        scenario=NAME,
        variant=None,
        t_begin=t_begin,
        t_end=t_end,
        speedup=60.0,
        population_scale=0.001,
        listener_weight=1000.0,
        wall_duration_s=(t_end - t_begin) / 60.0,
        budget_rps=1000.0,
        expected_peak_present=0.0,
        expected_peak_rps=0.0,
        metadata_poll=cadence,
        playlist_poll=cadence,
        ping=cadence,
        segment_duration_s=3.0,
        session_timeout_s=60.0,
        arrivals=[],
        seed=1,
        reasons=[],
    )


def space(
    ordinal: int,
    *,
    running_at: float | None = None,
    ended_at: float | None = None,
    peak: float = 0.0,
    peak_at: float | None = None,
    listeners: list[float] | None = None,
    room: str = "main",
    created_at: float | None = -600.0,
) -> SpaceRecord:
    return SpaceRecord(
        ordinal=ordinal,
        space_id=f"space{ordinal}",
        host="host",
        created_at=created_at,
        running_at=running_at,
        ended_at=ended_at,
        end_state="Ended" if ended_at is not None else None,
        peak_listeners=peak,
        peak_listeners_at=peak_at,
        listeners=listeners or [],
        room=room,
    )


def caps(*steps: tuple[float, str, float | None]) -> list[CapStep]:
    """Listener cap steps from (t, room, listeners) triples, as given."""
    return [CapStep(t=t, room=room, listeners=listeners) for t, room, listeners in steps]


def grid(t_begin: float = WINDOW[0], t_end: float = WINDOW[1]) -> list[float]:
    steps = round((t_end - t_begin) / GRID_STEP_S)
    return [t_begin + i * GRID_STEP_S for i in range(steps + 1)]


def metrics(**overrides: Any) -> Metrics:
    values: dict[str, Any] = {
        "start_delay_s": None,
        "peak_listeners": 0.0,
        "peak_listeners_at": None,
        "unique_listeners": 0.0,
        "arrived": 1000.0,
        "gave_up": 0.0,
        "booted": 0.0,
        "ttfa_s": Percentiles(count=0),
        "wait_s": Percentiles(count=0),
        "join_success_ratio": None,
        "gave_up_ratio": None,
        "stall_ratio": None,
        "error_ratio": None,
        "error_ratio_by_tier": {},
        "errors_seen": {},
    }
    return Metrics(**{**values, **overrides})


def result(
    *,
    t_begin: float = WINDOW[0],
    t_end: float = WINDOW[1],
    waiting: Series | None = None,
    concurrent: Series | None = None,
    spaces: list[SpaceRecord] | None = None,
    requests: list[RequestCount] | None = None,
    status: RunStatus = "completed",
    observed_until: float | None = None,
    variant: str | None = None,
    scenario_name: str = NAME,
    **metric_values: Any,
) -> RunResult:
    """A RunResult over [t_begin, t_end]; `waiting`/`concurrent` give the series at each time."""
    ts = grid(t_begin, t_end)
    zero: Series = lambda _t: 0.0  # noqa: E731
    return RunResult(
        scenario=scenario_name,
        title="Reporter test event",
        variant=variant,
        status=status,
        failure=None,
        wall_s=100.0,
        plan=plan(t_begin, t_end),
        spaces=spaces or [],
        listeners=ListenerSeries(
            t=ts,
            waiting=[(waiting or zero)(t) for t in ts],
            listening=[0.0] * len(ts),
            concurrent=[(concurrent or zero)(t) for t in ts],
            gave_up=[0.0] * len(ts),
            booted=[0.0] * len(ts),
        ),
        tiers={},
        errors=[],
        requests=requests or [],
        metrics=metrics(**metric_values),
        generator=Generator(cpu_percent_max=10.0, cpu_percent_mean=5.0, overloaded=False),
        ledger=[],
        warnings=[],
        observed_until=observed_until,
    )


def tier(
    capacity_rps: float,
    load_rps: Series,
    *,
    backlog: Series | None = None,
    rejected: dict[str, Series] | None = None,
    timed_out: Series | None = None,
    t_begin: float = WINDOW[0],
    t_end: float = WINDOW[1],
) -> TierSeries:
    """A tier's ground truth on the grid: `load_rps` reaches it (utilisation = load / capacity),
    with the backlog, rejections by reason and timeouts each a function of event time."""
    ts = grid(t_begin, t_end)
    zero: Series = lambda _t: 0.0  # noqa: E731
    return TierSeries(
        t=ts,
        offered_rps=[load_rps(t) for t in ts],
        capacity_rps=[capacity_rps] * len(ts),
        utilisation=[load_rps(t) / capacity_rps for t in ts],
        backlog=[(backlog or zero)(t) for t in ts],
        rejected_rps={r: [f(t) for t in ts] for r, f in (rejected or {}).items()},
        timed_out_rps=[(timed_out or zero)(t) for t in ts],
        attack_rps=[0.0] * len(ts),
    )


def requests(tier: str, *buckets: tuple[float, float, float]) -> list[RequestCount]:
    """Request counts on `tier` from (t, ok, failed) buckets."""
    return [RequestCount(t=t, tier=tier, ok=ok, failed=failed) for t, ok, failed in buckets]


SAMPLE_FACTS: list[dict[str, Any]] = [
    {"id": "start_delay", "metric": "start_delay", "reported": ["41m", "42m"], "tolerance": "5m"},
    {
        "id": "waiting_878k",
        "metric": "waiting_listeners_at",
        "at": "+40m",
        "reported": {"min": "878k"},
        "tolerance": "15%",
    },
    {"id": "peak", "metric": "peak_listeners", "reported": ["1M", "1.3M"], "tolerance": "10%"},
    {
        "id": "first_space_ended",
        "metric": "space_ended_at",
        "reported": ["+20m", "+21m"],
        "tolerance": "3m",
    },
    {
        "id": "no_fetch_error",
        "metric": "error_message_seen",
        "message": "Could not fetch <Space> & co",
        "reported": False,
    },
    {
        "id": "api_errors",
        "metric": "error_ratio",
        "tier": "api",
        "window": {"start": "+2h", "end": "+2h30m"},
        "reported": "2.5%",
    },
    {"id": "tested_8m_claim", "metric": "peak_listeners", "reported": "8M", "scored": False},
]


def sample_comparison(variant: str | None = "organic") -> Comparison:
    """One comparison with every verdict kind: 2 reproduced, 2 not, 1 not observable, 1 claim."""
    run = result(
        start_delay_s=12 * 60.0,
        waiting=lambda _t: 900_000.0,
        spaces=[space(1, running_at=12 * 60.0, peak=1.2e6)],
        peak_listeners=1_200_000.0,
        errors_seen={"Details not available": 1e6},
        requests=requests("api", (0.0, 90.0, 10.0)),
        variant=variant,
    )
    return compare(scenario(*SAMPLE_FACTS), run)


ROOM_CAPS = caps(
    (WINDOW[0], "main", 50_000.0),
    (600.0, "overflow_a", 20_000.0),
    (1200.0, "main", 200_000.0),
    (7200.0, "overflow_a", None),
)
"""The main room capped at 50k from the start and raised to 200k at +20m; overflow room
overflow_a opened at +10m, capped at 20k until +2h."""


def rooms_result() -> RunResult:
    """A run with two rooms: Space 1 in the main room (live at 0), Space 2 in overflow_a
    (created at +10m, live at +10m30s), each with its listeners, and the rooms' caps."""
    ts = grid()
    main = [min(max(t, 0.0) * 100, 120_000.0) for t in ts]
    overflow = [15_000.0 if 630 <= t < 7200 else 0.0 for t in ts]
    run = result(
        concurrent=lambda t: (
            min(max(t, 0.0) * 100, 120_000.0) + (15_000.0 if 630 <= t < 7200 else 0.0)
        ),
        spaces=[
            space(1, running_at=0.0, peak=120_000.0, listeners=main),
            space(2, running_at=630.0, listeners=overflow, room="overflow_a", created_at=600.0),
        ],
    )
    return run.model_copy(update={"caps": ROOM_CAPS})
