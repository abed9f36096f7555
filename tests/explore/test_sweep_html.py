"""sweep.html from hand-built results: the figure each shape of sweep gets (two parameters: a fit
heatmap and one per fact; one: a line and verdict strips; a sample: marginals and a table), the
region marked, axis labels in the field's format, and every text escaped on a script-free page."""

from __future__ import annotations

import datetime as dt
import re

from simspace.explore.points import PointOutcome
from simspace.explore.sweep import Axis, Sampling
from simspace.explore.sweep_html import sweep_html
from simspace.explore.sweep_result import (
    FactShare,
    SweepResult,
    SweepSpec,
    VariantSweep,
    reproduces_all,
)
from simspace.judge.verdicts import EventCalendar, Verdict

HOSTILE = '<script>alert("x")</script>&'
CAPACITY = Axis(path="platform.tiers.api.capacity_rps", kind="count", low=100e3, high=400e3,
                points=2, log=True, value=200e3)  # fmt: skip
AT = Axis(path="operator_actions[2].at", kind="event_time", low=2100.0, high=2700.0, points=3,
          value=2400.0)  # fmt: skip


def outcome(settings: dict[str, float], delay_ok: bool, peak_ok: bool = True) -> PointOutcome:
    verdicts: dict[str, Verdict] = {
        "delay": "reproduced" if delay_ok else "not_reproduced",
        "peak": "reproduced" if peak_ok else "not_reproduced",
    }
    reproduced = delay_ok + peak_ok
    return PointOutcome(variant="organic", settings=settings, fit_score=reproduced / 2,
                        reproduced=reproduced, scored=2, verdicts=verdicts)  # fmt: skip


def result(
    axes: list[Axis], outcomes: list[PointOutcome], sampling: Sampling = "grid"
) -> SweepResult:
    region = sum(reproduces_all(o) for o in outcomes)
    facts = [
        FactShare(fact_id=f, statement=HOSTILE, reproduced=n, share=n / len(outcomes))
        for f, n in (("delay", sum(o.verdicts.get("delay") == "reproduced" for o in outcomes)),
                     ("peak", sum(o.verdicts.get("peak") == "reproduced" for o in outcomes)))
    ]  # fmt: skip
    sweep = VariantSweep(
        variant="organic", name="organic", description=HOSTILE, sampling=sampling,
        axes=axes, population_scale=1 / 3000, scale_reason=HOSTILE, outcomes=outcomes,
        region=region, region_share=region / len(outcomes), facts=facts,
    )  # fmt: skip
    spec = SweepSpec(scenario_file=HOSTILE, vary=[HOSTILE], variants=["organic"],
                     engine="virtual", budget_s=4.0, seed=1, workers=2)  # fmt: skip
    calendar = EventCalendar(date=dt.date(2024, 8, 12), scheduled_start=dt.time(20, 0),
                             time_zone="America/New_York")  # fmt: skip
    return SweepResult(scenario="trump_space", title=HOSTILE, started_at="2024-08-12T00:00:00Z",
                       wall_s=12.0, spec=spec, calendar=calendar, variants=[sweep])  # fmt: skip


def grid_2x3() -> list[PointOutcome]:
    """Reproduces every fact only at the lower capacity with the action at +40m or later."""
    return [
        outcome({CAPACITY.path: c, AT.path: t}, delay_ok=t >= 2400, peak_ok=c < 300e3)
        for c in CAPACITY.grid()
        for t in AT.grid()
    ]


def assert_safe(html: str) -> None:
    assert "<script" not in html
    assert "&lt;script&gt;" in html
    assert "Content-Security-Policy" in html


def test_two_parameters_get_a_fit_heatmap_and_one_per_fact() -> None:
    html = sweep_html(result([CAPACITY, AT], grid_2x3()))
    assert_safe(html)
    assert (
        'aria-label="fit across platform.tiers.api.capacity_rps and operator_actions[2].at"' in html
    )
    assert 'aria-label="delay across the grid"' in html
    assert 'aria-label="peak across the grid"' in html
    assert html.count("<circle") == 2  # the ringed cells: low capacity, action at +40m, +45m
    assert "Reproduces every scored fact at 2 of 6 points (33%)" in html
    for label in ("100k", "400k", "+35m (20:35)", "+45m (20:45)"):  # x: counts, y: times
        assert f">{label}</text>" in html


def test_one_parameter_gets_a_fit_line_and_verdict_strips() -> None:
    outcomes = [outcome({AT.path: t}, delay_ok=t >= 2400) for t in AT.grid()]
    html = sweep_html(result([AT], outcomes))
    assert_safe(html)
    assert 'aria-label="fit across operator_actions[2].at"' in html
    assert "each fact&#x27;s verdict across operator_actions[2].at" in html
    strips = re.search(r"each fact.*?</svg>", html, re.S)
    assert strips is not None
    assert strips[0].count("<rect") == 2 * 3  # two facts, three points


def test_a_sample_gets_marginals_and_a_table_best_first() -> None:
    outcomes = grid_2x3()
    outcomes.append(
        PointOutcome(
            variant="organic",
            settings={CAPACITY.path: 150e3, AT.path: 2200.0},
            fit_score=None,
            problem=HOSTILE,
        )
    )
    html = sweep_html(result([CAPACITY, AT], outcomes, sampling="lhs"))
    assert_safe(html)
    assert "share reproducing every scored fact across operator_actions[2].at" in html
    assert "Points, best fit first" in html
    fits = re.findall(r'<td class="num">(1\.00|0\.50|0\.00|—)</td>', html)
    assert fits == sorted(fits, key=lambda f: -1 if f == "—" else float(f), reverse=True)
    assert "could not play: &lt;script&gt;" in html
