"""Every route of the viewer through aiohttp's test client: pages, JSON, CSV, static files, the
live stream; unknown ids, traversal attempts and symbolic links answer 404; it only reads."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from simspace.viewer.app import create_viewer_app
from simspace.viewer.catalog import Catalog
from tests.viewer.rundirs import live_status, small_scenario, write_live, write_run

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]
BASE = "20261130T074332Z-base"
NEW = "20261130T084332Z-base"


@pytest.fixture
def runs(tmp_path: Path) -> Path:
    root = tmp_path / "runs"
    write_run(root, BASE, labels={"build": "41"})
    write_run(root, NEW, labels={"build": "42"}, status="failed", failure="server died")
    return root


async def _client(aiohttp_client: MakeClient, root: Path) -> Client:
    return await aiohttp_client(create_viewer_app(Catalog([root])))


async def _ids(client: Client) -> dict[str, str]:
    response = await client.get("/api/runs")
    assert response.status == 200
    return {entry["name"]: entry["run_id"] for entry in await response.json()}


async def test_index_lists_every_run_with_its_labels(
    aiohttp_client: MakeClient, runs: Path
) -> None:
    client = await _client(aiohttp_client, runs)
    response = await client.get("/")
    text = await response.text()
    assert response.status == 200
    assert text.count('<tr data-run="') == 2
    assert "build=41" in text
    assert "build=42" in text
    assert "server died" in text
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert str(runs.parent) not in text  # no absolute path of the machine


async def test_run_page_report_and_series(aiohttp_client: MakeClient, runs: Path) -> None:
    client = await _client(aiohttp_client, runs)
    run_id = (await _ids(client))[BASE]
    page = await (await client.get(f"/runs/{run_id}")).text()
    assert 'id="charts"' in page
    assert "simspace-data" in page
    assert "Reported facts" in page
    report = await client.get(f"/runs/{run_id}/report.html")
    assert report.status == 200
    assert "<svg" in await report.text()
    assert "script-src" not in report.headers["Content-Security-Policy"]  # the report runs nothing
    table = await (await client.get(f"/runs/{run_id}/series.json")).json()
    assert table["t"]
    assert table["charts"]
    response = await client.get(f"/runs/{run_id}/series.csv")
    rows = list(csv.reader(io.StringIO(await response.text())))
    assert response.headers["Content-Type"].startswith("text/csv")
    assert rows[0][0] == "t_s"
    assert len(rows) == len(table["t"]) + 1


async def test_compare_two_runs_of_one_variant(aiohttp_client: MakeClient, runs: Path) -> None:
    client = await _client(aiohttp_client, runs)
    ids = await _ids(client)
    response = await client.get(f"/compare?runs={ids[BASE]},{ids[NEW]}")
    text = await response.text()
    assert response.status == 200
    # columns labelled by variant, start time and engine: the two base runs are told apart
    assert "base · 2026-11-30 07:43 · stub" in text
    assert "base · 2026-11-30 08:43 · stub" in text
    assert 'id="diff"' in text
    assert "(baseline)" in text


async def test_compare_refuses_facts_of_another_scenario(
    aiohttp_client: MakeClient, runs: Path
) -> None:
    scenario = small_scenario()
    event = scenario.event.model_copy(update={"name": "another_event"})
    foreign = scenario.model_copy(update={"event": event})
    write_run(runs, "20261130T094332Z-base", scenario=foreign, scenario_name="another_event")
    client = await _client(aiohttp_client, runs)
    ids = await _ids(client)
    response = await client.get(f"/compare?runs={ids[BASE]},{ids['20261130T094332Z-base']}")
    text = await response.text()
    assert response.status == 200
    assert "Not judged:" in text
    assert "another_event" in text
    # the verdict matrix and the diff have the baseline's scenario only
    matrix = text.split("Reported facts by run")[1].split("Metrics against")[0]
    assert "08:43" not in matrix
    assert matrix.count("<th><a href=") == 1
    assert 'id="diff"' not in text


@pytest.mark.parametrize(
    "query",
    [
        "",
        "runs=",
        "runs=0123456789abcdef,fedcba9876543210",
        "runs={base}",
        "runs={base},{new}&base=x",
    ],
)
async def test_compare_needs_two_known_runs(
    aiohttp_client: MakeClient, runs: Path, query: str
) -> None:
    client = await _client(aiohttp_client, runs)
    ids = await _ids(client)
    response = await client.get("/compare?" + query.format(base=ids[BASE], new=ids[NEW]))
    assert response.status == 404


async def test_live_page_and_its_event_stream(aiohttp_client: MakeClient, tmp_path: Path) -> None:
    partial = tmp_path / "small_space" / f".{BASE}.partial"
    write_live(partial, live_status(state="completed", samples=4))
    client = await _client(aiohttp_client, tmp_path)
    (run_id,) = (await _ids(client)).values()
    page = await (await client.get(f"/live/{run_id}")).text()
    assert 'id="live-clock"' in page
    assert f"/live/{run_id}/events" in page
    assert (await client.get(f"/runs/{run_id}", allow_redirects=False)).status == 302
    response = await client.get(f"/live/{run_id}/events")
    assert response.headers["Content-Type"] == "text/event-stream"
    body = await response.text()
    assert body.startswith("event: status\ndata: {")
    assert body.endswith('event: end\ndata: "completed"\n\n')


async def test_the_stream_ends_when_a_run_goes_stale(
    aiohttp_client: MakeClient, tmp_path: Path
) -> None:
    partial = tmp_path / "small_space" / f".{BASE}.partial"
    write_live(partial, live_status(updated_at=0.0))
    client = await _client(aiohttp_client, tmp_path)
    (run_id,) = (await _ids(client)).values()
    body = await (await client.get(f"/live/{run_id}/events")).text()
    assert body.endswith('event: end\ndata: "stale"\n\n')


async def test_static_files_are_a_fixed_list(aiohttp_client: MakeClient, runs: Path) -> None:
    client = await _client(aiohttp_client, runs)
    for name, kind in (("uPlot.iife.min.js", "text/javascript"), ("viewer.js", "text/javascript"),
                       ("uPlot.min.css", "text/css")):  # fmt: skip
        response = await client.get(f"/static/{name}")
        assert response.status == 200
        assert response.headers["Content-Type"].startswith(kind)
    for name in ("VENDORED.md", "..%2Fapp.py", "__init__.py", "..%2F..%2Fpyproject.toml"):
        assert (await client.get(f"/static/{name}")).status == 404


@pytest.mark.parametrize(
    "path",
    [
        "/runs/0123456789abcdef",
        "/runs/0123456789abcdef/report.html",
        "/live/0123456789abcdef",
        "/runs/../../etc/passwd",
        "/runs/%2e%2e/%2e%2e/etc/passwd",
        "/runs/..%2f..%2fetc%2fpasswd",
        "/runs/small_space/" + BASE,
        "/runs/{base}/..%2fresult.json",
        "/runs/{base}/%2e%2e/%2e%2e/scenario.json",
        "/runs/{base}/result.json",
        "/static/%2e%2e/catalog.py",
        "/static/../catalog.py",
        "/etc/passwd",
    ],
)
async def test_unknown_ids_and_traversal_attempts_are_not_found(
    aiohttp_client: MakeClient, runs: Path, path: str
) -> None:
    client = await _client(aiohttp_client, runs)
    run_id = (await _ids(client))[BASE]
    response = await client.get(path.format(base=run_id))
    text = await response.text()
    assert response.status == 404, text
    assert "root:" not in text
    assert '"scenario"' not in text


async def test_links_out_of_a_run_are_not_served(
    aiohttp_client: MakeClient, runs: Path, tmp_path: Path
) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text("<p>secret</p>")
    directory = runs / "small_space" / BASE
    os.remove(directory / "report.html")
    (directory / "report.html").symlink_to(secret)
    client = await _client(aiohttp_client, runs)
    run_id = (await _ids(client))[BASE]
    response = await client.get(f"/runs/{run_id}/report.html")
    assert response.status == 404
    assert "secret" not in await response.text()


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_it_only_reads(aiohttp_client: MakeClient, runs: Path, method: str) -> None:
    client = await _client(aiohttp_client, runs)
    run_id = (await _ids(client))[BASE]
    for path in ("/", f"/runs/{run_id}", "/compare"):
        assert (await client.request(method, path)).status == 405
    assert sorted(p.name for p in (runs / "small_space" / BASE).iterdir()) == [
        "report.html",
        "result.json",
        "scenario.json",
    ]


async def test_another_run_can_be_the_baseline(aiohttp_client: MakeClient, runs: Path) -> None:
    client = await _client(aiohttp_client, runs)
    ids = await _ids(client)
    page = await client.get(f"/compare?runs={ids[BASE]},{ids[NEW]}&base={ids[NEW]}")
    text = await page.text()
    head = text.split('id="diff"')[1].split("</thead>")[0]
    assert "<th>base · 2026-11-30 08:43 · stub <small>(baseline)</small></th>" in head
    choice = text.split('id="baseline"')[1].split("</p>")[0]
    assert f"base={ids[BASE]}" in choice
    assert f"base={ids[NEW]}" not in choice
