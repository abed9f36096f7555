"""What a run is asked to do, as the CLI (or a test) says it: plan overrides, workers, output,
a real target and early stop."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from simspace.target import Target
from simspace.wire.load_config import MasterSettings

Engine = Literal["locust", "virtual"]
"""locust: real HTTP load on the wall clock; virtual: the platform model in virtual time."""


@dataclass(frozen=True)
class RunOptions:
    output_root: Path = Path("runs")
    budget_rps: float | None = None
    speedup: float | None = None
    population_scale: float | None = None
    duration_s: float | None = None
    workers: int = 1
    seed: int | None = None
    target: Target | None = None
    start_at: float | None = None
    abort_on_fail: bool = False
    engine: Engine = "locust"
    virtual_budget_s: float = 30.0
    """The virtual engine's wall-time budget: its plan's population scale is the finest whose
    expected requests fit it (unless the scale is given). See run/backends/virtual_scale.py."""
    labels: dict[str, str] = field(default_factory=dict)
    """`--label key=value` pairs, recorded in result.json (checked by the CLI)."""
    master: MasterSettings | None = None
    """Run Locust as the master of a distributed run: `simspace worker` processes on this or
    other hosts connect to it and play the listeners (docs/distributed.md)."""
    robustness: bool = False
    """Label the reproduced facts by perturbing the fitted parameters after a Locust run (a
    virtual run always does; see run/robustness.py)."""
