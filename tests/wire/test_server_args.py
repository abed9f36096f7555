"""The stub server's command line is built and parsed from one model."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from simspace.wire.server_args import SERVER_MODULE, ReadyFile, ServerArgs


def test_the_command_line_parses_back_to_the_same_arguments() -> None:
    args = ServerArgs(
        scenario_json=Path("run/scenario.json"),
        port=0,
        wall0=1_700_000_000.123456789,
        t_begin=-1800.0,
        speedup=26.7,
        seed=42,
        ready_file=Path("run/server.ready.json"),
        dump_dir=Path("run"),
        session_timeout_s=864.0,
        live=True,
    )
    argv = args.argv()
    assert argv[:2] == ["-m", SERVER_MODULE]
    assert "--session-timeout" in argv
    assert ServerArgs.parse(argv[2:]) == args


def test_defaults_are_left_off_the_command_line() -> None:
    assert ServerArgs(scenario_json=Path("s.json")).argv() == [
        "-m",
        SERVER_MODULE,
        "--scenario-json",
        "s.json",
    ]


def test_a_speedup_out_of_range_is_refused_on_both_sides() -> None:
    with pytest.raises(ValidationError, match="speedup must be in"):
        ServerArgs(scenario_json=Path("s.json"), speedup=0.0)
    with pytest.raises(ValidationError, match="speedup must be in"):
        ServerArgs.parse(["--scenario-json", "s.json", "--speedup", "20000"])


def test_ready_file_round_trips() -> None:
    ready = ReadyFile(url="http://127.0.0.1:4321", port=4321, pid=99)
    assert ReadyFile.model_validate_json(ready.model_dump_json()) == ready
