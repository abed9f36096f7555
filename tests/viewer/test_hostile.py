"""A hostile scenario and run (markup in titles, facts, sources, markers, error messages, labels;
a source URL that tries to break out of its attribute) are shown as text: the only scripts on a
page are the viewer's own, no element or attribute comes from the data, and only http(s) URLs
become links."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from simspace.scenario.model import Scenario
from simspace.viewer.app import create_viewer_app
from simspace.viewer.catalog import Catalog
from simspace.viewer.html import json_block, safe_href
from tests.viewer.rundirs import hostile, write_run

Client = TestClient[web.Request, web.Application]
MakeClient = Callable[[web.Application], Awaitable[Client]]
HOSTILE = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(2)>'
OUR_SCRIPTS = (
    {"src": "/static/uPlot.iife.min.js"},
    {"src": "/static/viewer.js"},
    {"type": "application/json", "id": "simspace-data"},
)
BREAKOUT_URL = 'https://example.com/x"><img/src=x/onerror=alert(3)>'


def hostile_scenario(tmp_path: Path) -> Scenario:
    scenario, _ = hostile(tmp_path)
    evil = scenario.event.sources[0].model_copy(update={"id": "evil", "url": BREAKOUT_URL})
    sources = [*scenario.event.sources, evil]
    event = scenario.event.model_copy(update={"sources": sources})
    facts = [
        f.model_copy(update={"statement": f"{BREAKOUT} {HOSTILE}", "sources": ["evil", "test"]})
        for f in scenario.facts
    ]
    variants = {
        name: v.model_copy(update={"description": f"{HOSTILE} {BREAKOUT}"})
        for name, v in scenario.variants.items()
    }
    return scenario.model_copy(update={"event": event, "facts": facts, "variants": variants})


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(html)
    return parser.tags


def assert_harmless(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag != "img", attrs
        if tag == "script":
            assert attrs in OUR_SCRIPTS, attrs
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:text", "vbscript:")), (tag, attrs)
    assert HOSTILE not in html
    assert BREAKOUT not in html


@pytest.fixture
async def client(aiohttp_client: MakeClient, tmp_path: Path) -> Client:
    scenario = hostile_scenario(tmp_path)
    _, result = hostile(tmp_path)
    root = tmp_path / "runs"
    labels = {"note": HOSTILE, "x": BREAKOUT}
    write_run(root, "20261130T074332Z-organic", scenario=scenario, result=result, labels=labels,
              variant="priority_host", revision=BREAKOUT)  # fmt: skip
    write_run(root, "20261130T084332Z-organic", scenario=scenario, result=result, labels=labels)
    return await aiohttp_client(create_viewer_app(Catalog([root])))


async def test_every_page_shows_hostile_text_as_text(client: Client) -> None:
    runs = await (await client.get("/api/runs")).json()
    ids = [r["run_id"] for r in runs]
    pages = ["/", *(f"/runs/{i}" for i in ids), f"/compare?runs={ids[0]},{ids[1]}"]
    for path in pages:
        response = await client.get(path)
        html = await response.text()
        assert response.status == 200, path
        assert_harmless(html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html or "\\u003cscript" in html, path


async def test_source_links_are_http_only_and_stay_inside_their_attribute(client: Client) -> None:
    run_id = (await (await client.get("/api/runs")).json())[0]["run_id"]
    html = await (await client.get(f"/runs/{run_id}")).text()
    hrefs = [a.get("href") for tag, a in elements(html) if tag == "a"]
    assert BREAKOUT_URL in hrefs  # linked, with its quote escaped: still one attribute
    assert all(h is not None and (h.startswith(("/", "https://", "http://"))) for h in hrefs)


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/a?b=1", True),
        ("http://example.com", True),
        ("javascript:alert(1)", False),
        (" JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//example.com/x", False),
        ("/runs/x", False),
        ("https:alert(1)", False),
        ("", False),
    ],
)
def test_safe_href(url: str, linked: bool) -> None:
    assert (safe_href(url) is not None) is linked


def test_the_json_block_cannot_be_closed_from_inside() -> None:
    block = json_block({"title": "</script><script>alert(1)</script>", "x": float("nan")})
    assert block.count("</script>") == 1
    assert block.endswith("</script>")
    assert '"x":null' in block
