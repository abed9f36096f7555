"""Helpers to run the real `simspace` CLI as a subprocess and read its run directory."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small_space.yaml"


@dataclass
class CliRun:
    returncode: int
    stdout: str
    stderr: str
    output: Path

    def run_dirs(self) -> list[Path]:
        return sorted(
            p for p in self.output.glob("*/*") if p.is_dir() and not p.name.startswith(".")
        )

    def result(self) -> dict[str, Any]:
        dirs = self.run_dirs()
        assert len(dirs) == 1, f"expected one run directory, got {dirs}\n{self.stderr}"
        data = json.loads((dirs[0] / "result.json").read_text(encoding="utf-8"))
        assert isinstance(data, dict)
        return data


def simspace(args: Sequence[str], output: Path, timeout_s: float = 240) -> CliRun:
    writes_runs = args[0] in ("run", "compare")
    extra = ["--output", str(output)] if writes_runs else []
    command = [sys.executable, "-m", "simspace", *args, *extra]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout_s,
        env={**os.environ, "COLUMNS": "120"},
    )  # fmt: skip
    return CliRun(done.returncode, done.stdout, done.stderr, output)


def start_simspace(args: Sequence[str], output: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "simspace", *args, "--output", str(output)]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def simspace_interrupted(
    args: Sequence[str], output: Path, after_s: float, sig: int = signal.SIGINT
) -> CliRun:
    """Start a run, send it `sig` after `after_s` seconds, and wait for it to finish."""
    process = start_simspace(args, output)
    time.sleep(after_s)
    process.send_signal(sig)
    stdout, stderr = process.communicate(timeout=120)
    return CliRun(process.returncode, stdout, stderr, output)


def processes_mentioning(text: str) -> list[psutil.Process]:
    """Live processes whose command line mentions `text` (e.g. a run's output directory)."""
    found = []
    for proc in psutil.process_iter(["cmdline", "environ"]):
        try:
            cmdline = " ".join(proc.info.get("cmdline") or [])
            environ = " ".join((proc.info.get("environ") or {}).values())
        except (psutil.Error, TypeError):
            continue
        if (text in cmdline or text in environ) and proc.pid != os.getpid():
            found.append(proc)
    return found
