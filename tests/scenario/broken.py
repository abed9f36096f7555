"""Broken scenarios for the table-driven loader tests: textual edits of data/minimal.yaml, and the
exact problem lines the loader must report for each."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from simspace.errors import ScenarioError
from simspace.scenario.loader import load_scenario

BASE = Path(__file__).parent / "data" / "minimal.yaml"


@dataclass(frozen=True)
class Edit:
    """On line `line` of the base file, replace `old` with `new` (which may add lines with
    `\\n`); `new=None` deletes the whole line, which must then equal `old`."""

    line: int
    old: str
    new: str | None


@dataclass(frozen=True)
class Broken:
    id: str
    edits: tuple[Edit, ...]
    problems: tuple[str, ...]  # each problem line without the leading file name
    notes: str = field(default="", compare=False)


def build(edits: tuple[Edit, ...]) -> str:
    lines: list[str | None] = list(BASE.read_text(encoding="utf-8").splitlines())
    for edit in edits:
        current = lines[edit.line - 1]
        assert current is not None, f"line {edit.line} edited twice"
        if edit.new is None:
            assert current == edit.old, f"line {edit.line} is {current!r}, not {edit.old!r}"
            lines[edit.line - 1] = None
        else:
            assert edit.old in current, f"{edit.old!r} is not on line {edit.line}: {current!r}"
            lines[edit.line - 1] = current.replace(edit.old, edit.new, 1)
    return "\n".join(line for line in lines if line is not None) + "\n"


def write(tmp_path: Path, edits: tuple[Edit, ...]) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(build(edits), encoding="utf-8")
    return path


def reported(path: Path) -> list[str]:
    """The problem lines loading `path` reports."""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    return [str(p) for p in caught.value.problems]


def validate_cli(path: Path) -> list[str]:
    """`simspace validate PATH` as a subprocess: checks it exits 2 with no traceback, and returns
    its stderr lines."""
    done = subprocess.run(
        [sys.executable, "-m", "simspace", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return done.stderr.splitlines()
