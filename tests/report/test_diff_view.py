"""`simspace diff` in the console: values by unit, deltas, the regression lines and the table."""

from __future__ import annotations

from rich.console import Console

from simspace.judge.diff import MetricDelta, RunDiff
from simspace.report.diff_view import DiffTable, format_delta, format_value, regression_line


def delta(metric: str, unit: str, base: float | None, new: float | None) -> MetricDelta:
    change = None if base is None or new is None else new - base
    return MetricDelta(
        metric=metric, label=metric.replace("_", " "), unit=unit, higher_is_better=False,
        base=base, new=new, delta=change,
        relative=None if change is None or not base else change / abs(base),
        change="n/a" if change is None else "worse" if change > 0 else "same",
        regressed=change is None or change > 0,
    )  # fmt: skip


def test_values_print_in_their_unit() -> None:
    assert format_value("s", 2.5) == "2.5s"
    assert format_value("s", 150.0) == "2m30s"
    assert format_value("ratio", 0.025) == "2.50%"
    assert format_value("count", 1_234_567.0) == "1.23M"
    assert format_value("rps", 950.0) == "950 req/s"
    assert format_value("s", None) == "-"


def test_deltas_say_the_change_and_its_share_of_the_base() -> None:
    assert format_delta(delta("ttfa_s.p95", "s", 4.0, 6.0)) == "+2s (+50%)"
    assert format_delta(delta("error_ratio", "ratio", 0.0, 0.002)) == "+0.20%"  # no base share
    assert format_delta(delta("error_ratio", "ratio", 0.02, 0.02)) == "0"
    assert format_delta(delta("start_delay_s", "s", 60.0, None)) == "-"


def test_regression_lines() -> None:
    slower = delta("ttfa_s.p95", "s", 4.0, 6.0)
    assert (
        regression_line(slower, 0.1) == "REGRESSED ttfa_s.p95: 4s -> 6s (+2s (+50%)), threshold 10%"
    )
    lost = delta("start_delay_s", "s", 60.0, None)
    assert (
        regression_line(lost, 0.1)
        == "REGRESSED start_delay_s: no value in the new run, threshold 10%"
    )


def test_the_table_at_a_fixed_width() -> None:
    rows = [delta("ttfa_s.p95", "s", 4.0, 6.0), delta("error_ratio", "ratio", 0.02, 0.02)]
    diff = RunDiff(scenario="x", base_run="main-run", new_run="pr-run", rows=rows,
                   max_regression=0.1, regressions=["ttfa_s.p95"])  # fmt: skip
    console = Console(width=100, record=True, color_system=None)
    console.print(DiffTable(diff))
    text = console.export_text()
    lines = text.splitlines()
    assert "main-run" in lines[0]
    assert "pr-run" in lines[0]
    ttfa_line = next(line for line in lines if line.lstrip().startswith("ttfa s.p95"))
    assert ttfa_line.split() == ["ttfa", "s.p95", "4s", "6s", "+2s", "(+50%)", "REGRESSED"]
    error_line = next(line for line in lines if line.lstrip().startswith("error ratio"))
    assert error_line.split() == ["error", "ratio", "2.00%", "2.00%", "0", "same"]
    assert lines[-1] == "pr-run against main-run: 1 gated metric regressed beyond 10%"
