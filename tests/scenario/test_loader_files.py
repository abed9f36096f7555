"""A scenario path that is not a small regular file is refused before a byte is read: a named
pipe would block the loader for ever, a link to /dev/zero would never end."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from simspace.errors import ScenarioError
from simspace.scenario.loader import MAX_FILE_BYTES, load_scenario


def _message(path: Path) -> str:
    with pytest.raises(ScenarioError) as raised:
        load_scenario(str(path))
    return str(raised.value)


def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "scenario.yaml"
    os.mkfifo(fifo)
    assert f"{fifo}:1:1: a named pipe (FIFO), not a regular file: refused" in _message(fifo)


def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "scenario.yaml"
    link.symlink_to("/dev/zero")
    assert "a character device, not a regular file: refused" in _message(link)


def test_a_large_file_says_a_scenario_is_a_small_text(tmp_path: Path) -> None:
    big = tmp_path / "scenario.yaml"
    big.write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    assert "a scenario is a small text" in _message(big)
