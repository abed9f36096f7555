"""Samples the load generator's CPU during a run (Locust's own warning misses short runs)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

import psutil


@dataclass
class CpuMonitor:
    """Samples the load generator's CPU (Locust's own warning misses short runs)."""

    samples: list[float] = field(default_factory=list)
    _procs: dict[int, psutil.Process] = field(default_factory=dict)

    def sample(self, pid: int) -> float:
        try:
            root = psutil.Process(pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        total = 0.0
        for proc in procs:
            known = self._procs.setdefault(proc.pid, proc)
            with contextlib.suppress(psutil.Error):
                total += known.cpu_percent(None)
        self.samples.append(total)
        return total
