"""Invariance problems: each outcome compared on the whole it is a share of."""

from __future__ import annotations

from simspace.judge.invariance import Pooled, invariance_problems


def _pooled(gave_up: float, refused: float, ended_at: float, verdict: str = "reproduced") -> Pooled:
    return Pooled(
        counts={"arrived": 1_000_000.0, "gave up": gave_up},
        errors={"Details not available": 9_000_000.0, "This Space is not available": refused},
        timings={"space 1 ended at": ended_at},
        ttfa_s={"ttfa p95": 4.0},
        verdicts={"crash": [verdict, verdict]},
        window_s=3600.0,
    )


def test_shares_of_their_whole_within_tolerance_are_no_problem() -> None:
    base = _pooled(gave_up=40_000, refused=1_000_000, ended_at=1200)
    # +40k give-ups is 4% of the audience; +400k refusals 4% of all errors; +150 s 4% of 1 h
    assert invariance_problems(base, _pooled(80_000, 1_400_000, 1350)) == []


def test_each_outcome_beyond_its_share_is_named() -> None:
    base = _pooled(gave_up=40_000, refused=1_000_000, ended_at=1200)
    problems = invariance_problems(base, _pooled(100_000, 1_700_000, 1500, "not_reproduced"))
    assert [p.split(":")[0] for p in problems] == [
        "gave up",
        "This Space is not available",
        "space 1 ended at",
        "fact crash",
    ]
    assert "6.0% of the audience" in problems[0]


def test_a_known_bend_is_allowed_its_own_tolerance_only() -> None:
    base = _pooled(gave_up=40_000, refused=1_000_000, ended_at=1200)
    other = _pooled(40_000, 1_700_000, 1200)  # 7% of all errors
    known = {"This Space is not available": 0.08}
    assert invariance_problems(base, other, known=known) == []
    assert invariance_problems(base, _pooled(40_000, 1_900_000, 1200), known=known) != []
