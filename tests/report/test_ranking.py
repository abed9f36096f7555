"""`simspace compare`'s ranking as shown: `ranking.html` in the report's page shell (same CSP,
nothing loaded from outside, every text escaped, runs linked by relative path) and the console
table."""

from __future__ import annotations

import re
from pathlib import Path

from simspace.judge.ranking import FactRow, RankedRun, Ranking
from simspace.report.html.page import render_report
from simspace.report.html.shell import CSP, page
from simspace.report.ranking import RankingTable, ranking_html
from tests.report.test_console import render
from tests.report.test_html import COMMAND, HOSTILE, load_result, make_comparison, make_scenario

ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def _run(rank: int, variant: str, fit: float, reproduced: int) -> RankedRun:
    return RankedRun(rank=rank, variant=variant, directory=f"runs/small/{variant}",
                     status="completed", fit_score=fit, reproduced=reproduced, scored=2,
                     not_observable=0)  # fmt: skip


RANKING = Ranking(
    scenario="small",
    runs=[_run(1, "slow_host", 1.0, 2), _run(2, "base", 0.5, 1)],
    facts=[
        FactRow(
            fact_id="late",
            statement=f"started late {HOSTILE}",
            scored=True,
            verdicts={"slow_host": "reproduced", "base": "reproduced"},
        ),
        FactRow(
            fact_id="peak",
            statement="1M listeners",
            scored=True,
            verdicts={"slow_host": "reproduced", "base": "not_reproduced"},
        ),
        FactRow(
            fact_id="claim_8m", statement="8M tested", scored=False, verdicts={"slow_host": "claim"}
        ),
    ],
    reproduced_by_none=[],
)


def test_ranking_page_links_each_run_by_relative_path_and_escapes_text() -> None:
    html = ranking_html(RANKING, Path("runs/small/compare-1"))
    assert '<a href="../slow_host/report.html">slow_host</a>' in html
    assert '<a href="../base/report.html">base</a>' in html
    assert HOSTILE not in html
    assert f"started late {ESCAPED}" in html
    assert '<span class="badge not_reproduced">not reproduced</span>' in html
    assert "<td>-</td>" in html  # a variant without the fact
    assert "<b>claim_8m</b> <small>(claim)</small>" in html
    assert "Scored facts no variant reproduces: none" in html
    assert "<script" not in html.lower()
    assert re.findall(r'(?:src|href)="(?!\.\./|data:,)', html) == []


def test_report_and_ranking_share_one_shell(tmp_path: Path) -> None:
    report = render_report(
        make_scenario(tmp_path), load_result(), make_comparison(), command=COMMAND
    )
    ranking = ranking_html(RANKING, tmp_path)
    csp = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
    assert CSP.startswith("default-src 'none';")
    for html in (report, ranking):
        assert html.startswith('<!doctype html><html lang="en"><head><meta charset="utf-8">')
        assert html.count(csp) == 1
        assert html.endswith("</main></body></html>\n")
    head = report[: report.index("<title>")]
    assert ranking.startswith(head)
    # The report adds its own CSS (charts, cards) after the shared CSS; the ranking needs none.
    assert "figure{" in report
    assert "figure{" not in ranking


def test_page_escapes_its_title_and_appends_extra_css() -> None:
    html = page(f"a {HOSTILE}", "<p>body</p>", extra_css="p{color:red}")
    assert f"<title>a {ESCAPED}</title>" in html
    assert "<main><p>body</p></main>" in html
    assert "p{color:red}</style>" in html


def test_ranking_table_on_the_console() -> None:
    nobody = RANKING.model_copy(update={"reproduced_by_none": ["peak"]})
    text = render(RankingTable(nobody), 100)
    assert "hypotheses for small, best first" in text
    assert re.search(r"1\s+slow_host\s+1\.00\s+2/2\s+0\s+completed: runs/small/slow_host", text)
    assert re.search(r"peak\s+reproduced\s+not reproduced", text)
    assert re.search(r"claim_8m \(claim\)\s+claim\s+-", text)
    assert "reproduced by no variant: peak" in text
