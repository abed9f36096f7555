"""Facts about another event are context: shown with what this run says, never judged against
it, never in the fit score nor the ranking. Facts whose sources are all unverified say so."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from simspace.judge.facts.compare import compare
from simspace.judge.ranking import rank
from simspace.judge.verdicts import Comparison
from simspace.judge.wording import summary_line, verdict_line, verdict_lines
from simspace.results.model import RunResult
from simspace.scenario.model import Scenario
from tests.report import builders as b

RECORD = {
    "id": "previous_record",
    "metric": "peak_listeners",
    "statement": "The previous record was 57k",
    "reported": "57k",
    "about": "other_event",
}
PEAK = {"id": "peak", "metric": "peak_listeners", "reported": "183k"}
RUN = b.result(peak_listeners=183_000.0, peak_listeners_at=3000.0)


def judged(*facts: dict[str, Any], run: RunResult = RUN) -> Comparison:
    return compare(b.scenario(*facts), run)


def test_a_fact_about_another_event_is_context_never_judged() -> None:
    c = judged(RECORD, PEAK)
    context, peak = c.verdicts
    assert (context.verdict, context.scored, context.about) == ("context", False, "other_event")
    assert context.observed == 183_000.0  # the run's view is kept beside it
    assert context.reason == (
        "about another event (reported 57k); the modelled platform served at most 183k "
        "concurrent listeners in this run"
    )
    # not placed on this event's clock, and no distance to a range it is not judged against
    assert (context.deviation, context.at, context.observed_at) == (None, None, None)
    assert peak.verdict == "reproduced"
    assert (c.scored, c.reproduced, c.claims, c.context, c.fit_score) == (1, 1, 0, 1, 1.0)


def test_context_never_counts_in_the_fit_even_when_it_would_fail() -> None:
    alone = judged(RECORD)
    assert (alone.scored, alone.fit_score, alone.not_observable) == (0, 0.0, 0)
    assert summary_line(alone) == ("no scored facts; 1 fact about another event (context)")
    with_claim = judged(RECORD, {**PEAK, "id": "claim", "scored": False})
    assert (with_claim.claims, with_claim.context) == (1, 1)


@pytest.mark.parametrize(
    ("extra", "run", "reason"),
    [
        (
            {"scored": False},  # a claim about another event is context too
            RUN,
            "about another event (reported 57k); the modelled platform served at most 183k "
            "concurrent listeners in this run",
        ),
        (
            {},
            b.result(peak_listeners=90_000.0, t_end=3600.0),
            "about another event (reported 57k); the modelled platform served at most 90k "
            "concurrent listeners in this run (the run stopped at +1h, before the scenario's "
            "window ends at +3h)",
        ),
        (
            {"metric": "concurrent_listeners_at", "at": "+2h"},
            b.result(t_end=3600.0),
            "about another event (reported 57k); this run cannot show it: +2h is after the run "
            "stopped at +1h",
        ),
    ],
)
def test_context_wording(extra: dict[str, Any], run: RunResult, reason: str) -> None:
    v = judged({**RECORD, **extra}, run=run).verdicts[0]
    assert (v.verdict, v.reason) == ("context", reason)


def test_the_plain_line_of_context() -> None:
    c = judged(RECORD, PEAK)
    assert verdict_line(c.verdicts[0], c.calendar) == (
        "CONTEXT previous_record: about another event (reported 57k); the modelled platform "
        "served at most 183k concurrent listeners in this run"
    )
    assert verdict_lines(c)[-1] == (
        "fit 100%: 1 of 1 scored facts reproduced; 1 fact about another event (context)"
    )


def test_ranking_leaves_context_out() -> None:
    facts = [RECORD, PEAK]

    class Run:
        def __init__(self, name: str, peak: float) -> None:
            self.directory = Path("runs", name)
            self.result = b.result(peak_listeners=peak, variant=name)
            self.comparison = compare(b.scenario(*facts), self.result)

    ranking = rank([Run("low", 50_000.0), Run("high", 183_000.0)])
    assert [row.fact_id for row in ranking.facts] == ["peak"]
    assert ranking.reproduced_by_none == []
    assert [r.run_id for r in ranking.runs] == ["high", "low"]


# source confidence


def sourced(*confidences: str) -> Scenario:
    """The test scenario with one source per confidence, all cited by one fact."""
    data = b.scenario().model_dump(mode="json", exclude_defaults=True)
    sources = [
        {"id": f"s{i}", "outlet": f"Outlet {i}", "confidence": c} for i, c in enumerate(confidences)
    ]
    data["event"]["sources"] = sources
    fact = {**PEAK, "statement": "183k", "sources": [s["id"] for s in sources]}
    return Scenario.model_validate({**data, "facts": [fact]})


@pytest.mark.parametrize(
    ("confidences", "unverified"),
    [
        (("unverified",), True),
        (("unverified", "unverified"), True),
        (("unverified", "second_hand"), False),
        (("primary",), False),
    ],
)
def test_a_fact_whose_sources_are_all_unverified_says_so(
    confidences: tuple[str, ...], unverified: bool
) -> None:
    v = compare(sourced(*confidences), RUN).verdicts[0]
    assert v.sources_unverified is unverified
    line = verdict_line(v)
    assert line.endswith("[every source unverified]") is unverified
    assert line.startswith("REPRODUCED peak: observed 183k")
