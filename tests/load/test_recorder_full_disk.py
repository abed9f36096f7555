"""A load process whose observations can no longer be written (no space left) says so where the
run's backend looks, instead of going on recording nothing; /dev/full fails every write with
ENOSPC, without root or a tiny file system."""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import Any

import pytest

from simspace.load import recorder as recorder_module
from simspace.load.recorder import JsonlRecorder
from simspace.wire.load_failure import EXIT_WRITE_FAILED, LoadFailure, load_failure_file
from simspace.wire.observations import StateLine, observation_file

DEV_FULL = Path("/dev/full")
pytestmark = pytest.mark.skipif(not DEV_FULL.exists(), reason="needs /dev/full")


def _on_full_disk(directory: Path) -> None:
    observation_file(directory, os.getpid()).symlink_to(DEV_FULL)


def _arrival(t: float) -> StateLine:
    return StateLine(t=t, id=1, kind="arrived", w=10.0)


def test_a_full_disk_leaves_a_failure_file_and_stops_recording(tmp_path: Path) -> None:
    _on_full_disk(tmp_path)
    exits: list[int] = []
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0, exit_process=exits.append)
    recorder.state(_arrival(1.0))  # a whole line: written at once, and fails
    failure_path = load_failure_file(tmp_path, os.getpid())
    failure = LoadFailure.model_validate_json(failure_path.read_bytes())
    assert failure.pid == os.getpid()
    assert failure.message == (
        f"cannot write observations: {observation_file(tmp_path, os.getpid())}: "
        "No space left on device"
    )
    assert recorder.broken is not None
    assert exits == []
    failure_path.unlink()
    recorder.request(2.0, "api", "api: join", True, 10.0, 0.1)
    recorder.state(_arrival(3.0))
    recorder.flush()
    recorder.close()  # nothing more is tried, nothing raises, nothing is reported twice
    assert not failure_path.exists()


def test_a_failure_at_flush_is_reported_too(tmp_path: Path) -> None:
    _on_full_disk(tmp_path)
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0, exit_process=lambda code: None)
    recorder.request(2.0, "api", "api: join", True, 10.0, 0.1)  # aggregated until the flush
    assert not load_failure_file(tmp_path, os.getpid()).exists()
    recorder.flush()
    assert load_failure_file(tmp_path, os.getpid()).exists()


def test_a_file_that_cannot_be_opened_is_reported(tmp_path: Path) -> None:
    observation_file(tmp_path, os.getpid()).mkdir()  # opening it for appending fails
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0, exit_process=lambda code: None)
    recorder.state(_arrival(1.0))
    failure = load_failure_file(tmp_path, os.getpid()).read_text(encoding="utf-8")
    assert "Is a directory" in failure


def test_the_process_exits_when_not_even_the_failure_file_can_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _on_full_disk(tmp_path)

    def full(*_: Any, **__: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(recorder_module, "write_json", full)
    exits: list[int] = []
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0, exit_process=exits.append)
    recorder.state(_arrival(1.0))
    assert exits == [EXIT_WRITE_FAILED]


def test_a_healthy_recorder_writes_no_failure_file(tmp_path: Path) -> None:
    recorder = JsonlRecorder(tmp_path, bucket_s=10.0, exit_process=lambda code: None)
    recorder.state(_arrival(1.0))
    recorder.close()
    assert recorder.broken is None
    assert [p.name for p in tmp_path.iterdir()] == [f"observations-{os.getpid()}.jsonl"]
