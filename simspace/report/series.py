"""A run's event-scale time series as one table on the result's grid (`listeners.t`): the columns
`simspace export --format csv` writes and the charts the web viewer draws, defined once.

Rates are per event second, raw per grid step, with the busiest server bucket of each step beside
the offered load (the HTML report gathers its own charts into display buckets); a cell is empty
(None) where a step has nothing to measure (a percentile with no sample in it)."""

from __future__ import annotations

import bisect
import csv
import io
from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from simspace.report.rooms import cap_at, cap_steps, capped_rooms, has_rooms, space_label
from simspace.results.model import RunResult, TierSeries
from simspace.results.stats import nearest_rank

Column = list[float | None]
QUANTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ChartSpec(_Frozen):
    """One chart of the table: which columns it draws, in which unit."""

    id: str = Field(description="stable id, e.g. listeners, load.api, latency.cdn")
    title: str
    unit: str = Field(description="count, rps (event requests per event second) or s")
    columns: list[str] = Field(description="keys of `SeriesTable.columns`, drawn in this order")
    labels: dict[str, str] = Field(
        default_factory=dict, description="column -> its name in a legend (unset: the column's)"
    )
    steps: list[str] = Field(
        default_factory=list,
        description="columns drawn as steps, each value held until the next (listener caps)",
    )


class SeriesTable(_Frozen):
    """A run's time series, one value per grid step in every column."""

    t: list[float] = Field(description="event seconds: the start of each grid step")
    columns: dict[str, Column] = Field(description="stable name -> one value per `t`")
    charts: list[ChartSpec] = Field(description="what to draw, in order; empty charts left out")


def event_series(result: RunResult) -> SeriesTable:
    """The table of one run: listeners (with each room's listener cap), tiers, errors, time to
    first audio, request latency and listeners per Space, each on `result.listeners.t`."""
    grid = result.listeners.t
    columns: dict[str, Column] = {}
    charts: list[ChartSpec] = []
    for part in (_listeners, _tiers, _errors, _ttfa, _latency, _spaces):
        part_columns, part_charts = part(result, grid)
        columns.update(part_columns)
        charts.extend(chart for chart in part_charts if chart.columns)
    return SeriesTable(t=list(grid), columns=columns, charts=charts)


def to_csv(table: SeriesTable) -> str:
    """`t_s,<columns...>` then one row per grid step; an empty cell for None. Floats are written
    in their shortest exact form, so the file reads back to the same values."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["t_s", *table.columns])
    for i, t in enumerate(table.t):
        writer.writerow([_cell(t), *(_cell(column[i]) for column in table.columns.values())])
    return out.getvalue()


def _cell(value: float | None) -> str:
    return "" if value is None else repr(value)


Part = tuple[dict[str, Column], list[ChartSpec]]


def _listeners(result: RunResult, grid: Sequence[float]) -> Part:
    s = result.listeners
    columns: dict[str, Column] = {
        "listeners.waiting": list(s.waiting),
        "listeners.listening": list(s.listening),
        "listeners.concurrent": list(s.concurrent),
        "listeners.gave_up": list(s.gave_up),
        "listeners.booted": list(s.booted),
    }
    caps = _caps(result, grid)
    columns.update(caps)
    shown = ["listeners.waiting", "listeners.listening", "listeners.concurrent"]
    lost = ["listeners.gave_up", "listeners.booted"]
    return columns, [
        _with_caps(
            ChartSpec(id="listeners", title="Listeners by state", unit="count", columns=shown),
            caps,
        ),
        ChartSpec(id="lost", title="Gave up and booted (cumulative)", unit="count", columns=lost),
    ]


def _tiers(result: RunResult, grid: Sequence[float]) -> Part:
    columns: dict[str, Column] = {}
    load_charts: list[ChartSpec] = []
    failing: list[str] = []
    for name, tier in sorted(result.tiers.items()):
        key = f"tier.{name}"
        tier_columns = {
            f"{key}.offered_rps": tier.offered_rps,
            f"{key}.capacity_rps": tier.capacity_rps,
            f"{key}.attack_rps": tier.attack_rps,
            f"{key}.utilisation": tier.utilisation,
            f"{key}.backlog": tier.backlog,
            **{f"{key}.rejected_rps.{r}": v for r, v in sorted(tier.rejected_rps.items())},
            f"{key}.timed_out_rps": tier.timed_out_rps,
        }
        peaks = _peak_column(tier, key)
        tier_columns.update(peaks)
        columns.update({k: _on_grid(tier, v, grid) for k, v in tier_columns.items()})
        drawn = [f"{key}.offered_rps", *peaks, f"{key}.capacity_rps"]
        drawn += [f"{key}.attack_rps"] if any(tier.attack_rps) else []
        labels = {k: f"offered, busiest {tier.peak_bucket_s:g}s in each step" for k in peaks}
        load_charts.append(
            ChartSpec(
                id=f"load.{name}",
                title=f"{name}: offered vs capacity",
                unit="rps",
                columns=drawn,
                labels=labels,
            )
        )
        failing += [
            f"{key}.rejected_rps.{r}" for r, v in sorted(tier.rejected_rps.items()) if any(v)
        ]
        failing += [f"{key}.timed_out_rps"] if any(tier.timed_out_rps) else []
    rejections = ChartSpec(
        id="rejections",
        title="Rejected and timed-out requests by reason",
        unit="rps",
        columns=failing,
    )
    return columns, [*load_charts, rejections]


def _peak_column(tier: TierSeries, key: str) -> dict[str, list[float]]:
    """`<key>.offered_peak_rps`, the busiest server bucket's rate in each step, where the result
    recorded it (none in older results)."""
    if tier.peak_bucket_s is None or len(tier.offered_peak_rps) != len(tier.t):
        return {}
    return {f"{key}.offered_peak_rps": tier.offered_peak_rps}


def _on_grid(tier: TierSeries, values: list[float], grid: Sequence[float]) -> Column:
    """A tier's series on the grid: as it is when it shares the grid (results build them so),
    else the value of the step each grid point falls in (None outside the tier's span)."""
    if tier.t == list(grid):
        return list(values)
    return _hold(tier.t, values, grid)


def _hold(t: Sequence[float], values: Sequence[float | None], grid: Sequence[float]) -> Column:
    out: Column = []
    for g in grid:
        i = bisect.bisect_right(t, g) - 1
        out.append(values[i] if 0 <= i < len(values) and (i < len(t) - 1 or g == t[i]) else None)
    return out


def _errors(result: RunResult, grid: Sequence[float]) -> Part:
    """Failed requests per event second by message (all tiers), summed into grid steps."""
    step_s = grid_step_s(grid)
    by_message: dict[str, list[float]] = defaultdict(lambda: [0.0] * len(grid))
    for e in result.errors:
        slot = _slot(grid, e.t)
        if slot is not None:
            by_message[e.message][slot] += e.weight / step_s
    columns: dict[str, Column] = {
        f"errors.{message}": list(values) for message, values in sorted(by_message.items())
    }
    chart = ChartSpec(
        id="errors", title="Errors seen by listeners, by message", unit="rps", columns=list(columns)
    )
    return columns, [chart]


def _ttfa(result: RunResult, grid: Sequence[float]) -> Part:
    """Nearest-rank percentiles of the time to first audio of listeners whose audio came in
    each step (`result.ttfa` samples; none in older results)."""
    if result.ttfa is None:
        return {}, []
    samples: list[list[float]] = [[] for _ in grid]
    for t, ttfa_s in zip(result.ttfa.t, result.ttfa.ttfa_s, strict=True):
        slot = _slot(grid, t)
        if slot is not None:
            samples[slot].append(ttfa_s)
    for values in samples:
        values.sort()
    columns: dict[str, Column] = {
        f"ttfa.{name}_s": [nearest_rank(v, q) if v else None for v in samples]
        for name, q in QUANTILES
    }
    chart = ChartSpec(
        id="ttfa",
        title="Time to first audio, by when the audio came",
        unit="s",
        columns=list(columns),
    )
    return columns, [chart]


def _latency(result: RunResult, grid: Sequence[float]) -> Part:
    columns: dict[str, Column] = {}
    charts = []
    for tier, series in sorted(result.latency.items()):
        tier_columns = {
            f"latency.{tier}.p50_s": series.p50_s,
            f"latency.{tier}.p95_s": series.p95_s,
            f"latency.{tier}.p99_s": series.p99_s,
        }
        same_grid = series.t == list(grid)
        for key, values in tier_columns.items():
            columns[key] = list(values) if same_grid else _hold(series.t, values, grid)
        charts.append(
            ChartSpec(
                id=f"latency.{tier}",
                title=f"{tier}: request latency",
                unit="s",
                columns=list(tier_columns),
            )
        )
    return columns, charts


def _spaces(result: RunResult, grid: Sequence[float]) -> Part:
    """Server: each Space's concurrent listeners (empty in results written before it was),
    named with its room when the run had more than one, drawn with the rooms' caps."""
    drawn = [s for s in result.spaces if len(s.listeners) == len(grid)]
    columns: dict[str, Column] = {f"space.{s.ordinal}.listeners": list(s.listeners) for s in drawn}
    with_room = has_rooms(result)
    labels = {f"space.{s.ordinal}.listeners": space_label(s, with_room) for s in drawn}
    chart = ChartSpec(
        id="spaces",
        title="Listeners per Space (server)",
        unit="count",
        columns=list(columns),
        labels=labels,
    )
    if not drawn:
        return columns, [chart]
    caps = _caps(result, grid)
    return {**columns, **caps}, [_with_caps(chart, caps)]


def _caps(result: RunResult, grid: Sequence[float]) -> dict[str, Column]:
    """`cap.<room>`: the listener cap in force at each grid time (None: no cap then)."""
    columns: dict[str, Column] = {}
    for room in capped_rooms(result):
        steps = cap_steps(result, room)
        columns[f"cap.{room}"] = [cap_at(steps, t) for t in grid]
    return columns


def _with_caps(chart: ChartSpec, caps: dict[str, Column]) -> ChartSpec:
    """The chart with each cap that is ever set drawn as steps, labelled `cap <room>`."""
    drawn = [key for key, values in caps.items() if any(v is not None for v in values)]
    labels = {key: "cap " + key.removeprefix("cap.") for key in drawn}
    return chart.model_copy(
        update={
            "columns": [*chart.columns, *drawn],
            "labels": {**chart.labels, **labels},
            "steps": [*chart.steps, *drawn],
        }
    )


def grid_step_s(grid: Sequence[float]) -> float:
    """Event seconds between two grid times (1 for a grid of one)."""
    return grid[1] - grid[0] if len(grid) > 1 and grid[1] > grid[0] else 1.0


def _slot(grid: Sequence[float], t: float) -> int | None:
    """The grid step holding event time `t`; None before the grid or after its last step."""
    i = bisect.bisect_right(grid, t) - 1
    if not grid or i < 0 or t >= grid[-1] + grid_step_s(grid):
        return None
    return i
