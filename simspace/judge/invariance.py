"""Scale invariance: the event-scale outcomes of one scenario played at two population scales
or speedups must agree. Outcomes are pooled over seeds first (a single coarse run is noisy:
see docs/performance.md), then each is compared on the scale an analyst reads it at:
listener counts as shares of the audience, errors per message as shares of all errors,
timings as shares of the event window, time to first audio in seconds, and every fact's
verdict exactly."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from simspace.judge.verdicts import Comparison
from simspace.results.model import RunResult

JOIN_WAVE_AFTER_S = 60.0
"""The join wave after a start: concurrent listeners this long after a Space went live."""


@dataclass(frozen=True)
class Pooled:
    """Outcomes of runs of one setting (one per seed), each the mean over the runs."""

    counts: dict[str, float]
    errors: dict[str, float]
    timings: dict[str, float]
    ttfa_s: dict[str, float]
    verdicts: dict[str, list[str]]
    window_s: float


def pool(runs: list[tuple[RunResult, Comparison]]) -> Pooled:
    """The mean of each outcome over `runs` (an outcome missing from a run is left out)."""
    per_run = [_outcomes(result, comparison) for result, comparison in runs]
    first = runs[0][0].plan
    return Pooled(
        counts=_mean([o[0] for o in per_run]),
        errors=_mean([o[1] for o in per_run]),
        timings=_mean([o[2] for o in per_run]),
        ttfa_s=_mean([o[3] for o in per_run]),
        verdicts=_verdicts([comparison for _, comparison in runs]),
        window_s=first.t_end - first.t_begin,
    )


def invariance_problems(
    a: Pooled,
    b: Pooled,
    tolerance: float = 0.05,
    ttfa_tolerance_s: float = 3.0,
    known: dict[str, float] | None = None,
) -> list[str]:
    """Where `b` leaves `a` by more than `tolerance` of its whole (or `ttfa_tolerance_s`);
    `known`: outcomes allowed another tolerance (a bend measured and not fixed yet)."""
    audience = max(a.counts.get("arrived", 0.0), b.counts.get("arrived", 0.0), 1.0)
    all_errors = max(sum(a.errors.values()), sum(b.errors.values()), 1.0)
    allowed = known or {}
    problems = _apart(a.counts, b.counts, tolerance, "of the audience", audience, allowed)
    problems += _apart(a.errors, b.errors, tolerance, "of all errors", all_errors, allowed)
    window = a.window_s
    problems += _apart(a.timings, b.timings, tolerance, "of the window", window, allowed)
    problems += _apart(a.ttfa_s, b.ttfa_s, ttfa_tolerance_s, "s", 1.0, allowed)
    problems += [
        f"fact {fact}: {a.verdicts[fact]} vs {b.verdicts.get(fact)}"
        for fact in a.verdicts
        if sorted(a.verdicts[fact]) != sorted(b.verdicts.get(fact, []))
    ]
    return problems


def _outcomes(
    result: RunResult, comparison: Comparison
) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]:
    m = result.metrics
    counts = {
        "arrived": m.arrived,
        "heard audio": m.unique_listeners,
        "gave up": m.gave_up,
        "booted": m.booted,
        "peak listeners": m.peak_listeners,
    }
    timings: dict[str, float] = {}
    if m.start_delay_s is not None:
        timings["start delay"] = m.start_delay_s
    for space in result.spaces:
        if space.ended_at is not None:
            timings[f"space {space.ordinal} ended at"] = space.ended_at
        if space.running_at is not None:
            wave = _concurrent_at(result, space.running_at + JOIN_WAVE_AFTER_S)
            counts[f"space {space.ordinal} listeners 1 min after going live"] = wave
    for verdict in comparison.verdicts:
        if isinstance(verdict.observed, float | int) and not isinstance(verdict.observed, bool):
            target = timings if verdict.metric in _TIMING_METRICS else counts
            target[f"fact {verdict.fact_id}"] = float(verdict.observed)
    ttfa = {"ttfa p50": m.ttfa_s.p50, "ttfa p95": m.ttfa_s.p95}
    # error_ratio facts are shares already; they are compared with the errors they come from
    counts = {k: v for k, v in counts.items() if not _is_ratio(comparison, k)}
    return counts, dict(m.errors_seen), timings, {k: v for k, v in ttfa.items() if v is not None}


_TIMING_METRICS = ("start_delay", "space_ended_at", "relaunched_at")


def _verdicts(comparisons: list[Comparison]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for comparison in comparisons:
        for verdict in comparison.verdicts:
            found.setdefault(verdict.fact_id, []).append(str(verdict.verdict))
    return found


def _is_ratio(comparison: Comparison, name: str) -> bool:
    return any(
        name == f"fact {v.fact_id}" and v.metric == "error_ratio" for v in comparison.verdicts
    )


def _concurrent_at(result: RunResult, t: float) -> float:
    series = result.listeners
    index = next((i for i, step_t in enumerate(series.t) if step_t >= t), len(series.t) - 1)
    return series.concurrent[index] if series.concurrent else 0.0


def _mean(dicts: list[dict[str, float]]) -> dict[str, float]:
    names = {name for d in dicts for name in d}
    return {name: statistics.fmean([d[name] for d in dicts if name in d]) for name in sorted(names)}


def _apart(
    a: dict[str, float],
    b: dict[str, float],
    tolerance: float,
    of: str,
    whole: float,
    known: dict[str, float],
) -> list[str]:
    """Outcomes further apart than `tolerance` x `whole` (`known[name]` x `whole` for those)."""
    found = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name, 0.0), b.get(name, 0.0)
        if abs(x - y) <= known.get(name, tolerance) * whole:
            continue
        if whole == 1.0:
            found.append(f"{name}: {x:.3g} vs {y:.3g} {of}")
        else:
            found.append(f"{name}: {x:,.4g} vs {y:,.4g} ({abs(x - y) / whole:.1%} {of})")
    return found
