"""Gates as the reporter shows them: a console table, JUnit test cases (`classname="gates"`) and
the HTML report's "Gates" section. The verdicts themselves come from `simspace.judge.gates`."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from simspace.judge.gates import GateVerdict, Outcome
from simspace.judge.gates.evaluate import observed_text, threshold_text
from simspace.judge.gates.outcome import gates_text
from simspace.judge.verdicts import Comparison
from simspace.judge.wording import headline
from simspace.report.junit import JUnitCase

GATE_STYLE = {"passed": "green", "failed": "red", "not_observable": "yellow"}
GATE_LABEL = {"passed": "passed", "failed": "failed", "not_observable": "not observable"}
_HTML_CLASS = {"passed": "ok", "failed": "bad", "not_observable": "not_observable"}


def _observed(v: GateVerdict) -> str:
    return observed_text(v.observed, v.unit, v.observed_at_least)


def _threshold(v: GateVerdict) -> str:
    return threshold_text(v.op, v.threshold, v.unit)


@dataclass(frozen=True)
class GateTable:
    """Every gate: its metric and scope, threshold, observed value and verdict; then whether
    the run met its expectation."""

    outcome: Outcome

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.outcome.gates:
            table = Table(box=box.SIMPLE_HEAD, header_style="bold", show_edge=False)
            table.add_column("gate", overflow="fold", ratio=3)
            table.add_column("threshold", no_wrap=True)
            table.add_column("observed", overflow="fold", ratio=3)
            table.add_column("verdict", no_wrap=True, min_width=14)
            for v in self.outcome.gates:
                gate = Text(v.id if v.id == v.metric else f"{v.id}: {v.metric}")
                if v.scope:
                    gate.append(f"\n{v.scope}", style="dim")
                observed = Text(_observed(v))
                if v.reason:
                    observed.append(f"\n{v.reason}", style="dim")
                verdict = Text(GATE_LABEL[v.verdict], style=GATE_STYLE[v.verdict])
                table.add_row(gate, _threshold(v), observed, verdict)
            yield table
        style = "bold green" if self.outcome.passed else "bold red"
        yield Text(self.outcome.summary, style=style)


def gate_case(verdict: GateVerdict) -> JUnitCase:
    """The JUnit test case of one gate: passed, or a failure (not observable fails too)."""
    if verdict.verdict == "passed":
        return JUnitCase("gates", verdict.id)
    text = f"{verdict.line}\ngate {verdict.id}: {verdict.metric} {_threshold(verdict)}"
    if verdict.scope:
        text += f" ({verdict.scope})"
    if verdict.verdict == "not_observable":
        text += "\nnot observable counts as failed: the gate could not be checked"
    return JUnitCase("gates", verdict.id, failure=verdict.line, failure_type=verdict.verdict,
                     text=text)  # fmt: skip


def headline_html(comparison: Comparison, outcome: Outcome | None) -> str:
    """The report header's verdict line, the lead in bold: `<b>fit 100%</b>: 9 of 9 scored facts
    reproduced`, or for a run with gates and no scored fact `<b>4 of 4 gates passed</b>; no
    reported facts to compare` (`simspace.judge.wording.headline`)."""
    gates = gates_text(outcome.gates) if outcome is not None and outcome.gates else None
    lead, rest = headline(comparison, gates)
    return (f"<b>{escape(lead)}</b>" if lead else "") + escape(rest)


def gates_section(outcome: Outcome | None) -> str:
    """The HTML report's "Gates" section (every value escaped)."""
    if outcome is None:
        return ""
    badge = "ok" if outcome.passed else "bad"
    out = [
        '<section id="gates"><h2>Gates</h2>',
        f'<p><span class="badge {badge}">{"met" if outcome.passed else "not met"}</span> '
        f"{escape(outcome.summary)}</p>",
    ]
    if outcome.gates:
        rows = []
        for v in outcome.gates:
            scope = f"<br><small>{escape(v.scope)}</small>" if v.scope else ""
            reason = f"<br><small>{escape(v.reason)}</small>" if v.reason else ""
            rows.append(
                f"<tr><td><b>{escape(v.id)}</b><br><small>{escape(v.metric)}</small>{scope}</td>"
                f'<td><span class="badge {_HTML_CLASS[v.verdict]}">'
                f"{GATE_LABEL[v.verdict]}</span></td>"
                f"<td>{escape(_threshold(v))}</td><td>{escape(_observed(v))}{reason}</td></tr>"
            )
        out.append(
            '<div class="scroll"><table class="gates"><thead><tr><th>Gate</th><th>Verdict</th>'
            f"<th>Threshold</th><th>Observed</th></tr></thead><tbody>{''.join(rows)}</tbody>"
            "</table></div>"
        )
    else:
        out.append('<p class="mute">No gates: the scenario and the command line set none.</p>')
    if outcome.failures:
        items = "".join(f"<li><code>{escape(line)}</code></li>" for line in outcome.failures)
        out.append(f"<h3>Why the expectation failed</h3><ul>{items}</ul>")
    return "".join(out) + "</section>"
