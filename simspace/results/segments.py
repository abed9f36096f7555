"""Segment downloads against a real target: how long each took, against how long it plays.

The load processes write one aggregate line per time bucket (`SegmentLine` of
`simspace.wire.observations`) with log-spaced histograms (5% wide bins), so percentiles here are
accurate to within a bin, whatever the number of downloads.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from simspace.results.model import SegmentStats
from simspace.wire.observations import SegmentLine, segment_bin_value


@dataclass
class SegmentTally:
    """Accumulates the `seg` lines of every load process."""

    downloads: int = 0
    failed: int = 0
    slow: int = 0
    download_sum_s: float = 0.0
    download_bins: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    ratio_bins: dict[int, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, record: SegmentLine) -> None:
        self.downloads += record.n
        self.failed += record.fail_n
        self.slow += record.slow_n
        self.download_sum_s += record.dl_sum
        for b, count in record.dl_bins.items():
            self.download_bins[b] += count
        for b, count in record.ratio_bins.items():
            self.ratio_bins[b] += count

    def stats(self) -> SegmentStats | None:
        if not (self.downloads or self.failed):
            return None
        download = _percentiles(self.download_bins)
        download["mean"] = self.download_sum_s / self.downloads if self.downloads else None
        return SegmentStats(
            downloads=self.downloads,
            failed=self.failed,
            slow=self.slow,
            slow_ratio=self.slow / self.downloads if self.downloads else None,
            download_s=download,
            ratio=_percentiles(self.ratio_bins),
        )


def _percentiles(bins: dict[int, int]) -> dict[str, float | None]:
    total = sum(bins.values())
    out: dict[str, float | None] = {"p50": None, "p95": None, "p99": None, "max": None}
    if not total:
        return out
    ordered = sorted(bins.items())
    for name, q in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99)):
        rank, seen = q * total, 0
        for b, count in ordered:
            seen += count
            if seen >= rank:
                out[name] = segment_bin_value(b)
                break
    out["max"] = segment_bin_value(ordered[-1][0])
    return out
