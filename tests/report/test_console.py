"""The verdict table rendered at a fixed width, and the plain one-line-per-fact form."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from simspace.judge.verdicts import Unit, format_value
from simspace.judge.wording import verdict_line, verdict_lines
from simspace.report.console import VerdictTable
from tests.report import builders as b

EXPECTED_TABLE = """\
 fact                     reported                observed                           verdict
────────────────────────────────────────────────────────────────────────────────────────────────────
 start_delay              41m..42m ± 5m           12m                                not reproduced
 waiting_878k             >= 878k listeners ±     900k listeners                     reproduced
 at +40m (20:40)          15%
 peak                     1M..1.3M listeners ±    1.2M listeners                     reproduced
                          10%
 first_space_ended        +20m..+21m              >= +3h (23:00)                     not reproduced
                          (20:20..20:21) ± 3m     Space 1 was still live when the
                                                  run stopped at +3h
 no_fetch_error           never seen              not seen                           reproduced
 api_errors               2.5%                    n/a                                not observable
 in +2h..+2h30m                                   no requests were sent on the api
                                                  tier in +2h..+2h30m
 tested_8m_claim          8M listeners            1.2M listeners                     claim
                                                  the modelled platform served at
                                                  most 1.2M concurrent listeners
                                                  in this run: below the claimed
                                                  8M
fit 55%: 3 of 6 scored facts reproduced, 1 not observable; 1 claim not scored
"""

EXPECTED_LINES = [
    "NOT REPRODUCED start_delay: observed 12m, reported 41m..42m (tolerance 5m)",
    "REPRODUCED waiting_878k: observed 900k listeners at +40m (20:40), reported >= 878k "
    "listeners (tolerance 15%)",
    "REPRODUCED peak: observed 1.2M listeners, reported 1M..1.3M listeners (tolerance 10%)",
    "NOT REPRODUCED first_space_ended: observed >= +3h (23:00) (Space 1 was still live when the "
    "run stopped at +3h), reported +20m..+21m (20:20..20:21) (tolerance 3m)",
    "REPRODUCED no_fetch_error: listeners never saw 'Could not fetch <Space> & co', "
    "reported never seen",
    "NOT OBSERVABLE api_errors: no requests were sent on the api tier in +2h..+2h30m; "
    "reported 2.5%",
    "CLAIM tested_8m_claim: reported 8M listeners; the modelled platform served at most 1.2M "
    "concurrent listeners in this run: below the claimed 8M",
    "fit 55%: 3 of 6 scored facts reproduced, 1 not observable; 1 claim not scored",
]


def render(renderable: object, width: int) -> str:
    console = Console(
        width=width, record=True, color_system=None, force_terminal=False, file=io.StringIO()
    )
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines()) + "\n"


def test_verdict_table_at_100_columns() -> None:
    assert render(VerdictTable(b.sample_comparison()), 100) == EXPECTED_TABLE


EXPECTED_AT_80 = """\
 verdict          fact
────────────────────────────────────────────────────────────────────────────────
 not reproduced   start_delay
                  reported 41m..42m ± 5m · observed 12m
 reproduced       waiting_878k
                  at +40m (20:40)
                  reported >= 878k listeners ± 15% · observed 900k listeners
 reproduced       peak
                  reported 1M..1.3M listeners ± 10% · observed 1.2M listeners
 not reproduced   first_space_ended
                  reported +20m..+21m (20:20..20:21) ± 3m · observed >= +3h
                  (23:00)
                  Space 1 was still live when the run stopped at +3h
 reproduced       no_fetch_error
                  reported never seen · observed not seen
 not observable   api_errors
                  in +2h..+2h30m
                  reported 2.5% · observed n/a
                  no requests were sent on the api tier in +2h..+2h30m
 claim            tested_8m_claim
                  reported 8M listeners · observed 1.2M listeners
                  the modelled platform served at most 1.2M concurrent
                  listeners in this run: below the claimed 8M
fit 55%: 3 of 6 scored facts reproduced, 1 not observable; 1 claim not scored
"""


def test_verdict_table_at_80_columns_stacks_and_never_breaks_a_fact_id() -> None:
    text = render(VerdictTable(b.sample_comparison()), 80)
    assert text == EXPECTED_AT_80
    assert max(len(line) for line in text.splitlines()) <= 80


def test_long_fact_ids_stay_whole_at_80_columns() -> None:
    comparison = b.sample_comparison()
    long_id = "details_not_available_after_the_relaunch"
    first = comparison.verdicts[0].model_copy(update={"fact_id": long_id})
    comparison = comparison.model_copy(update={"verdicts": [first, *comparison.verdicts[1:]]})
    lines = render(VerdictTable(comparison), 80).splitlines()
    assert any(line.split()[-1:] == [long_id] for line in lines)


def test_verdict_table_at_120_columns_is_one_row_per_fact() -> None:
    lines = render(VerdictTable(b.sample_comparison()), 120).splitlines()
    assert lines[0].split() == ["fact", "reported", "observed", "verdict"]
    assert max(len(line) for line in lines) <= 120
    assert lines[2].split() == ["start_delay", "41m..42m", "±", "5m", "12m", "not", "reproduced"]


@pytest.mark.parametrize("width", [80, 120])
def test_no_facts_no_table_and_no_fit(width: int) -> None:
    """Without facts the verdicts print nothing: the gates lead (their line says there were no
    facts), never a `fit 0%` of nothing ahead of passed gates."""
    empty = b.sample_comparison().model_copy(
        update={"verdicts": [], "scored": 0, "reproduced": 0, "fit_score": 0.0, "claims": 0,
                "not_observable": 0, "robustness": "robustness: nothing marked fitted"}
    )  # fmt: skip
    assert render(VerdictTable(empty), width).strip() == ""


def test_claims_alone_print_no_fit() -> None:
    comparison = b.sample_comparison()
    claim = [v for v in comparison.verdicts if v.verdict == "claim"]
    claims_only = comparison.model_copy(
        update={"verdicts": claim, "scored": 0, "reproduced": 0, "fit_score": 0.0,
                "not_observable": 0}
    )  # fmt: skip
    lines = render(VerdictTable(claims_only), 80).splitlines()
    assert lines[-1] == "no scored facts; 1 claim not scored"


def test_verdict_table_keeps_natural_widths_on_a_wide_console() -> None:
    lines = render(VerdictTable(b.sample_comparison()), 200).splitlines()
    assert lines[0].split() == ["fact", "reported", "observed", "verdict"]
    assert len(lines[1]) < 200  # not stretched to the console's width
    claim = next(i for i, line in enumerate(lines) if line.startswith(" tested_8m_claim"))
    assert lines[claim + 1].strip() == (
        "the modelled platform served at most 1.2M concurrent listeners in this run: "
        "below the claimed 8M"
    )


def test_verdict_table_colours_each_verdict() -> None:
    console = Console(width=100, record=True, color_system="standard", file=io.StringIO())
    console.print(VerdictTable(b.sample_comparison()))
    styled = console.export_text(styles=True)
    assert "\x1b[32mreproduced" in styled  # green
    assert "\x1b[31mnot reproduced" in styled  # red
    assert "\x1b[33mnot observable" in styled  # yellow
    assert "\x1b[2mclaim" in styled  # dim


def test_plain_lines() -> None:
    assert verdict_lines(b.sample_comparison()) == EXPECTED_LINES


def test_plain_line_without_tolerance_or_calendar() -> None:
    comparison = b.sample_comparison()
    ended = comparison.verdicts[3]
    assert verdict_line(ended) == (
        "NOT REPRODUCED first_space_ended: observed >= +3h (Space 1 was still live when the "
        "run stopped at +3h), reported +20m..+21m (tolerance 3m)"
    )


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        ("count", 424.04, "424"),
        ("count", 1234.5, "1.23k"),
        ("count", 265_873.08, "266k"),
        ("count", 999_900.0, "1M"),
        ("count", 2_136_312.77, "2.14M"),
        ("duration", 485.97, "8m6s"),
        ("duration", -899.88, "-15m"),
        ("duration", 2.345, "2.3s"),
        ("duration", 8027.0, "2h14m"),
        ("event_time", 0.0, "0s"),
        ("event_time", 10_500.0, "+2h55m"),
        ("ratio", 0.025347, "2.53%"),
        ("ratio", 1.0, "100%"),
        ("ratio", 0.0, "0%"),
        ("ratio", 1e-7, "<0.01%"),
        ("seen", True, "seen"),
        ("seen", None, "n/a"),
    ],
)
def test_values_print_in_human_units(unit: Unit, value: float | bool | None, text: str) -> None:
    assert format_value(unit, value) == text


def test_event_times_print_with_the_clock_time_across_midnight() -> None:
    calendar = b.sample_comparison().calendar
    assert calendar is not None
    assert format_value("event_time", 4 * 3600 + 12.0, calendar) == "+4h (00:00)"
    assert format_value("event_time", -90.0, calendar) == "-1m30s (19:58:30)"
