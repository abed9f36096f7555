"""A tier's spells of overload, read from hand-built ground truth on a one-minute grid."""

from __future__ import annotations

import pytest

from simspace.report.saturation import MERGE_GAP_S, saturations, tier_saturation
from tests.report import builders as b

MINUTE = 60.0


def _between(start_min: float, end_min: float, inside: float, outside: float = 0.0) -> b.Series:
    """`inside` for grid steps in [start, end) minutes, `outside` elsewhere."""
    return lambda t: inside if start_min * MINUTE <= t < end_min * MINUTE else outside


def test_a_spell_is_dated_to_its_grid_steps_and_its_cost_summed() -> None:
    api = b.tier(
        1000.0,
        _between(12, 41, 3100.0, 500.0),
        backlog=lambda t: 2.4e6 if t == 30 * MINUTE else 1e5,
        rejected={"overload": _between(12, 41, 1500.0), "rate_limited": _between(30, 41, 200.0)},
        timed_out=_between(12, 41, 100.0),
    )
    found = tier_saturation("api", api)
    assert found is not None
    assert (found.start_s, found.end_s, found.duration_s) == (720.0, 2460.0, 1740.0)
    assert found.ended
    assert found.peak_utilisation == pytest.approx(3.1)
    assert found.peak_backlog == 2.4e6
    # rates times the grid step, over the spell only: 29 minutes and 11 minutes
    assert found.rejected == (("overload", 1500.0 * 29 * 60), ("rate_limited", 200.0 * 11 * 60))
    assert found.timed_out == 100.0 * 29 * 60
    assert found.spells == 1


def test_short_gaps_are_one_spell_and_the_worst_spell_is_the_one_told() -> None:
    gap_min = MERGE_GAP_S / MINUTE  # a gap this long or longer splits a spell

    def load(t: float) -> float:
        minute = t / MINUTE
        if 0 <= minute < 10 and minute != 5:  # one quiet step inside: the same spell
            return 1500.0
        if 10 + gap_min <= minute < 20:  # after a long gap: a worse spell
            return 4000.0
        return 900.0

    found = tier_saturation("api", b.tier(1000.0, load))
    assert found is not None
    assert (found.start_s, found.end_s) == ((10 + gap_min) * MINUTE, 20 * MINUTE)
    assert found.peak_utilisation == 4.0
    assert found.spells == 2


def test_overload_to_the_last_step_has_not_ended() -> None:
    found = tier_saturation("cdn", b.tier(1000.0, _between(170, 999, 1200.0)))
    assert found is not None
    assert not found.ended
    assert found.end_s == b.WINDOW[1] + MINUTE  # the last grid step's end


def test_a_tier_at_capacity_is_not_overloaded_and_tiers_come_worst_first() -> None:
    at_capacity = b.tier(1000.0, lambda _t: 1000.0)
    assert tier_saturation("api", at_capacity) is None
    result = b.result().model_copy(
        update={
            "tiers": {
                "api": b.tier(1000.0, _between(0, 10, 1500.0)),
                "cdn": b.tier(1000.0, _between(0, 10, 5000.0)),
                "chat": at_capacity,
            }
        }
    )
    assert [s.tier for s in saturations(result)] == ["cdn", "api"]
