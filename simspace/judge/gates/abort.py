"""When a gate has failed beyond recovery: nothing the rest of the run could observe would turn
its verdict into a pass, so the run may stop early (like k6's abortOnFail). Pure: no I/O, no clock.

During a run the session judges a partial RunResult (status "running", `observed_until` =
now) and asks `beyond_recovery` about each failed gate. `settle_s` is how far the observations
may lag behind `now_t`: data up to `now_t - settle_s` is taken as complete. Each rule must be
sound: a gate is final only when every value the rest of the run could produce also fails.

- A verdict other than "failed" is never final.
- `start_delay <`/`<=`: final. The first Space went live too late, or had not gone live by the
  lower bound, which is taken no later than `now_t - settle_s`, and that bound is already past
  the threshold.
- `start_delay >`/`>=`: final once the first Space went live (too early). A lower bound still
  below the threshold can grow.
- `peak_listeners <`/`<=`: final. The peak within the window only grows.
- `refusals <`/`<=` and `gave_up_listeners <`/`<=`: final. Both are counts that only grow (a
  room's refusals, the give-ups of the listeners who arrived in the window).
- `refusals >`/`>=`: final once the window has closed (the api tier's timeline steps that start
  in it, like `peak_listeners`); a room's total (whole run) only at the run's end.
- `gave_up_listeners >`/`>=`: never; any listener still waiting could give up.
- `ttfa_pNN`, `error_ratio`, `peak_listeners` (any op): final once the window has closed, meaning
  everything the evaluator counts in it happened `settle_s` before `now_t`, and the verdict was
  judged on the whole window (the result's timeline reached its end). When a window closes:
  ttfa samples are keyed by the moment first audio came, so at the window's end. Request buckets
  (`plan.speedup` event seconds, the recorder's) close at the end of the bucket holding the
  window's end. Listener grid steps (`listeners.t`) close one step after the step holding it,
  which allows for a server bucket straddling that step.
- A gate without a window spans the plan (`t_begin..t_end`), and an open-ended window
  (`after +5m`) runs to the scenario's end. Both close only when the run ends, so mid-run they
  are never final by the window rule.
- Cohort ratios (`join_success_ratio`, `gave_up_ratio`, `stall_ratio`) are keyed by arrival
  time. Once the grid steps of arrivals a window counts have closed, its cohort is fixed, but
  its members may still resolve. What holds: `heard` only grows; give-ups only grow and are
  terminal (a listener who gives up never comes back, see `Listener.script`); but a listener who
  heard audio can still give up after a rejoin (booted, or the Space ended). So at most `heard`
  of the give-ups are by listeners who heard, and
  `heard_max = arrived - max(0, gave_up - heard)` bounds the listeners who will ever hear.
  (`arrived - heard - gave_up` would undercount the undecided listeners whenever someone who
  heard later gave up, so it is not used.)
  - `join_success_ratio >=`/`>`: final if even `heard_max / arrived` fails.
  - `join_success_ratio <=`/`<`: final (heard only grows).
  - `gave_up_ratio <=`/`<`: final (give-ups only grow).
  - `gave_up_ratio >=`/`>`: never; any listener still here could give up.
  - `stall_ratio <=`/`<`: stalls only grow, so final if even `stalls / heard_max` fails.
  - `stall_ratio >=`/`>`: never; a listener who is still listening can stall again and again.
- Caveat: beyond `MAX_TTFA_SAMPLES`, result.json keeps an even subset of the ttfa samples. A
  longer run would keep a different subset of the same closed window, which could move its
  percentile a little. The rule judges the samples the partial result holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

# The evaluator's own horizon, so both agree on whether a window was cut short.
from simspace.judge.gates.evaluate import GateVerdict, holds, observed_until, threshold_text
from simspace.judge.verdicts import Unit, format_value, format_when
from simspace.results.model import RunResult
from simspace.scenario.facts import GATE_UNITS, Gate

_UPPER = ("<", "<=")  # the gate caps the metric: it fails when the metric is too high
_TTFA = ("ttfa_p50", "ttfa_p95", "ttfa_p99")
_COHORT = ("join_success_ratio", "gave_up_ratio", "stall_ratio")
_GROWING = {
    "peak_listeners": "and a peak only grows",
    "refusals": "and refusals only add up",
    "gave_up_listeners": "and give-ups only add up",
}
"""Metrics that can only grow as a run goes on: a gate capping one fails for good."""


def beyond_recovery(
    gate: Gate, verdict: GateVerdict, result: RunResult, now_t: float, settle_s: float
) -> str | None:
    """None unless `verdict` failed and can no longer pass; else a short reason for the console
    and the report: `start_delay: the first Space was still not live at +10m (threshold <= 5m)`.
    `result` is what was observed until `now_t` (event time); observations may lag `settle_s`."""
    if settle_s < 0:
        raise ValueError(f"settle_s must not be negative (got {settle_s})")
    if verdict.id != gate.id:
        raise ValueError(f"verdict {verdict.id!r} is not gate {gate.id!r}'s")
    if verdict.verdict != "failed" or verdict.observed is None:
        return None
    if gate.metric == "start_delay":
        return _start_delay(gate, verdict, verdict.observed, now_t - settle_s)
    if gate.metric in _GROWING and gate.op in _UPPER:
        return _say(
            gate, verdict, f"already {_show(gate, verdict.observed)}, {_GROWING[gate.metric]}"
        )
    if gate.metric == "gave_up_listeners":
        return None  # too few give-ups so far: anyone still waiting could give up
    window = gate.window
    start, end = (window.start, window.end) if window else (result.plan.t_begin, result.plan.t_end)
    closes_at = _closes_at(gate.metric, result, end)
    if closes_at + settle_s > now_t or observed_until(result) < end:
        return None
    if gate.metric in _COHORT:
        return _cohort(gate, verdict, result, start, end)
    shown = _show(gate, verdict.observed)
    return _say(gate, verdict, f"{shown} in a window that closed at {format_when(closes_at)}")


def first_beyond_recovery(
    gates: Sequence[Gate],
    verdicts: Sequence[GateVerdict],
    result: RunResult,
    now_t: float,
    settle_s: float,
) -> tuple[Gate, str] | None:
    """The first gate with `abort_on_fail` that failed beyond recovery, and why; `verdicts` are
    `evaluate_gates(gates, result)`, in the same order."""
    if len(gates) != len(verdicts):
        raise ValueError(f"{len(gates)} gates but {len(verdicts)} verdicts")
    for gate, verdict in zip(gates, verdicts, strict=True):
        if gate.abort_on_fail:
            reason = beyond_recovery(gate, verdict, result, now_t, settle_s)
            if reason is not None:
                return gate, reason
    return None


def _unit(gate: Gate) -> Unit:
    return GATE_UNITS[gate.metric]  # type: ignore[return-value]


def _show(gate: Gate, value: float) -> str:
    return format_value(_unit(gate), value)


def _say(gate: Gate, verdict: GateVerdict, what: str) -> str:
    scope = f", {verdict.scope}" if verdict.scope else ""
    threshold = threshold_text(gate.op, gate.value, _unit(gate))
    return f"{gate.metric}: {what} (threshold {threshold}{scope})"


def _start_delay(gate: Gate, verdict: GateVerdict, observed: float, settled_t: float) -> str | None:
    if not verdict.observed_at_least:
        return _say(gate, verdict, f"the first Space went live at {format_when(observed)}")
    if gate.op not in _UPPER:
        return None  # not live yet: the delay can still grow past the threshold
    # Not live by the result's horizon; trust only what has settled.
    sure = min(observed, settled_t)
    if holds(sure, gate.op, gate.value):
        return None
    return _say(gate, verdict, f"the first Space was still not live at {format_when(sure)}")


def _closes_at(metric: str, result: RunResult, end: float) -> float:
    """Event time after which nothing the evaluator counts in a window ending at `end` can
    still happen (math.inf when unknown)."""
    if metric in _TTFA:
        return end
    if metric == "error_ratio":
        size = result.plan.speedup  # the recorder's request bucket: floor(t / size) * size
        return (math.floor(end / size) + 1) * size if size > 0 else math.inf
    grid = result.listeners.t
    if len(grid) < 2:
        return math.inf
    step = grid[1] - grid[0]
    if metric == "peak_listeners":
        # the evaluator takes the grid point at `end` too; a server bucket may straddle its step
        last = max((t for t in grid if t <= end), default=None)
        return math.inf if last is None else last + 2 * step
    if metric == "refusals":  # timeline steps that start in the window; buckets may straddle
        last = max((t for t in grid if t < end), default=None)
        return math.inf if last is None else last + 2 * step
    last = max((t for t in grid if t < end), default=None)  # cohorts: arrival steps
    return math.inf if last is None else last + step


def _cohort(
    gate: Gate, verdict: GateVerdict, result: RunResult, start: float, end: float
) -> str | None:
    rows = [c for c in result.cohorts if gate.window is None or start <= c.t < end]
    arrived = sum(c.arrived for c in rows)
    heard = sum(c.heard for c in rows)
    gave_up = sum(c.gave_up for c in rows)
    stalls = sum(c.stalls for c in rows)
    if arrived <= 0:
        return None
    heard_max = max(heard, arrived - max(0.0, gave_up - heard))
    metric, upper = gate.metric, gate.op in _UPPER
    if metric == "join_success_ratio" and not upper:
        best = heard_max / arrived
        if holds(best, gate.op, gate.value):
            return None
        what = f"at most {_show(gate, best)} even if everyone still waiting hears audio"
        return _say(gate, verdict, what)
    if metric == "join_success_ratio":
        ratio = heard / arrived
        if holds(ratio, gate.op, gate.value):
            return None
        return _say(gate, verdict, f"already {_show(gate, ratio)}, and it only grows")
    if metric == "gave_up_ratio" and upper:
        ratio = gave_up / arrived
        if holds(ratio, gate.op, gate.value):
            return None
        return _say(gate, verdict, f"already {_show(gate, ratio)}, and give-ups only grow")
    if metric == "stall_ratio" and upper and heard_max > 0:
        least = stalls / heard_max
        if holds(least, gate.op, gate.value):
            return None
        what = f"at least {_show(gate, least)} even if everyone still waiting hears audio"
        return _say(gate, verdict, f"{what} without a stall")
    return None
