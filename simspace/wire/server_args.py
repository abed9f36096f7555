"""How the run starts the stub server process (`python -m simspace.server ...`) and how the
server answers that it is ready. One model builds the command line and parses it back, so the
flags cannot drift between the two sides."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from simspace.clock import speedup_problem

SERVER_MODULE = "simspace.server"
_FLAGS = {  # the flags' documented names
    "session_timeout_s": "--session-timeout",
    "utilisation_window_s": "--utilisation-window",
}


class ServerArgs(BaseModel):
    """The stub server's options; every field is one command-line flag."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    scenario_json: Path = Field(description="validated scenario dump")
    host: str = Field("127.0.0.1", description="address to listen on")
    port: int = Field(0, description="0 picks a free port")
    wall0: float | None = Field(None, description="wall time (epoch s) of t_begin; default now")
    t_begin: float | None = Field(None, description="event time at wall0; default window start")
    speedup: float = Field(1.0, description="event seconds per wall second")
    seed: int | None = Field(None, description="default: the scenario's simulation.seed")
    ready_file: Path | None = Field(None, description="write the ready file when listening")
    dump_dir: Path | None = Field(None, description="write timeline.json, ledger.json on exit")
    live: bool = Field(False, description="start the first Space at once")
    session_timeout_s: float | None = Field(
        None, description="event s without a ping before a listener expires"
    )
    utilisation_window_s: float | None = Field(
        None, description="event s over which a tier's utilisation is measured (default 5)"
    )
    max_weight: float | None = Field(
        None, gt=0, description="heaviest X-Sim-Weight taken (the run's plan); default 1e7"
    )
    allow_remote: bool = Field(False, description="allow a non-loopback host")
    log_level: str = Field("INFO", description="logging level")

    @field_validator("speedup")
    @classmethod
    def _speedup_in_range(cls, value: float) -> float:
        if problem := speedup_problem(value):
            raise ValueError(problem)
        return value

    def argv(self) -> list[str]:
        """`-m simspace.server` and a flag for every field that is not its default."""
        args = ["-m", SERVER_MODULE]
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value == field.default:
                continue
            flag = _flag(name)
            args += [flag] if isinstance(value, bool) else [flag, _text(value)]
        return args

    @classmethod
    def parser(cls) -> argparse.ArgumentParser:
        parser = argparse.ArgumentParser(prog=f"python -m {SERVER_MODULE}")
        for name, field in cls.model_fields.items():
            kind = _scalar(field.annotation)
            if kind is bool:
                parser.add_argument(_flag(name), dest=name, action="store_true",
                                    help=field.description)  # fmt: skip
            else:
                parser.add_argument(_flag(name), dest=name, type=kind, help=field.description,
                                    required=field.is_required())  # fmt: skip
        return parser

    @classmethod
    def parse(cls, argv: Sequence[str] | None = None) -> ServerArgs:
        """Raises ValueError (pydantic's ValidationError) for values out of range."""
        given = vars(cls.parser().parse_args(argv))
        return cls(**{k: v for k, v in given.items() if v is not None})


class ReadyFile(BaseModel):
    """What the server writes, atomically, once it listens."""

    model_config = ConfigDict(frozen=True)
    url: str
    port: int
    pid: int


def _flag(name: str) -> str:
    return _FLAGS.get(name, "--" + name.replace("_", "-"))


def _text(value: object) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def _scalar(annotation: Any) -> Any:
    """The one non-None type of an `X | None` annotation (int, float, str, Path, bool)."""
    return ([t for t in get_args(annotation) if t is not type(None)] or [annotation])[0]
