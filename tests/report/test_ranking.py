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


def _run(rank: int, run_id: str, variant: str, fit: float, reproduced: int) -> RankedRun:
    return RankedRun(rank=rank, run_id=run_id, variant=variant,
                     directory=f"runs/small/{run_id}", started_at=f"2026-11-30T0{rank}:43:32Z",
                     engine="stub", status="completed", fit_score=fit, reproduced=reproduced,
                     scored=2, not_observable=0)  # fmt: skip


# Two runs of the base scenario (a baseline and a new build) and one of a variant.
RANKING = Ranking(
    scenario="small",
    runs=[
        _run(1, "slow_host", "slow_host", 1.0, 2),
        _run(2, "new", "base", 0.5, 1).model_copy(
            update={"engine": "virtual", "labels": {"build": f"new {HOSTILE}"}}
        ),
        _run(3, "old", "base", 0.0, 0),
    ],
    facts=[
        FactRow(
            fact_id="late",
            statement=f"started late {HOSTILE}",
            scored=True,
            verdicts={"slow_host": "reproduced", "new": "reproduced", "old": "not_reproduced"},
            observed={"slow_host": "12m", "new": "9m", "old": "1m"},
        ),
        FactRow(
            fact_id="peak",
            statement="1M listeners",
            scored=True,
            verdicts={"slow_host": "reproduced", "new": "not_reproduced", "old": "not_reproduced"},
            observed={"slow_host": "1.1M", "new": "80k", "old": "75k"},
        ),
        FactRow(
            fact_id="claim_8m",
            statement="8M tested",
            scored=False,
            verdicts={"slow_host": "claim"},
            observed={"slow_host": "1.1M"},
        ),
    ],
    reproduced_by_none=[],
)


def test_ranking_page_links_each_run_by_relative_path_and_escapes_text() -> None:
    html = ranking_html(RANKING, Path("runs/small/compare-1"))
    assert '<a href="../slow_host/report.html">slow_host</a>' in html
    assert '<a href="../new/report.html">base</a>' in html
    assert '<a href="../old/report.html">base</a>' in html
    assert HOSTILE not in html
    assert f"started late {ESCAPED}" in html
    assert f"<td>build=new {ESCAPED}</td>" in html
    assert '<span class="badge not_reproduced">not reproduced</span> <small>80k</small>' in html
    assert "<td>-</td>" in html  # a run without the fact
    assert "<b>claim_8m</b> <small>(claim)</small>" in html
    assert "Scored facts no run reproduces: none" in html
    assert "<script" not in html.lower()
    assert re.findall(r'(?:src|href)="(?!\.\./|data:,)', html) == []


def test_ranking_page_tells_two_runs_of_one_variant_apart_by_start_and_engine() -> None:
    html = ranking_html(RANKING, Path("runs/small/compare-1"))
    heads = re.findall(r"<th>([^<]*)<br><small>([^<]*)<br>([^<]*)</small></th>", html)
    assert heads == [
        ("slow_host", "2026-11-30 01:43:32 UTC", "stub"),
        ("base", "2026-11-30 02:43:32 UTC", "virtual"),
        ("base", "2026-11-30 03:43:32 UTC", "stub"),
    ]
    late = html[html.index("<b>late</b>") :].split("</tr>")[0]
    assert re.findall(r'badge (\w+)">[^<]*</span> <small>([^<]*)</small>', late) == [
        ("reproduced", "12m"),
        ("reproduced", "9m"),
        ("not_reproduced", "1m"),
    ]


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
    text = render(RankingTable(nobody), 200)
    assert "hypotheses for small, best first" in text
    assert re.search(
        r"1\s+slow_host\s+2026-11-30 01:43:32 UTC\s+stub\s+100%\s+2/2\s+0\s+-\s+-\s+"
        r"completed: runs/small/slow_host",
        text,
    )
    assert re.search(r"2\s+base\s+2026-11-30 02:43:32 UTC\s+virtual\s+50%", text)
    assert f"runs/small/new [build=new {HOSTILE}]" in text  # plain text, not markup
    header = re.search(r"\n\s+slow_host\s+base\s+base\n\s+(.+)\n\s*fact\s+(.+)\n", text)
    assert header is not None, text
    assert re.findall(r"\S+ \S+ UTC", header.group(1)) == [
        "2026-11-30 01:43:32 UTC",
        "2026-11-30 02:43:32 UTC",
        "2026-11-30 03:43:32 UTC",
    ]
    assert header.group(2).split() == ["stub", "virtual", "stub"]
    assert re.search(
        r"peak\s+reproduced\s+not reproduced\s+not reproduced\n\s+1\.1M\s+80k\s+75k", text
    )
    assert re.search(r"claim_8m \(claim\)\s+claim\s+-\s+-", text)
    assert "reproduced by no run: peak" in text
