"""Gates: thresholds on what a run observed, and the run's expectation (survive or reproduce).

`parse_gates` reads `--gate` expressions, `evaluate_gates` judges each gate on a RunResult,
`judge_outcome` decides whether the run met its expectation. Pure code: no I/O, no clock.
"""

from __future__ import annotations

from simspace.judge.gates.evaluate import GateStatus, GateVerdict, evaluate_gates
from simspace.judge.gates.outcome import Expectation, Outcome, judge_outcome, judge_runs, outcome_of
from simspace.judge.gates.parse import GateContext, parse_gate, parse_gates, with_cli_gates

__all__ = [
    "Expectation",
    "GateContext",
    "GateStatus",
    "GateVerdict",
    "Outcome",
    "evaluate_gates",
    "judge_outcome",
    "judge_runs",
    "outcome_of",
    "parse_gate",
    "parse_gates",
    "with_cli_gates",
]
