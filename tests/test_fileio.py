"""Reading files back safely (a regular file, a size cap, UTF-8, strict JSON, the model) and
writing them atomically with the target path named when the write fails."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict

from simspace.errors import UnreadableFileError
from simspace.fileio import read_model, read_small_file, strict_json_text, write_atomic


class _Point(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    x: float
    y: float


def _refused(path: Path, max_bytes: int = 1000) -> str:
    with pytest.raises(UnreadableFileError) as caught:
        read_small_file(path, max_bytes)
    assert caught.value.path == str(path)
    return caught.value.reason


def test_a_regular_file_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"0123456789")
    assert read_small_file(path, 10) == b"0123456789"


def test_a_symbolic_link_to_a_regular_file_is_followed(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_bytes(b"{}")
    (tmp_path / "link.json").symlink_to(tmp_path / "a.json")
    assert read_small_file(tmp_path / "link.json", 10) == b"{}"


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "result.json"
    os.mkfifo(fifo)
    answer: list[str] = []
    reader = threading.Thread(target=lambda: answer.append(_refused(fifo)), daemon=True)
    reader.start()
    reader.join(timeout=10.0)  # a blocking open would wait forever for a writer
    assert answer == ["a named pipe (FIFO), not a regular file: refused"]


def test_a_link_to_dev_zero_is_refused_before_a_byte_is_read(tmp_path: Path) -> None:
    link = tmp_path / "result.json"
    link.symlink_to("/dev/zero")
    assert _refused(link) == "a character device, not a regular file: refused"


def test_a_directory_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "result.json").mkdir()
    assert _refused(tmp_path / "result.json") == "a directory, not a regular file: refused"
    assert _refused(tmp_path / "none.json") == "cannot read: No such file or directory"


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"x" * 11)
    assert _refused(path, max_bytes=10) == "11 bytes, more than the 10 bytes such a file may have"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"x": NaN}', "not strict JSON: NaN is not a JSON number"),
        (b'{"x": Infinity}', "not strict JSON: Infinity is not a JSON number"),
        (b'{"x": -Infinity}', "not strict JSON: -Infinity is not a JSON number"),
        (b'{"x": 1e999}', "not strict JSON: 1e999 is beyond a float's range"),
        (b'{"x": 1,}', "not strict JSON: Expecting property name enclosed in double quotes"),
        (b'{"x": "\xff"}', "not UTF-8 text (byte 0xff at offset 7)"),
        (b"[" * 100_000 + b"]" * 100_000, "not strict JSON: nested too deeply"),
    ],
)
def test_json_that_python_would_accept_or_choke_on_is_refused(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(UnreadableFileError) as caught:
        strict_json_text(path, 1_000_000)
    assert caught.value.reason.startswith(reason)
    assert str(caught.value).startswith(f"{path}: {reason}")


def test_a_model_is_read_and_a_wrong_one_named(tmp_path: Path) -> None:
    path = tmp_path / "point.json"
    path.write_text('{"x": 1.5, "y": 2}', encoding="utf-8")
    assert read_model(path, _Point, 100) == _Point(x=1.5, y=2.0)
    path.write_text('{"x": 1.5, "z": 2}', encoding="utf-8")
    with pytest.raises(UnreadableFileError) as caught:
        read_model(path, _Point, 100)
    assert caught.value.reason == (
        "not a valid _Point (2 problems, the first at y; written by another simspace version?)"
    )


def test_a_failed_write_names_the_target_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "result.json"
    path.write_text("old", encoding="utf-8")

    def full(*_: Any) -> Any:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError, match="No space left on device") as caught:
        write_atomic(path, "new")
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.filename == str(path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


def test_a_write_under_a_file_names_the_target(tmp_path: Path) -> None:
    (tmp_path / "runs").write_text("a file, not a directory", encoding="utf-8")
    target = tmp_path / "runs" / "result.json"
    with pytest.raises(NotADirectoryError) as caught:
        write_atomic(target, "{}")
    assert caught.value.filename == str(target)
