"""Rates as the report's charts draw them: the result's grid steps gathered into display buckets
(about `DISPLAY_BUCKETS` over the window), each with its mean and the highest rate within it, so
that a spike shorter than a bucket still shows; and utilisation in words. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from simspace.report.series import grid_step_s

DISPLAY_BUCKETS = 120
"""About this many buckets over the window: one every 5 px or so of a chart."""
TIMES_ABOVE = 2.0
"""Utilisation above this reads as `23x capacity`, below it as a percentage."""


@dataclass(frozen=True)
class Buckets:
    """Consecutive grid steps gathered `size` at a time: bucket i holds the steps
    `i * size .. (i + 1) * size - 1`; `width_s` = `size` grid steps."""

    grid: Sequence[float]
    size: int

    @property
    def step_s(self) -> float:
        return grid_step_s(self.grid)

    @property
    def width_s(self) -> float:
        return self.step_s * self.size

    def spans(self) -> list[range]:
        return [
            range(i, min(i + self.size, len(self.grid)))
            for i in range(0, len(self.grid), self.size)
        ]

    def centres(self) -> list[float]:
        """The middle of the steps each bucket holds (the last bucket may hold fewer)."""
        return [self.grid[s.start] + len(s) * self.step_s / 2 for s in self.spans()]

    def mean(self, values: Sequence[float]) -> list[float]:
        """Rates per step -> the mean rate over each bucket."""
        return [sum(values[i] for i in s) / len(s) for s in self.spans()]

    def peak(self, values: Sequence[float]) -> list[float]:
        """The highest value of each bucket's steps."""
        return [max(values[i] for i in s) for s in self.spans()]


def display_buckets(grid: Sequence[float], target: int = DISPLAY_BUCKETS) -> Buckets:
    """Whole grid steps per bucket, as few as keep the buckets to about `target`."""
    return Buckets(grid, max(1, math.ceil(len(grid) / target)))


def utilisation_text(utilisation: float) -> str:
    """`87% of capacity`, `150% of capacity`; above `TIMES_ABOVE` times capacity `23x capacity`
    (`5321%` reads badly)."""
    if utilisation <= TIMES_ABOVE:
        return f"{utilisation * 100:.0f}% of capacity"
    times = f"{utilisation:.0f}" if utilisation >= 10 else f"{utilisation:.1f}"
    return f"{times}x capacity"
