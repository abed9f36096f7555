"""Two runs of one plan side by side, and where a run left its reference."""

from __future__ import annotations

from typing import Any

from simspace.judge.agreement import Agreement, disagreements
from simspace.results.model import RunResult
from tests.report import builders as b

MIN = 60.0


def _run(**metrics: Any) -> RunResult:
    values: dict[str, Any] = {"arrived": 100_000.0, "unique_listeners": 90_000.0}
    values["gave_up"] = 5_000.0
    values.update(metrics)
    delay = values.pop("start_delay_s", 40 * MIN)
    return b.result(start_delay_s=delay, spaces=[b.space(1, running_at=delay)], **values)


def test_runs_within_tolerance_agree() -> None:
    run = _run(unique_listeners=92_000.0, errors_seen={"Details not available": 1e6})
    reference = _run(errors_seen={"Details not available": 1.05e6})
    assert disagreements(run, reference, resolution_s=48.0) == []


def test_where_a_run_left_its_reference_is_named() -> None:
    run = _run(start_delay_s=44 * MIN, gave_up=30_000.0, errors_seen={"Could not fetch": 5e5})
    reference = _run(errors_seen={"Could not fetch": 1e5, "Details not available": 1e6})
    found = disagreements(run, reference, resolution_s=48.0)
    assert found == [
        "start delay: 2,640 s, 2,400 s in the reference",
        "gave up: 30,000, 5,000 in the reference (25% of the audience)",
        "errors 'Could not fetch': 500,000, 100,000 in the reference (36% of all errors)",
        "errors 'Details not available': 0, 1,000,000 in the reference (91% of all errors)",
    ]


def test_agreement_of_numbers_flags_and_texts() -> None:
    assert Agreement("x", 100.0, 90.0).relative == 0.1
    assert Agreement("x", 0.0, 0.0).relative == 0.0
    assert Agreement("x", None, None).relative is None
    assert Agreement("x", None, 3.0).relative == 1.0
    assert Agreement("v", "reproduced", "reproduced").relative is None
    assert Agreement("v", "reproduced", "not_reproduced").relative == 1.0
