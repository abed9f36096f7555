"""Two runs of one scenario side by side: the event-scale outcomes each produced (start delay,
peaks, listeners who arrived, heard audio, gave up; errors per message; time to first audio;
when each Space ended; every fact's observed value and verdict) and how far apart they are.
Used to check one engine against another, or a run against a re-run."""

from __future__ import annotations

from dataclasses import dataclass

from simspace.judge.verdicts import Comparison
from simspace.results.model import RunResult

Value = float | bool | str | None


@dataclass(frozen=True)
class Agreement:
    """One outcome in both runs; `relative` is |a - b| / max(|a|, |b|) for numbers."""

    name: str
    a: Value
    b: Value

    @property
    def relative(self) -> float | None:
        a, b = self.a, self.b
        if isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or isinstance(b, str):
            return None if a == b else 1.0
        if a is None or b is None:
            return None if a is b else 1.0
        size = max(abs(a), abs(b))
        return abs(a - b) / size if size else 0.0


def outcomes(result: RunResult, comparison: Comparison) -> dict[str, Value]:
    """What a run produced at event scale, by name."""
    m = result.metrics
    found: dict[str, Value] = {
        "start delay (s)": m.start_delay_s,
        "peak listeners": m.peak_listeners,
        "peak at (s)": m.peak_listeners_at,
        "arrived": m.arrived,
        "heard audio": m.unique_listeners,
        "gave up": m.gave_up,
        "booted": m.booted,
        "ttfa p50 (s)": m.ttfa_s.p50,
        "ttfa p95 (s)": m.ttfa_s.p95,
        "ttfa p99 (s)": m.ttfa_s.p99,
        "error ratio": m.error_ratio,
    }
    for message, weight in sorted(m.errors_seen.items()):
        found[f"error '{message}'"] = weight
    for space in result.spaces:
        found[f"space {space.ordinal} ended at (s)"] = space.ended_at
    for verdict in comparison.verdicts:
        found[f"fact {verdict.fact_id}"] = verdict.observed
        found[f"fact {verdict.fact_id} verdict"] = verdict.verdict
    return found


def side_by_side(
    a: tuple[RunResult, Comparison], b: tuple[RunResult, Comparison]
) -> list[Agreement]:
    """Every outcome of either run, in the first run's order, then the second's extras."""
    first, second = outcomes(*a), outcomes(*b)
    names = [*first, *(n for n in second if n not in first)]
    return [Agreement(name, first.get(name), second.get(name)) for name in names]


CROSS_CHECK_TOLERANCE = 0.10
"""How far two engines' counts may differ, as a share of the audience (or of all errors)."""


def disagreements(
    run: RunResult,
    reference: RunResult,
    resolution_s: float,
    tolerance: float = CROSS_CHECK_TOLERANCE,
) -> list[str]:
    """Where `run` left `reference` (the same plan, another engine): timings by more than twice
    the run's timing resolution, listener counts by more than `tolerance` of the audience,
    errors per message by more than `tolerance` of all errors."""
    found: list[str] = []
    a, b = run.metrics, reference.metrics
    timings = {"start delay": (a.start_delay_s, b.start_delay_s)}
    for space in run.spaces:
        other = next((s for s in reference.spaces if s.ordinal == space.ordinal), None)
        timings[f"space {space.ordinal} ended at"] = (
            space.ended_at,
            other.ended_at if other is not None else None,
        )
    for name, (x, y) in timings.items():
        if (x is None) != (y is None) or (
            x is not None and y is not None and abs(x - y) > 2 * resolution_s
        ):
            found.append(f"{name}: {_text(x)} s, {_text(y)} s in the reference")
    audience = max(a.arrived, b.arrived, 1.0)
    counts = {
        "peak listeners": (a.peak_listeners, b.peak_listeners),
        "heard audio": (a.unique_listeners, b.unique_listeners),
        "gave up": (a.gave_up, b.gave_up),
        "booted": (a.booted, b.booted),
    }
    found += _apart(counts, audience, tolerance, "of the audience")
    errors = max(sum(a.errors_seen.values()), sum(b.errors_seen.values()), 1.0)
    messages = sorted(set(a.errors_seen) | set(b.errors_seen))
    per_message = {
        f"errors '{m}'": (a.errors_seen.get(m, 0.0), b.errors_seen.get(m, 0.0)) for m in messages
    }
    found += _apart(per_message, errors, tolerance, "of all errors")
    return found


def _apart(
    pairs: dict[str, tuple[float, float]], whole: float, tolerance: float, of: str
) -> list[str]:
    return [
        f"{name}: {_text(x)}, {_text(y)} in the reference ({abs(x - y) / whole:.0%} {of})"
        for name, (x, y) in pairs.items()
        if abs(x - y) > tolerance * whole
    ]


def _text(value: float | None) -> str:
    return "none" if value is None else f"{value:,.0f}"
