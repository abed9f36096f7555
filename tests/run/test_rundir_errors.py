"""A run directory that cannot be created is the user's path (exit 2, nothing run): a file in
the way, every name of this second taken."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.errors import OutputPathError
from simspace.run import rundir as rundir_module
from simspace.run.rundir import RunDirectory


def test_an_output_root_that_is_a_file_is_named(tmp_path: Path) -> None:
    root = tmp_path / "runs"
    root.write_text("not a directory", encoding="utf-8")
    with pytest.raises(OutputPathError) as caught:
        RunDirectory.create(root, "ci_smoke", None)
    assert caught.value.path == str(root / "ci_smoke")
    assert caught.value.reason == "cannot create a run directory: Not a directory"


def test_every_name_taken_is_an_output_path_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(rundir_module, "utc_stamp", lambda: "20261130T120000Z")
    first = RunDirectory.create(tmp_path, "ci_smoke", None, max_tries=2)
    second = RunDirectory.create(tmp_path, "ci_smoke", None, max_tries=2)
    assert (first.work.name, second.work.name) == (
        ".20261130T120000Z-base.partial",
        ".20261130T120000Z-base-1.partial",
    )
    with pytest.raises(OutputPathError) as caught:
        RunDirectory.create(tmp_path, "ci_smoke", None, max_tries=2)
    assert str(caught.value) == (
        f"{tmp_path / 'ci_smoke'}: no free run directory name: 20261130T120000Z-base and 1 more "
        "taken"
    )
