"""The distributed-run options are checked before anything runs: what needs --master, what
--master needs, and the loopback-only rule for the stub's address and the master to join."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.cli.main import main
from simspace.errors import UsageError
from simspace.run.worker import parse_master

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--expect-workers", "2"], "apply with --master only"),
        (["--stub-port", "8000"], "apply with --master only"),
        (["--master"], "--master needs --expect-workers N"),
        (["--master", "--expect-workers", "2", "--engine", "virtual"], "--engine virtual"),
        (["--master", "--expect-workers", "2", "--workers", "2"], "not --workers"),
        (["--master", "--expect-workers", "2", "--stub-host", "10.1.2.3"], "--allow-remote"),
        (["--master", "--expect-workers", "2", "--max-clock-offset", "soon"],
         "--max-clock-offset"),
    ],
)  # fmt: skip
def test_bad_distributed_options_stop_before_anything_runs(
    extra: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["run", str(SMALL), *extra, "--output", str(out)]) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_worker_refuses_a_master_off_this_machine(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--master", "10.1.2.3:5557"]) == 2
    assert "pass --allow-remote" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("address", "expected"),
    [("127.0.0.1", ("127.0.0.1", 5557)), ("localhost:6000", ("localhost", 6000)),
     ("[::1]:7000", ("::1", 7000)), ("[::1]", ("::1", 5557))],
)  # fmt: skip
def test_master_addresses_parse(address: str, expected: tuple[str, int]) -> None:
    assert parse_master(address) == expected


@pytest.mark.parametrize("address", [":5557", "host:0", "host:port", "host:70000"])
def test_bad_master_addresses_are_usage_errors(address: str) -> None:
    with pytest.raises(UsageError):
        parse_master(address)
