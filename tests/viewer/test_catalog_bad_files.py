"""A run directory with a file no run wrote (a named pipe, NaN, bytes that are not UTF-8) is an
unreadable row of the index, never a viewer that hangs or fails for every run."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from simspace.viewer.catalog import Catalog, RunEntry, read_live
from tests.viewer.rundirs import live_status, write_live, write_run

NAME = "20261130T074332Z-base"


def _entries_soon(catalog: Catalog) -> dict[str, RunEntry]:
    """The catalog's entries, read in a thread: a blocking read fails the test, not the run."""
    found: list[list[RunEntry]] = []
    reader = threading.Thread(target=lambda: found.append(catalog.entries()), daemon=True)
    reader.start()
    reader.join(timeout=20.0)
    assert found, "reading the catalog blocked"
    return {entry.name: entry for entry in found[0]}


def test_a_named_pipe_for_scenario_json_is_an_unreadable_run(tmp_path: Path) -> None:
    run = write_run(tmp_path, NAME)
    (run / "scenario.json").unlink()
    os.mkfifo(run / "scenario.json")
    good = write_run(tmp_path, "20261130T084332Z-base")
    entries = _entries_soon(Catalog([tmp_path]))
    assert entries[NAME].status == "unreadable"
    assert entries[NAME].problem == (
        "scenario.json: a named pipe (FIFO), not a regular file: refused"
    )
    assert entries[good.name].status == "completed"


def test_nan_and_bad_bytes_in_result_json_are_unreadable_runs(tmp_path: Path) -> None:
    nan = write_run(tmp_path, NAME)
    text = (nan / "result.json").read_text(encoding="utf-8")
    spoiled = re.sub(r'"wall_s": [-0-9.eE+]+', '"wall_s": NaN', text, count=1)
    (nan / "result.json").write_text(spoiled, encoding="utf-8")
    bad_bytes = write_run(tmp_path, "20261130T084332Z-base")
    (bad_bytes / "result.json").write_bytes(b'{"scenario": "\xff"}')
    entries = _entries_soon(Catalog([tmp_path]))
    assert entries[NAME].status == "unreadable"
    assert entries[NAME].problem == "result.json: not strict JSON: NaN is not a JSON number"
    assert entries[bad_bytes.name].status == "unreadable"
    assert (entries[bad_bytes.name].problem or "").startswith("result.json: not UTF-8 text")


def test_a_named_pipe_for_live_json_gives_no_live_view(tmp_path: Path) -> None:
    partial = write_live(tmp_path / ".20261130T074332Z-base.partial", live_status())
    (partial / "live.json").unlink()
    os.mkfifo(partial / "live.json")
    found: list[object] = []
    reader = threading.Thread(target=lambda: found.append(read_live(partial)), daemon=True)
    reader.start()
    reader.join(timeout=20.0)
    assert found == [None]
