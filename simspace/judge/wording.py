"""Verdicts in words: a fact as one plain line for logs and CI (`NOT REPRODUCED start_delay:
observed 12m, reported 41m..42m (tolerance 5m)`), when it is about, and the fit score line (the
fit as a percentage, `fit_text`, wherever it is printed)."""

from __future__ import annotations

from simspace.judge.verdicts import (
    Comparison,
    EventCalendar,
    FactVerdict,
    Verdict,
    format_observed,
    format_reported,
    format_tolerance,
    format_value,
    format_when,
)

VERDICT_LABEL: dict[Verdict, str] = {
    "reproduced": "reproduced",
    "not_reproduced": "not reproduced",
    "not_observable": "not observable",
    "claim": "claim",
    "context": "context",
}
UNVERIFIED = "every source unverified"
"""Said beside a fact whose sources all have confidence `unverified`."""


def fact_where(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """When a fact is about, if it names a moment or a window: `at +40m`, `in 0s..+30m`."""
    if verdict.window_start is not None and verdict.window_end is not None:
        start, end = verdict.window_start, verdict.window_end
        return f"in {format_when(start)}..{format_when(end)}"
    at_metric = verdict.metric in ("waiting_listeners_at", "concurrent_listeners_at")
    return f"at {format_when(verdict.at, calendar)}" if at_metric and verdict.at is not None else ""


_COUNT_NOUNS = {"refusals": "refusals"}
"""What a count fact counts, when not listeners (every other count fact counts listeners)."""


def count_noun(verdict: FactVerdict) -> str:
    """` listeners` after a count fact's value (its unit), else nothing."""
    if verdict.unit != "count":
        return ""
    return " " + _COUNT_NOUNS.get(verdict.metric, "listeners")


def reported_text(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """The reported value, its unit and its tolerance: `41m..42m ± 5m`,
    `>= 878k listeners ± 15%`."""
    tolerance = format_tolerance(verdict)
    text = format_reported(verdict, calendar) + count_noun(verdict)
    return f"{text} ± {tolerance}" if tolerance else text


NO_FACTS = "no reported facts to compare (the scenario has none)"


def fit_percent(fit_score: float) -> str:
    """The fit score as a percentage, `55%`: never `100%` short of a perfect score, nor `0%`
    above nothing (a rounded figure must not claim more than the counts)."""
    percent = round(fit_score * 100)
    if fit_score < 1.0:
        percent = min(percent, 99)
    if fit_score > 0.0:
        percent = max(percent, 1)
    return f"{percent}%"


def fit_text(fit_score: float) -> str:
    """The fit score, the one way it is printed: `fit 55%`."""
    return f"fit {fit_percent(fit_score)}"


def has_facts(comparison: Comparison) -> bool:
    """Whether the scenario reports any fact at all (scored, claim or context)."""
    c = comparison
    return bool(c.scored or c.claims or c.context)


def facts_text(comparison: Comparison) -> str:
    """`3 of 9 scored facts reproduced, 1 not observable; 2 claims not scored; 1 fact about
    another event (context)`; `no scored facts; 2 claims not scored` without scored facts."""
    c = comparison
    text = (
        f"{c.reproduced} of {c.scored} scored facts reproduced" if c.scored else "no scored facts"
    )
    if c.not_observable:
        text += f", {c.not_observable} not observable"
    if c.claims:
        text += f"; {c.claims} claim{'s' if c.claims != 1 else ''} not scored"
    if c.context:
        text += f"; {c.context} fact{'s' if c.context != 1 else ''} about another event (context)"
    return text


def headline(comparison: Comparison, gates: str | None = None) -> tuple[str, str]:
    """What a run's verdicts lead with, as (lead, rest), `lead + rest` being the line: the fit,
    then the facts (`fit 33%`, `: 3 of 9 scored facts reproduced...`); with no scored fact but
    `gates` (`4 of 4 gates passed`), the gates first (`; no reported facts to compare`), so that a
    gates-only run does not lead with a score of nothing; else no lead."""
    c = comparison
    if c.scored:
        return fit_text(c.fit_score), f": {facts_text(c)}"
    facts = facts_text(c) if has_facts(c) else NO_FACTS
    if gates:
        return gates, "; " + (facts if has_facts(c) else "no reported facts to compare")
    return "", facts


def summary_line(comparison: Comparison) -> str:
    """`fit 33%: 3 of 9 scored facts reproduced, 1 not observable; 2 claims not scored`; without
    a scored fact no fit at all (a score of nothing is not 0%)."""
    return "".join(headline(comparison))


def verdict_line(verdict: FactVerdict, calendar: EventCalendar | None = None) -> str:
    """One fact as one plain line: verdict, id, observed, reported and tolerance; `[every source
    unverified]` when nobody confirmed what it reports."""
    line = _line(verdict, calendar)
    return f"{line} [{UNVERIFIED}]" if verdict.sources_unverified else line


def _line(verdict: FactVerdict, calendar: EventCalendar | None) -> str:
    v = verdict
    label = VERDICT_LABEL[v.verdict].upper()
    tolerance = format_tolerance(v)
    reported = f"reported {format_reported(v, calendar)}{count_noun(v)}" + (
        f" (tolerance {tolerance})" if tolerance else ""
    )
    if v.verdict == "context":
        return f"{label} {v.fact_id}: {v.reason}"
    if v.verdict == "claim":
        return f"{label} {v.fact_id}: {reported}; {v.reason}"
    where = fact_where(v, calendar)
    observed = f"observed {format_observed(v, calendar if v.unit == 'event_time' else None)}"
    observed += count_noun(v) if v.observed is not None else ""
    observed += f" {where}" if where else ""
    if v.verdict == "not_observable":
        seen = f"observed {format_observed(v)}; " if v.observed is not None else ""
        return f"{label} {v.fact_id}: {seen}{v.reason or 'no data'}; {reported}"
    if v.unit == "seen":
        return f"{label} {v.fact_id}: {v.detail or format_observed(v)}, {reported}"
    observed += f" ({v.reason})" if v.reason else ""
    return f"{label} {v.fact_id}: {observed}, {reported}{marginal_text(v)}"


def marginal_text(verdict: FactVerdict) -> str:
    """`; MARGINAL: 12s from the tolerance edge...` for a verdict another run could flip."""
    if not verdict.marginal or verdict.margin is None:
        return ""
    return (
        f"; MARGINAL: {format_value('duration', verdict.margin)} from the tolerance edge, "
        "closer than the run's timing resolution"
    )


def verdict_lines(comparison: Comparison) -> list[str]:
    """Every fact as a plain line, then the fit score line."""
    lines = [verdict_line(v, comparison.calendar) for v in comparison.verdicts]
    return [*lines, summary_line(comparison)]
