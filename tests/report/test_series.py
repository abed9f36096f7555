"""A run's time series as one table (`simspace export`, the viewer's charts): every column on
the result's grid, values as the result holds them, CSV that reads back to the same table."""

from __future__ import annotations

import csv
import io

from simspace.report.series import SeriesTable, event_series, to_csv
from simspace.results.model import ErrorCount, LatencySeries, RunResult, TierSeries, TtfaSamples
from tests.report.builders import caps, result, space

GRID = [0.0, 60.0, 120.0, 180.0, 240.0, 300.0]


def tier() -> TierSeries:
    return TierSeries(
        t=GRID,
        offered_rps=[0.0, 100.0, 400.0, 300.0, 50.0, 0.0],
        capacity_rps=[200.0] * 6,
        utilisation=[0.0, 0.5, 1.0, 1.0, 0.25, 0.0],
        backlog=[0.0, 0.0, 500.0, 100.0, 0.0, 0.0],
        rejected_rps={"overload": [0.0, 0.0, 150.0, 80.0, 0.0, 0.0], "rate_limited": [0.0] * 6},
        timed_out_rps=[0.0, 0.0, 50.0, 20.0, 0.0, 0.0],
        attack_rps=[0.0] * 6,
    )


def sample_run() -> RunResult:
    base = result(
        t_begin=0.0,
        t_end=300.0,
        waiting=lambda t: t * 10,
        concurrent=lambda t: t * 100,
        spaces=[space(1, running_at=30.0, peak=30_000.0, listeners=[t * 100 for t in GRID])],
    )
    assert base.listeners.t == GRID
    return base.model_copy(
        update={
            "tiers": {"api": tier()},
            "errors": [
                ErrorCount(t=125.0, tier="api", message="Details not available", weight=600.0),
                ErrorCount(t=130.0, tier="api", message="Details not available", weight=600.0),
                ErrorCount(t=190.0, tier="cdn", message="Could not fetch, sorry", weight=60.0),
            ],
            "ttfa": TtfaSamples(t=[61.0, 62.0, 65.0, 130.0], ttfa_s=[1.0, 3.0, 2.0, 10.0], total=4),
            "latency": {
                "api": LatencySeries(
                    t=GRID,
                    p50_s=[None, 0.1, 0.5, 0.4, 0.1, None],
                    p95_s=[None, 0.2, 2.0, 1.0, 0.2, None],
                    p99_s=[None, 0.3, 4.0, 2.0, 0.3, None],
                )
            },
        }
    )


def test_every_column_is_aligned_with_the_grid() -> None:
    table = event_series(sample_run())
    assert table.t == GRID
    assert all(len(values) == len(GRID) for values in table.columns.values())
    for chart in table.charts:
        assert chart.columns, chart.id
        assert set(chart.columns) <= set(table.columns)


def test_values_are_the_results() -> None:
    run = sample_run()
    columns = event_series(run).columns
    assert columns["listeners.waiting"] == run.listeners.waiting
    assert columns["listeners.concurrent"] == run.listeners.concurrent
    assert columns["tier.api.offered_rps"] == tier().offered_rps
    assert columns["tier.api.rejected_rps.overload"] == tier().rejected_rps["overload"]
    assert columns["latency.api.p95_s"] == [None, 0.2, 2.0, 1.0, 0.2, None]
    assert columns["space.1.listeners"] == [t * 100 for t in GRID]


def test_errors_are_failures_per_event_second_by_message() -> None:
    columns = event_series(sample_run()).columns
    assert columns["errors.Details not available"] == [0.0, 0.0, 20.0, 0.0, 0.0, 0.0]
    assert columns["errors.Could not fetch, sorry"] == [0.0, 0.0, 0.0, 1.0, 0.0, 0.0]


def test_ttfa_percentiles_per_step_by_when_the_audio_came() -> None:
    columns = event_series(sample_run()).columns
    assert columns["ttfa.p50_s"] == [None, 2.0, 10.0, None, None, None]
    assert columns["ttfa.p95_s"] == [None, 3.0, 10.0, None, None, None]


def test_charts_in_order_and_empty_ones_left_out() -> None:
    charts = event_series(sample_run()).charts
    ids = [c.id for c in charts]
    assert ids == ["listeners", "lost", "load.api", "rejections", "errors", "ttfa",
                   "latency.api", "spaces"]  # fmt: skip
    rejections = next(c for c in charts if c.id == "rejections")
    assert rejections.columns == ["tier.api.rejected_rps.overload", "tier.api.timed_out_rps"]


def test_an_older_result_has_listeners_only() -> None:
    table = event_series(result(t_begin=0.0, t_end=300.0))
    assert [c.id for c in table.charts] == ["listeners", "lost"]
    assert all(key.startswith("listeners.") for key in table.columns)


def capped_run() -> RunResult:
    """sample_run with a second Space in overflow room b, the main room capped at 20k from the
    start and raised to 25k at 150 s, room b capped at 4k from 100 s to 250 s."""
    run = sample_run()
    overflow = space(2, room="b", created_at=100.0, listeners=[0.0, 0.0, 3e3, 4e3, 0.0, 0.0])
    steps = caps((0.0, "main", 2e4), (100.0, "b", 4e3), (150.0, "main", 2.5e4), (250.0, "b", None))
    return run.model_copy(update={"spaces": [*run.spaces, overflow], "caps": steps})


def test_each_rooms_cap_is_a_column_of_the_cap_in_force_at_each_grid_time() -> None:
    columns = event_series(capped_run()).columns
    assert columns["cap.main"] == [2e4, 2e4, 2e4, 2.5e4, 2.5e4, 2.5e4]
    assert columns["cap.b"] == [None, None, 4e3, 4e3, 4e3, None]
    assert list(columns).index("cap.main") < list(columns).index("cap.b")
    assert not any(key.startswith("cap.") for key in event_series(sample_run()).columns)


def test_caps_are_drawn_as_labelled_steps_on_the_listeners_and_spaces_charts() -> None:
    charts = {c.id: c for c in event_series(capped_run()).charts}
    for chart in (charts["listeners"], charts["spaces"]):
        assert chart.columns[-2:] == ["cap.main", "cap.b"]
        assert chart.steps == ["cap.main", "cap.b"]
        assert chart.labels["cap.main"] == "cap main"
        assert chart.labels["cap.b"] == "cap b"
    assert charts["spaces"].labels["space.1.listeners"] == "Space 1 (main)"
    assert charts["spaces"].labels["space.2.listeners"] == "Space 2 (b)"
    assert charts["lost"].steps == []
    plain = {c.id: c for c in event_series(sample_run()).charts}
    assert plain["spaces"].labels == {"space.1.listeners": "Space 1"}
    assert plain["listeners"].steps == []


def test_a_cap_never_set_is_a_column_but_not_a_line() -> None:
    run = sample_run().model_copy(update={"caps": caps((0.0, "main", None))})
    table = event_series(run)
    assert table.columns["cap.main"] == [None] * len(GRID)
    assert all("cap.main" not in chart.columns for chart in table.charts)


def test_csv_has_an_empty_cell_where_a_room_had_no_cap() -> None:
    rows = list(csv.reader(io.StringIO(to_csv(event_series(capped_run())))))
    b = rows[0].index("cap.b")
    assert [row[b] for row in rows[1:]] == ["", "", "4000.0", "4000.0", "4000.0", ""]


def test_csv_reads_back_to_the_same_table() -> None:
    table = event_series(capped_run())
    rows = list(csv.reader(io.StringIO(to_csv(table))))
    assert rows[0] == ["t_s", *table.columns]
    assert len(rows) == 1 + len(GRID)
    read: dict[str, list[float | None]] = {name: [] for name in rows[0]}
    for line in rows[1:]:
        assert len(line) == len(rows[0])
        for name, cell in zip(rows[0], line, strict=True):
            read[name].append(float(cell) if cell else None)
    assert read.pop("t_s") == table.t
    assert read == table.columns


def test_the_table_round_trips_as_json() -> None:
    table = event_series(capped_run())
    assert SeriesTable.model_validate_json(table.model_dump_json()) == table
