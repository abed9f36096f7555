"""Early stop: during a run, judge the gates that opted in (`abort_on_fail`, or every gate with
`--abort-on-fail`) on what was observed so far, and say when one has failed beyond recovery."""

from __future__ import annotations

from dataclasses import dataclass

from simspace.judge.gates.abort import first_beyond_recovery
from simspace.judge.gates.evaluate import evaluate_gates
from simspace.results.model import RunResult
from simspace.scenario.facts import Gate
from simspace.scenario.model import Scenario

CHECK_EVERY_WALL_S = 5.0
SETTLE_WALL_S = 3.0
"""Observations reach the run session within ~2 wall seconds (flushed once a second)."""


@dataclass(frozen=True)
class EarlyStop:
    """The gates a run may stop early for."""

    gates: list[Gate]
    scenario: Scenario

    @classmethod
    def of(cls, scenario: Scenario, every_gate: bool) -> EarlyStop | None:
        checks = scenario.gates.checks
        gates = [g.model_copy(update={"abort_on_fail": True}) if every_gate else g for g in checks]
        chosen = [g for g in gates if g.abort_on_fail]
        return cls(chosen, scenario) if chosen else None

    def reason(self, partial: RunResult, now_t: float) -> str | None:
        """Why the run should stop now (a gate failed beyond recovery), or None."""
        texts = self.scenario.platform.errors.texts().values()
        verdicts = evaluate_gates(self.gates, partial, self.scenario.window, texts)
        settle_s = SETTLE_WALL_S * partial.plan.speedup + 1.0
        hit = first_beyond_recovery(self.gates, verdicts, partial, now_t, settle_s)
        if hit is None:
            return None
        gate, why = hit
        return f"gate {gate.id} failed beyond recovery: {why}"
