"""The run's expectation, judged: `survive` (every gate holds) or `reproduce` (every scored fact
is reproduced, and every gate holds). A gate that is not observable counts as failed: a CI gate
that could not be checked must not pass silently. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from simspace.judge.gates.evaluate import GateVerdict, evaluate_gates
from simspace.judge.verdicts import Comparison
from simspace.judge.wording import has_facts, verdict_line
from simspace.results.model import RunResult
from simspace.scenario.facts import EventWindow, Gates

Expectation = Literal["survive", "reproduce"]


class Outcome(BaseModel):
    """Whether a run met its expectation, and why not."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    expect: Expectation
    passed: bool
    summary: str = Field(description="`expectation met: the run survives (3 of 3 gates passed)`")
    failures: list[str] = Field(description="one line per failed gate or unreproduced fact")
    gates: list[GateVerdict]


def judge_outcome(
    gates: Gates,
    result: RunResult,
    comparison: Comparison,
    bounds: EventWindow | None = None,
    expect: Expectation | None = None,
    shown_texts: Collection[str] | None = None,
) -> Outcome:
    """Evaluate `gates` on `result` and judge the expectation (`expect` overrides the
    scenario's); `shown_texts`: the platform's error texts, for `listener_visible` gates."""
    verdicts = evaluate_gates(gates.checks, result, bounds, shown_texts)
    return outcome_of(expect or gates.expect, verdicts, comparison)


EXPECTATION_TEXT: dict[Expectation, tuple[str, str]] = {
    "survive": ("the run survives", "the run must survive"),
    "reproduce": ("the run reproduces the incident", "the run must reproduce the incident"),
}
"""What each expectation asks, met and not met, in the words the summary uses."""


def outcome_of(
    expect: Expectation, verdicts: Sequence[GateVerdict], comparison: Comparison
) -> Outcome:
    """The expectation judged from gate verdicts and the comparison with the reported facts."""
    failed_gates = [v for v in verdicts if v.verdict != "passed"]
    failures = [v.line for v in failed_gates]
    parts = [gates_text(verdicts)]
    if expect == "reproduce":
        missed = [v for v in comparison.verdicts if v.scored and v.verdict != "reproduced"]
        failures = [verdict_line(v, comparison.calendar) for v in missed] + failures
        parts.insert(0, f"{comparison.reproduced} of {comparison.scored} scored facts reproduced")
    elif not has_facts(comparison):
        parts.append("no reported facts to compare")
    passed = not failures
    met, not_met = EXPECTATION_TEXT[expect]
    summary = f"expectation met: {met}" if passed else f"expectation not met: {not_met}"
    return Outcome(
        expect=expect,
        passed=passed,
        summary=f"{summary} ({'; '.join(parts)})",
        failures=failures,
        gates=list(verdicts),
    )


def gates_text(verdicts: Sequence[GateVerdict]) -> str:
    """`3 of 4 gates passed, 1 not observable counted as failed`, or `no gates set`."""
    passed = sum(v.verdict == "passed" for v in verdicts)
    unobservable = sum(v.verdict == "not_observable" for v in verdicts)
    return gate_count_text(passed, len(verdicts), unobservable)


def gate_count_text(passed: int, total: int, unobservable: int = 0) -> str:
    """`gates_text` from the counts alone (JUnit has the cases, not the verdicts)."""
    if not total:
        return "no gates set"
    text = f"{passed} of {total} gate{'s' if total != 1 else ''} passed"
    if unobservable:
        text += f", {unobservable} not observable counted as failed"
    return text


def judge_runs(outcomes: Sequence[tuple[str, Outcome]]) -> tuple[bool, str, list[str]]:
    """Several runs of one scenario (`simspace compare`, one per hypothesis): passed, a summary
    and the failing lines, each prefixed by its variant. Runs expected to survive must all
    survive; when runs are expected to reproduce, at least one of them must: a calibrated
    scenario has a hypothesis that reproduces the incident, not every hypothesis."""
    survive = [(name, o) for name, o in outcomes if o.expect == "survive"]
    reproduce = [(name, o) for name, o in outcomes if o.expect == "reproduce"]
    failed_survive = [(name, o) for name, o in survive if not o.passed]
    reproduced = [name for name, o in reproduce if o.passed]
    lines = [f"{name}: {line}" for name, o in failed_survive for line in o.failures]
    parts = []
    if survive:
        parts.append(f"{len(survive) - len(failed_survive)} of {len(survive)} runs survived")
    if reproduce:
        who = f" ({', '.join(reproduced)})" if reproduced else ""
        parts.append(f"{len(reproduced)} of {len(reproduce)} runs reproduced the incident{who}")
        if not reproduced:
            lines += [f"{name}: {line}" for name, o in reproduce for line in o.failures]
    passed = not failed_survive and (not reproduce or bool(reproduced))
    summary = f"expectations {'met' if passed else 'not met'}: " + "; ".join(parts or ["no runs"])
    return passed, summary, lines
