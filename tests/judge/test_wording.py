"""The fit score and the line a run's verdicts lead with: one wording (a percentage) wherever it
is printed, and the gates first for a run that has gates and no scored fact."""

from __future__ import annotations

import pytest

from simspace.judge.verdicts import Comparison
from simspace.judge.wording import NO_FACTS, fit_text, headline, summary_line
from tests.report import builders as b


@pytest.mark.parametrize(
    ("fit_score", "text"),
    [
        (1.0, "fit 100%"),
        (0.625, "fit 62%"),  # round half to even: 62.5 -> 62
        (5 / 9, "fit 56%"),
        (0.996, "fit 99%"),  # short of every fact: never 100%
        (0.004, "fit 1%"),  # something reproduced: never 0%
        (0.0, "fit 0%"),
    ],
)
def test_the_fit_is_a_percentage_that_never_claims_more_than_the_counts(
    fit_score: float, text: str
) -> None:
    assert fit_text(fit_score) == text


def _without_facts(comparison: Comparison, **counts: int) -> Comparison:
    kept = [v for v in comparison.verdicts if v.verdict == "claim"] if counts.get("claims") else []
    update = {"verdicts": kept, "scored": 0, "reproduced": 0, "not_observable": 0}
    return comparison.model_copy(update={**update, "fit_score": 0.0, "claims": len(kept)})


def test_with_scored_facts_the_fit_leads_even_with_gates() -> None:
    comparison = b.sample_comparison()
    lead, rest = headline(comparison, "4 of 4 gates passed")
    assert (lead, rest) == (
        "fit 55%",
        ": 3 of 6 scored facts reproduced, 1 not observable; 1 claim not scored",
    )
    assert summary_line(comparison) == lead + rest


def test_with_gates_and_no_facts_the_gates_lead() -> None:
    none = _without_facts(b.sample_comparison())
    assert headline(none, "4 of 4 gates passed") == (
        "4 of 4 gates passed",
        "; no reported facts to compare",
    )
    assert headline(none) == ("", NO_FACTS)
    assert "fit" not in summary_line(none)


def test_claims_alone_are_no_score_of_zero() -> None:
    claims = _without_facts(b.sample_comparison(), claims=1)
    assert summary_line(claims) == "no scored facts; 1 claim not scored"
    assert headline(claims, "1 of 2 gates passed") == (
        "1 of 2 gates passed",
        "; no scored facts; 1 claim not scored",
    )
