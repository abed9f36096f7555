"""Requests per endpoint and request latency over event time, from the load processes' `req`
lines: latencies arrive as log-spaced histograms (5% wide bins) weighted by event weight, so
percentiles here are at event scale and accurate to within a bin, whatever the number of
requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from simspace.results.model import EndpointStats, LatencySeries, Percentiles
from simspace.wire.observations import RequestLine, RequestTier, segment_bin_value

_RANK_TOLERANCE = 1e-9  # sums of float weights: a rank reached up to rounding is reached


@dataclass
class LatencyHistogram:
    """Latencies (event seconds) merged from lines: `count` simulated requests, the longest,
    and event weight per bin."""

    count: int = 0
    max_s: float = 0.0
    bins: dict[int, float] = field(default_factory=dict)

    def add(self, count: int, max_s: float | None, bins: dict[int, float]) -> None:
        if count and max_s is not None:
            self.max_s = max_s if not self.count else max(self.max_s, max_s)
        self.count += count
        for b, weight in bins.items():
            self.bins[b] = self.bins.get(b, 0.0) + weight

    def quantiles(self, *qs: float) -> list[float | None]:
        """Nearest rank by weight: the smallest bin with at least q of the weight at or below
        it, as its middle value (never above the longest latency seen)."""
        total = sum(self.bins.values())
        if not total:
            return [None] * len(qs)
        ordered = sorted(self.bins.items())
        out: list[float | None] = []
        for q in qs:
            rank, seen, value = q * total * (1 - _RANK_TOLERANCE), 0.0, ordered[-1][0]
            for b, weight in ordered:
                seen += weight
                if seen >= rank:
                    value = b
                    break
            out.append(min(segment_bin_value(value), self.max_s))
        return out

    def percentiles(self) -> Percentiles:
        if not self.count:
            return Percentiles(count=0)
        p50, p95, p99 = self.quantiles(0.5, 0.95, 0.99)
        return Percentiles(count=self.count, p50=p50, p95=p95, p99=p99, max=self.max_s)


@dataclass
class EndpointTally:
    """One endpoint's requests (event weight) and latencies over the run."""

    requests_w: float = 0.0
    failed_w: float = 0.0
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)

    def stats(self, tier: str, name: str) -> EndpointStats:
        return EndpointStats(
            name=name,
            tier=tier,
            requests=self.requests_w,
            failed=self.failed_w,
            error_ratio=self.failed_w / self.requests_w if self.requests_w else None,
            latency_s=self.latency.percentiles(),
        )


@dataclass
class RequestTally:
    """Accumulates the `req` lines of every load process: per endpoint over the run, and
    latency per bucket and tier."""

    endpoints: dict[tuple[RequestTier, str], EndpointTally] = field(default_factory=dict)
    latency: dict[tuple[float, RequestTier], LatencyHistogram] = field(default_factory=dict)

    def add(self, record: RequestLine) -> None:
        if record.name is not None:  # older lines: per tier only
            endpoint = self.endpoints.setdefault((record.tier, record.name), EndpointTally())
            endpoint.requests_w += record.ok_w + record.fail_w
            endpoint.failed_w += record.fail_w
            endpoint.latency.add(record.lat_n, record.lat_max, record.lat_bins)
        if record.lat_n:
            bucket = self.latency.setdefault((record.t, record.tier), LatencyHistogram())
            bucket.add(record.lat_n, record.lat_max, record.lat_bins)

    def endpoint_stats(self) -> list[EndpointStats]:
        """Every endpoint requested, by tier then name."""
        return [tally.stats(tier, name) for (tier, name), tally in sorted(self.endpoints.items())]

    def latency_series(self, grid: list[float], step_s: float) -> dict[str, LatencySeries]:
        """Per tier with any latency, p50/p95/p99 of each grid step's latencies (the buckets
        that start in it)."""
        steps: dict[str, list[LatencyHistogram]] = {}
        for (t, tier), bucket in sorted(self.latency.items()):
            row = steps.setdefault(tier, [LatencyHistogram() for _ in grid])
            slot = min(len(grid) - 1, max(0, int((t - grid[0]) // step_s)))
            row[slot].add(bucket.count, bucket.max_s, bucket.bins)
        return {tier: _series(grid, row) for tier, row in sorted(steps.items())}


def _series(grid: list[float], row: list[LatencyHistogram]) -> LatencySeries:
    quantiles = [histogram.quantiles(0.5, 0.95, 0.99) for histogram in row]
    return LatencySeries(
        t=list(grid),
        p50_s=[q[0] for q in quantiles],
        p95_s=[q[1] for q in quantiles],
        p99_s=[q[2] for q in quantiles],
    )
