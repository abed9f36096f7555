"""The viewer in a real browser (Debian's chromium through Playwright), served by the real
`simspace view` command: the index filters and chooses runs, the compare page overlays both runs
in its charts and shows the diff table, a run page's charts zoom, show values at the cursor and
toggle series, and a real short run's live page updates until the run ends. No console error,
no request outside the viewer, no script from the (hostile) data runs. Screenshots go to
$SIMSPACE_TEST_ARTIFACTS (default: test-artifacts/)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.browser import artifacts_dir, require_browser
from tests.run.cli_runs import ROOT, SMALL, start_simspace
from tests.viewer.rundirs import capped_result, hostile, write_run
from tests.viewer.test_hostile import hostile_scenario

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Dialog, Page

require_browser()
pytestmark = [pytest.mark.slow, pytest.mark.e2e]
LIVE_RUN = ["run", str(SMALL), "--scale", "1/200", "--speedup", "60"]


@dataclass
class Watched:
    """A page with everything it did that a test checks afterwards."""

    page: Page
    origin: str
    requests: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def clean(self) -> None:
        assert [r for r in self.requests if not r.startswith(self.origin + "/")] == []
        assert self.problems == []
        assert self.dialogs == []


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    root = tmp_path / "runs"
    scenario, (_, result) = hostile_scenario(tmp_path), hostile(tmp_path)
    write_run(root, "20261130T074332Z-base", scenario=scenario, result=result,
              labels={"build": "41"})  # fmt: skip
    slower = result.model_copy(update={"wall_s": 130.0, "labels": {"build": "42"}})
    write_run(root, "20261130T084332Z-base", scenario=scenario, result=slower)
    return root


@pytest.fixture
def viewer(runs: Path) -> Iterator[str]:
    command = [sys.executable, "-m", "simspace", "view", str(runs), "--port", "0"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        found = re.search(r"(http://127\.0\.0\.1:\d+)/", process.stdout.readline())
        assert found, "simspace view did not say where it listens"
        yield found[1]
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.fixture
def watched(browser: Browser, viewer: str) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    seen = Watched(page, viewer)
    page.on("request", lambda request: seen.requests.append(request.url))
    page.on("console", lambda m: seen.problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: seen.problems.append(str(error)))
    page.on("dialog", seen.on_dialog)
    yield seen
    context.close()


def _legend_rows(page: Page, chart: int) -> int:
    return int(page.locator(".uplot").nth(chart).locator(".u-legend .u-series").count())


def test_index_filter_compare_and_run_page(watched: Watched) -> None:
    page, artifacts = watched.page, artifacts_dir()
    page.goto(watched.origin + "/")
    rows = page.locator("#runs tbody tr")
    assert rows.count() == 2
    page.fill("#filter", "build=42")
    assert page.locator("#runs tbody tr:visible").count() == 1
    page.fill("#filter", "")
    page.locator("th[data-sort]", has_text="started").click()
    page.screenshot(path=str(artifacts / "viewer-index.png"), full_page=True)
    boxes = page.locator("input[name=run]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    page.click("#compare")
    page.wait_for_selector(".uplot")
    one_run = page.evaluate("JSON.parse(document.getElementById('simspace-data').textContent)"
                            ".runs[0].table.charts[0].columns.length")  # fmt: skip
    assert _legend_rows(page, 0) == 1 + 2 * one_run  # event time, then each series of both runs
    assert page.locator("#diff tbody tr").count() >= 10
    assert page.locator("table.facts tbody tr").count() >= 2
    page.screenshot(path=str(artifacts / "viewer-compare.png"), full_page=True)

    page.locator("table.facts thead a").first.click()
    page.wait_for_selector(".uplot")
    assert page.locator(".uplot").count() >= 5
    _check_interaction(page)
    page.screenshot(path=str(artifacts / "viewer-run.png"), full_page=False)
    watched.clean()


def _check_interaction(page: Page) -> None:
    """Crosshair values in the legend, zoom by dragging, a series hidden from the legend."""
    over = page.locator(".uplot .u-over").first
    box = over.bounding_box()
    assert box is not None
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)
    value = page.locator(".uplot").first.locator(".u-legend .u-series").nth(1).locator(".u-value")
    assert value.inner_text() not in ("", "-", "--")
    span = "(() => { const x = window.simspaceCharts[0].scales.x; return x.max - x.min; })()"
    before = page.evaluate(span)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.6, y, steps=5)
    page.mouse.up()
    assert page.evaluate(span) < before / 5  # zoomed to a tenth of the width
    entry = page.locator(".uplot").first.locator(".u-legend .u-series").nth(1)
    entry.click()
    assert "u-off" in (entry.get_attribute("class") or "")


def _legend_labels(page: Page, chart_id: str) -> list[str]:
    legend = page.locator(f'.chart[data-chart="{chart_id}"] .u-legend .u-series .u-label')
    return [str(text) for text in legend.all_inner_texts()]


def _run_ids(origin: str) -> dict[str, str]:
    with urllib.request.urlopen(origin + "/api/runs", timeout=5) as answer:
        entries: list[dict[str, Any]] = json.load(answer)
    return {str(e["name"]): str(e["run_id"]) for e in entries}


def test_the_listeners_chart_draws_each_rooms_cap(watched: Watched, runs: Path) -> None:
    """A run with an overflow room: the cap of each room is a stepped series of the listeners
    and per-Space charts, in their legends by room; the compare page overlays them per run."""
    page = watched.page
    write_run(runs, "20261130T094332Z-rooms", result=capped_result())
    ids = _run_ids(watched.origin)
    page.goto(f"{watched.origin}/runs/{ids['20261130T094332Z-rooms']}")
    page.wait_for_selector('.chart[data-chart="spaces"] .uplot')
    assert _legend_labels(page, "listeners")[-2:] == ["cap main", "cap overflow_a"]
    assert _legend_labels(page, "spaces")[1:] == [
        "Space 1 (main)", "Space 2 (overflow_a)", "cap main", "cap overflow_a",
    ]  # fmt: skip
    caps = page.evaluate(
        "(() => { const u = window.simspaceCharts[0]; const n = u.series.length;"
        " return [u.data[n - 2][0], u.data[n - 2][u.data[0].length - 1],"
        " u.series[n - 2].width, u.series[1].width]; })()"
    )
    assert caps == [10_000, 15_000, 2, 1.5]  # the main room's cap, raised; drawn wider
    page.screenshot(path=str(artifacts_dir() / "viewer-rooms.png"), full_page=True)
    others = [run_id for name, run_id in ids.items() if name != "20261130T094332Z-rooms"]
    page.goto(f"{watched.origin}/compare?runs={ids['20261130T094332Z-rooms']},{others[0]}")
    page.wait_for_selector(".uplot")
    listeners = _legend_labels(page, "listeners")
    assert "#1 cap main" in listeners
    assert not any(label.startswith("#2 cap") for label in listeners)  # the other run: no cap
    watched.clean()


def _running_id(origin: str, deadline_s: float) -> str:
    while time.monotonic() < deadline_s:
        with urllib.request.urlopen(origin + "/api/runs", timeout=5) as answer:
            entries: list[dict[str, Any]] = json.load(answer)
        running = [e for e in entries if e["status"] == "running"]
        if running:
            return str(running[0]["run_id"])
        time.sleep(0.5)
    raise AssertionError("the run never showed up as running")


def test_a_live_run_updates_its_page_until_it_ends(watched: Watched, runs: Path) -> None:
    page = watched.page
    process = start_simspace(LIVE_RUN, runs)
    try:
        run_id = _running_id(watched.origin, time.monotonic() + 90)
        page.goto(f"{watched.origin}/live/{run_id}")
        first = page.inner_text("#live-clock")
        page.wait_for_function(
            "t => document.getElementById('live-clock').textContent !== t", arg=first,
            timeout=60_000,
        )  # fmt: skip
        page.wait_for_selector(".uplot")
        page.wait_for_function(
            "() => document.getElementById('live-progress').value > 0.6", timeout=90_000
        )
        page.screenshot(path=str(artifacts_dir() / "viewer-live.png"), full_page=False)
        page.wait_for_selector("#live-done", state="visible", timeout=120_000)
        assert page.locator("#live-state .badge").inner_text() in ("completed", "aborted")
        assert float(page.get_attribute("#live-progress", "value") or 0) > 0.9
    finally:
        _, stderr = process.communicate(timeout=120)
    assert process.returncode in (0, 1), stderr
    watched.clean()
