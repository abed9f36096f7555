"""The run session below the CLI, on an in-process backend: no child processes, no HTTP. Shows
that an engine only has to implement `Backend` to get a complete run directory."""

from __future__ import annotations

import io
import json
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from simspace.errors import RunError
from simspace.results.model import STUB_OBSERVER, RunResult
from simspace.results.observations import Observations
from simspace.run.backends import RunContext
from simspace.run.options import RunOptions
from simspace.run.session import execute_run
from simspace.scenario import load_scenario
from simspace.wire.ground_truth import (
    GroundTruth,
    LedgerDump,
    PlatformState,
    SpaceColumns,
    SpaceSnapshot,
    TimelineDump,
)
from simspace.wire.live import LIVE_FILE, LiveStatus
from simspace.wire.observations import StateLine, encode_line
from tests.run.cli_runs import SMALL


class InProcessBackend:
    """A backend whose 'platform' is a fixed ground truth and whose listeners are two lines."""

    observer = STUB_OBSERVER
    platform_note = "(in process)"
    real_time = True

    def __init__(self, context: RunContext, fail: bool = False) -> None:
        self.context = context
        self.fail = fail
        self.stopped = False
        self._observations = Observations()
        for line in (
            StateLine(t=60.0, id=1, kind="arrived", w=10.0),
            StateLine(t=130.0, id=1, kind="playing", w=10.0, ttfa_s=1.0, waited_s=70.0),
        ):
            self._observations.add_line(encode_line(line))

    async def start(self, stack: AsyncExitStack) -> None:
        stack.callback(self._stop)

    def _stop(self) -> None:
        self.stopped = True

    def event_time(self) -> float:
        return self.context.clock.now()

    def failure(self) -> RunError | None:
        return RunError("the in-process platform fell over") if self.fail else None

    async def live_state(self) -> PlatformState | None:
        return None

    async def ground_truth(self, *, live: bool = False) -> GroundTruth:
        t0 = self.context.plan.t_begin
        return GroundTruth(
            timeline=TimelineDump(
                origin_t=t0,
                bucket_s=60.0,
                t=[t0, t0 + 60.0],
                spaces=[SpaceColumns(index=1, listeners=[0.0, 10.0])],
            ),
            ledger=LedgerDump(spaces=[SpaceSnapshot(index=1, host="host", running_at=120.0)]),
        )

    def observations(self) -> Observations:
        return self._observations

    def links(self) -> list[tuple[str, str]]:
        return []

    def observed_until(self) -> float | None:
        return None

    def verify(self, result: RunResult) -> RunResult:
        return result

    def sample_cpu(self) -> float:
        return 0.0

    def cpu_samples(self) -> list[float]:
        return []


async def test_a_backend_failure_ends_the_run_with_partial_results(tmp_path: Path) -> None:
    made: list[InProcessBackend] = []

    def make(context: RunContext, options: RunOptions) -> InProcessBackend:
        made.append(InProcessBackend(context, fail=True))
        return made[-1]

    options = RunOptions(output_root=tmp_path, duration_s=2.0)
    console = Console(file=io.StringIO(), width=100)
    with pytest.raises(RunError, match="fell over") as raised:
        await execute_run(load_scenario(str(SMALL)), options, console, make_backend=make)
    assert isinstance(raised.value.__cause__, RunError)  # the backend's own error, kept
    assert made[0].stopped
    (run_dir,) = (tmp_path / "small_space").iterdir()
    result = json.loads((run_dir / "result.json").read_text(encoding="utf-8"))
    assert result["status"] == "failed"
    assert result["failure"] == "the in-process platform fell over"
    assert result["metrics"]["start_delay_s"] == 120.0
    assert (run_dir / "report.html").exists()
    live = LiveStatus.model_validate_json((run_dir / LIVE_FILE).read_text(encoding="utf-8"))
    assert (live.state, live.message) == ("failed", "the in-process platform fell over")


@pytest.mark.slow
async def test_a_run_on_an_in_process_backend_completes(tmp_path: Path) -> None:
    made: list[InProcessBackend] = []

    def make(context: RunContext, options: RunOptions) -> InProcessBackend:
        made.append(InProcessBackend(context))
        return made[-1]

    options = RunOptions(output_root=tmp_path, duration_s=2.0)
    console = Console(file=io.StringIO(), width=100)
    outcome = await execute_run(load_scenario(str(SMALL)), options, console, make_backend=make)
    assert made[0].stopped
    assert outcome.result.status == "completed"
    assert outcome.result.metrics.unique_listeners == 10.0
    assert outcome.result.metrics.peak_listeners == 10.0
    assert (outcome.directory / "junit.xml").exists()
    live = LiveStatus.model_validate_json((outcome.directory / LIVE_FILE).read_text("utf-8"))
    assert (live.state, live.message, live.engine) == ("completed", None, "stub")
    assert live.samples
    assert live.t == live.samples[-1].t  # the last write kept the last second's numbers
    assert "(in process)" in console.file.getvalue()  # type: ignore[attr-defined]


async def test_the_result_records_start_time_labels_and_revision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("simspace.run.session.git_revision", lambda: "3f2a9c1-dirty")
    options = RunOptions(output_root=tmp_path, duration_s=2.0, labels={"build": "candidate"})
    console = Console(file=io.StringIO(), width=100)
    before = datetime.now(UTC).replace(microsecond=0)
    with pytest.raises(RunError):  # the quickest way through a whole session
        await execute_run(
            load_scenario(str(SMALL)),
            options,
            console,
            make_backend=lambda context, _: InProcessBackend(context, fail=True),
        )
    after = datetime.now(UTC)
    (run_dir,) = (tmp_path / "small_space").iterdir()
    result = RunResult.model_validate_json((run_dir / "result.json").read_text(encoding="utf-8"))
    assert (result.labels, result.revision) == ({"build": "candidate"}, "3f2a9c1-dirty")
    assert result.started_at is not None
    started = datetime.strptime(result.started_at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= started <= after
