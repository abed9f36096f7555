"""When a tier was overloaded, read from the platform's ground truth (`RunResult.tiers`): the
spells in which the load reaching it exceeded its capacity, and what each cost."""

from __future__ import annotations

from dataclasses import dataclass

from simspace.results.model import RunResult, TierSeries

MERGE_GAP_S = 120.0
"""Spells of overload closer than this (event seconds) are one spell: a tier flickering around
its capacity in a noisy run is one episode, not twenty."""


@dataclass(frozen=True)
class Saturation:
    """One tier's worst spell of overload (utilisation above 1), and how many it had."""

    tier: str
    start_s: float
    """event time the first overloaded grid step began"""
    end_s: float
    """event time the last overloaded grid step ended"""
    ended: bool
    """False: still overloaded in the last grid step of the run"""
    peak_utilisation: float
    """load reaching the tier / its capacity, at its highest in the spell"""
    peak_backlog: float
    """event-scale requests waiting, at the most in the spell"""
    rejected: tuple[tuple[str, float], ...]
    """event-scale requests rejected in the spell, by reason, largest first"""
    timed_out: float
    """event-scale requests that timed out in the spell"""
    spells: int
    """spells of overload in the whole run, this one included"""

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s


def _step_s(tier: TierSeries) -> float:
    return tier.t[1] - tier.t[0] if len(tier.t) > 1 else 1.0


def _spells(tier: TierSeries) -> list[tuple[int, int]]:
    """Index ranges [first, last] of grid steps over capacity, merged across short gaps."""
    step_s = _step_s(tier)
    spells: list[tuple[int, int]] = []
    for i, utilisation in enumerate(tier.utilisation):
        if utilisation <= 1.0:
            continue
        if spells and tier.t[i] - (tier.t[spells[-1][1]] + step_s) < MERGE_GAP_S:
            spells[-1] = (spells[-1][0], i)
        else:
            spells.append((i, i))
    return spells


def _overload(tier: TierSeries, spell: tuple[int, int]) -> float:
    """Work beyond capacity in a spell, in capacity-seconds: the worst spell is the largest."""
    first, last = spell
    return sum(max(0.0, u - 1.0) for u in tier.utilisation[first : last + 1]) * _step_s(tier)


def tier_saturation(name: str, tier: TierSeries) -> Saturation | None:
    """The tier's worst spell of overload, or None if it never went over its capacity."""
    spells = _spells(tier)
    if not spells:
        return None
    first, last = max(spells, key=lambda spell: _overload(tier, spell))
    step_s = _step_s(tier)
    inside = slice(first, last + 1)
    rejected = {
        reason: sum(values[inside]) * step_s for reason, values in tier.rejected_rps.items()
    }
    return Saturation(
        tier=name,
        start_s=tier.t[first],
        end_s=tier.t[last] + step_s,
        ended=last < len(tier.t) - 1,
        peak_utilisation=max(tier.utilisation[inside]),
        peak_backlog=max(tier.backlog[inside], default=0.0),
        rejected=tuple(
            sorted(((r, w) for r, w in rejected.items() if w > 0), key=lambda item: -item[1])
        ),
        timed_out=sum(tier.timed_out_rps[inside]) * step_s,
        spells=len(spells),
    )


def saturations(result: RunResult) -> list[Saturation]:
    """Every tier's worst spell of overload, the most overloaded tier first."""
    found = [
        (s, _overload(tier, (0, len(tier.t) - 1)))
        for name, tier in result.tiers.items()
        if (s := tier_saturation(name, tier)) is not None
    ]
    return [s for s, _ in sorted(found, key=lambda item: -item[1])]


def peak_utilisations(result: RunResult) -> dict[str, float]:
    """Each tier's highest utilisation over the run (0 for a tier with no reading)."""
    return {name: max(tier.utilisation, default=0.0) for name, tier in result.tiers.items()}
