"""The HTML report in a real browser (headless Chromium through Playwright): it renders offline
without a single network request or console error, on a phone and on a laptop. Screenshots go to
$SIMSPACE_TEST_ARTIFACTS (default: test-artifacts/ at the repo root) for a human to look at."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from simspace.report.html.page import render_report
from simspace.results.model import RunResult, TtfaSamples
from tests.browser import artifacts_dir, require_browser
from tests.report.test_html import (
    COMMAND,
    SCORED_FACTS,
    hostile_result,
    load_result,
    make_comparison,
    make_scenario,
)
from tests.report.test_html_sections import ENDPOINTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog

require_browser()
VIEWPORTS = {"phone": (390, 844), "laptop": (1366, 768)}
CHARTS = 9

pytestmark = pytest.mark.slow


@pytest.fixture
def report_file(tmp_path: Path) -> Path:
    scenario = make_scenario(tmp_path)
    html = render_report(scenario, _with_requests(), make_comparison(), command=COMMAND)
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    return path


def _with_requests() -> RunResult:
    """The small run with its endpoints and when its listeners first heard audio."""
    ttfa = TtfaSamples(t=[-120.0, 0.0, 0.0, 300.0], ttfa_s=[2.0, 40.0, 90.0, 3.0], total=4)
    return hostile_result(load_result()).model_copy(update={"endpoints": ENDPOINTS, "ttfa": ttfa})


@pytest.mark.parametrize("device", list(VIEWPORTS))
def test_report_renders_offline(browser: Browser, report_file: Path, device: str) -> None:
    width, height = VIEWPORTS[device]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        url = report_file.as_uri()
        page.goto(url, wait_until="load")

        assert requests == [url]
        assert problems == []
        assert dialogs == []  # no injected script ran
        boxes = page.eval_on_selector_all(
            "svg",
            "els => els.map(e => { const r = e.getBoundingClientRect(); "
            "return [r.width, r.height]; })",
        )
        assert len(boxes) == CHARTS
        assert all(w > 100 and h > 50 for w, h in boxes), boxes
        assert all(w <= width for w, _ in boxes), boxes
        assert page.locator("table.facts tbody tr").count() == SCORED_FACTS
        assert page.locator("table.claims tbody tr").count() == 1
        assert page.locator("ol.moments li").count() >= 5
        assert page.locator("table.endpoints tbody tr").count() == len(ENDPOINTS)
        assert page.locator("#ttfa svg").first.get_attribute("aria-label") == (
            "time to first audio over the event"
        )
        assert page.locator("#load svg polygon").count() == 2  # api and cdn: mean to busiest
        assert page.locator('nav a[href="#requests"]').count() == 1
        assert "<script>alert(1)</script>" in page.title()
        # Wide tables scroll inside their own box: the page itself never scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width

        artifacts = artifacts_dir()
        page.screenshot(path=str(artifacts / f"report-{device}.png"), full_page=True)
        shutil.copyfile(report_file, artifacts / "report.html")
    finally:
        context.close()
