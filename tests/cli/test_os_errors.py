"""The system saying no (a path that cannot be read or written, a port in use, a full disk, a
closed stdout) through the real CLI: one line naming the path or port and an exit code CI can
tell from a failed gate (2: the user's path or port; 3: the run failed midway), never a
traceback with exit 1."""

from __future__ import annotations

import errno
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from simspace.cli.main import main
from tests.run.cli_runs import ROOT
from tests.viewer.rundirs import write_run

CI_SMOKE = ROOT / "scenarios" / "ci_smoke.yaml"
MEMORY_CAP_BYTES = 2 * 1024**3
"""A child that reads a link to /dev/zero whole stops here, not at the machine's memory."""
AS_ROOT = os.geteuid() == 0
ROOT_SKIP = pytest.mark.skipif(AS_ROOT, reason="root writes into read-only directories")


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str

    def one_line_error(self) -> str:
        """The single line the CLI printed on stderr (and not a traceback)."""
        assert "Traceback" not in self.stderr, self.stderr
        lines = self.stderr.strip().splitlines()
        assert len(lines) == 1, self.stderr
        return lines[0]


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP_BYTES, MEMORY_CAP_BYTES))


def simspace(
    args: Sequence[str],
    timeout_s: float = 120.0,
    preexec: Callable[[], None] = _capped,
    stdout: int = subprocess.PIPE,
) -> Done:
    done = subprocess.run(
        [sys.executable, "-m", "simspace", *args],
        cwd=ROOT,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout_s,
        preexec_fn=preexec,
        env={**os.environ, "COLUMNS": "200"},
        check=False,
    )
    return Done(done.returncode, done.stdout or "", done.stderr)


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """A finished run directory of small_space, as `simspace run` leaves it."""
    return write_run(tmp_path / "runs", "20261130T074332Z-base")


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/zero")


def _nan(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"wall_s": [-0-9.eE+]+', '"wall_s": NaN', text, count=1), "utf-8")


def _not_utf8(path: Path) -> None:
    path.write_bytes(path.read_bytes().replace(b'"small_space"', b'"small_\xff_space"', 1))


def _huge_number(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'"wall_s": [-0-9.eE+]+', '"wall_s": 1e999', text, count=1), "utf-8")


@pytest.mark.parametrize(
    ("spoil", "reason"),
    [
        (_fifo, "a named pipe (FIFO), not a regular file: refused"),
        (_dev_zero, "a character device, not a regular file: refused"),
        (_nan, "not strict JSON: NaN is not a JSON number"),
        (_huge_number, "not strict JSON: 1e999 is beyond a float's range"),
        (_not_utf8, "not UTF-8 text (byte 0xff at offset "),
    ],
    ids=["fifo", "dev-zero", "nan", "1e999", "not-utf8"],
)
def test_report_refuses_a_bad_result_json_before_writing_anything(
    run_dir: Path, spoil: Callable[[Path], None], reason: str
) -> None:
    result = run_dir / "result.json"
    spoil(result)
    done = simspace(["report", str(run_dir)], timeout_s=60.0)
    assert done.returncode == 2
    assert done.one_line_error().startswith(f"error: {result}: {reason}")
    assert not (run_dir / "comparison.json").exists()
    assert not (run_dir / "gates.json").exists()


def test_report_reads_every_run_before_writing_into_one(run_dir: Path, tmp_path: Path) -> None:
    bad = write_run(tmp_path / "other", "20261130T080000Z-base")
    _nan(bad / "result.json")
    done = simspace(["report", str(run_dir), str(bad)], timeout_s=60.0)
    assert done.returncode == 2
    assert f"{bad / 'result.json'}: not strict JSON" in done.one_line_error()
    assert not (run_dir / "comparison.json").exists()


def test_report_into_a_run_directory_it_cannot_write(run_dir: Path) -> None:
    (run_dir / "comparison.json").mkdir()  # no file can replace it, even for root
    done = simspace(["report", str(run_dir)], timeout_s=60.0)
    assert done.returncode == 2
    assert done.stderr.strip() == (f"error: {run_dir}: cannot write the reports: Is a directory"), (
        done.stderr
    )


@ROOT_SKIP
def test_report_into_a_read_only_run_directory(run_dir: Path) -> None:
    run_dir.chmod(0o555)
    try:
        done = simspace(["report", str(run_dir)], timeout_s=60.0)
    finally:
        run_dir.chmod(0o755)
    assert done.returncode == 2
    assert done.one_line_error() == (
        f"error: {run_dir}: cannot write the reports: Permission denied"
    )


def test_report_without_permission_to_write_names_the_run_directory(
    run_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """What a read-only run directory does for a user who is not root, in process."""

    def denied(*_: object, **__: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    assert main(["report", str(run_dir)]) == 2
    assert capsys.readouterr().err.strip() == (
        f"error: {run_dir}: cannot write the reports: Permission denied"
    )


def test_run_with_an_output_that_is_a_file(tmp_path: Path) -> None:
    output = tmp_path / "runs"
    output.write_text("a file", encoding="utf-8")
    done = simspace(["run", str(CI_SMOKE), "--engine", "virtual", "--output", str(output)])
    assert done.returncode == 2
    assert done.one_line_error() == (
        f"error: {output / 'ci_smoke'}: cannot create a run directory: Not a directory"
    )


@ROOT_SKIP
def test_run_into_a_read_only_output_directory(tmp_path: Path) -> None:
    output = tmp_path / "runs"
    output.mkdir(mode=0o555)
    done = simspace(["run", str(CI_SMOKE), "--engine", "virtual", "--output", str(output)])
    assert done.returncode == 2
    assert done.one_line_error() == (
        f"error: {output / 'ci_smoke'}: cannot create a run directory: Permission denied"
    )


def test_schema_into_a_path_under_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file", encoding="utf-8")
    target = tmp_path / "out" / "schema.json"
    done = simspace(["schema", "-o", str(target)])
    assert done.returncode == 2
    assert done.one_line_error() == f"error: {target}: cannot write: Not a directory"


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


@pytest.mark.parametrize(
    "command",
    [["serve", str(CI_SMOKE)], ["view", str(ROOT / "tests" / "data")]],
    ids=["serve", "view"],
)
def test_a_port_in_use(command: list[str], taken_port: int) -> None:
    done = simspace([*command, "--port", str(taken_port)])
    assert done.returncode == 2
    assert done.one_line_error() == (
        f"error: cannot listen on 127.0.0.1:{taken_port}: Address already in use"
    )


@pytest.mark.e2e
def test_a_run_whose_stdout_reader_is_gone_still_writes_its_result(tmp_path: Path) -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # like `| head -1` having exited: every write to stdout fails
    try:
        args = ["run", str(CI_SMOKE), "--engine", "virtual", "--scale", "1/10000"]
        done = simspace([*args, "--output", str(tmp_path)], timeout_s=240.0, stdout=write_fd)
    finally:
        os.close(write_fd)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stderr
    (result,) = tmp_path.glob("ci_smoke/*/result.json")
    assert json.loads(result.read_text(encoding="utf-8"))["status"] == "completed"


FILE_SIZE_CAP_BYTES = 64 * 1024
"""Over this, every write fails (EFBIG, as a full disk fails with ENOSPC): the run's own small
files fit, the observations of a Locust run of ci_smoke (about 300 kB) do not."""


def _small_disk() -> None:
    _capped()
    resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_CAP_BYTES, FILE_SIZE_CAP_BYTES))


@pytest.mark.slow
@pytest.mark.e2e
def test_a_full_disk_stops_a_locust_run_at_once(tmp_path: Path) -> None:
    done = simspace(
        ["run", str(CI_SMOKE), "--output", str(tmp_path)], timeout_s=300.0, preexec=_small_disk
    )
    assert done.returncode == 3, done.stderr
    assert done.one_line_error().startswith("run failed: ")
    (partial,) = tmp_path.glob("ci_smoke/.*.partial")  # what was written is kept
    (failure,) = partial.glob("observations/load-failure-*.json")
    assert "cannot write observations" in failure.read_text(encoding="utf-8")
    live = json.loads((partial / "live.json").read_text(encoding="utf-8"))
    assert live["state"] == "failed"
    assert "cannot write observations" in live["message"]
    assert live["progress"] < 1.0  # stopped midway, not at the window's end


def test_write_run_helper_writes_what_report_reads(run_dir: Path) -> None:
    """The fixture is a readable run: the refusals above are about the spoiled file alone."""
    done = simspace(["report", str(run_dir)], timeout_s=60.0)
    assert done.returncode in (0, 1), done.stderr
    assert "Traceback" not in done.stderr
    assert (run_dir / "comparison.json").exists()
