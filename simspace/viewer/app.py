"""The viewer's aiohttp app: read-only pages over a catalog of run directories.

Routes (runs are addressed by catalog id only):
  /                         the index            /api/runs          the index as JSON
  /runs/{id}                a run's page         /runs/{id}/report.html  its static report
  /runs/{id}/series.csv     its event series     /runs/{id}/series.json
  /compare?runs=a,b[&base=a]  runs overlaid, verdicts by run, metrics against the baseline
  /live/{id}                a run in progress    /live/{id}/events  its live file as SSE
  /static/{name}            the viewer's own scripts and styles (a fixed list)
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from simspace.report.series import event_series, to_csv
from simspace.viewer.assets import ASSETS, asset_bytes
from simspace.viewer.catalog import Catalog, RunEntry, RunLocation, read_live
from simspace.viewer.compare_page import MAX_COMPARED, compare_html
from simspace.viewer.html import FRAME_ANCESTORS, VIEWER_CSP, nav, viewer_page
from simspace.viewer.index_page import index_html
from simspace.viewer.live_page import live_html
from simspace.viewer.live_stream import stream_live
from simspace.viewer.run_page import run_html

CATALOG_KEY = web.AppKey("catalog", Catalog)
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"


def _not_found(text: str) -> web.Response:
    body = nav(("runs", "/")) + f"<h1>Not found</h1><p>{text}</p>"
    return web.Response(status=404, text=viewer_page("simspace view: not found", body),
                        content_type="text/html")  # fmt: skip


def _html(text: str) -> web.Response:
    return web.Response(text=text, content_type="text/html")


def _catalog(request: web.Request) -> Catalog:
    return request.app[CATALOG_KEY]


def _located(request: web.Request) -> tuple[RunLocation, RunEntry]:
    catalog = _catalog(request)
    location = catalog.locations().get(request.match_info["run_id"])
    if location is None:
        raise web.HTTPNotFound(text="no run with this id", content_type="text/plain")
    return location, catalog.entry(location)


async def index(request: web.Request) -> web.Response:
    catalog = _catalog(request)
    return _html(index_html(catalog.entries(), [r.name or str(r) for r in catalog.roots]))


async def runs_json(request: web.Request) -> web.Response:
    entries = _catalog(request).entries()
    return web.json_response([e.model_dump(mode="json") for e in entries])


async def run_page(request: web.Request) -> web.Response:
    location, entry = _located(request)
    report = _catalog(request).report(location)
    if report is None:
        if entry.live:
            raise web.HTTPFound(f"/live/{entry.run_id}")
        return _not_found("This run has no result to show.")
    return _html(run_html(entry, report))


async def static_report(request: web.Request) -> web.StreamResponse:
    location, _ = _located(request)
    path = location.directory / "report.html"
    if path.is_symlink() or not path.is_file():
        return _not_found("This run has no report.html.")
    response = web.Response(body=path.read_bytes(), content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response


async def series(request: web.Request) -> web.Response:
    location, _ = _located(request)
    report = _catalog(request).report(location)
    if report is None:
        return _not_found("This run has no result yet.")
    table = event_series(report.result)
    if request.match_info["format"] == "json":
        return web.json_response(table.model_dump(mode="json"))
    name = f"{report.result.scenario}-{location.name}.csv"
    return web.Response(
        text=to_csv(table),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_safe_filename(name)}"'},
    )


def _safe_filename(name: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in name)


async def compare(request: web.Request) -> web.Response:
    catalog = _catalog(request)
    locations = catalog.locations()
    ids = [i for i in request.query.get("runs", "").split(",") if i][:MAX_COMPARED]
    base_id = request.query.get("base") or (ids[0] if ids else "")
    chosen = []
    for run_id in dict.fromkeys(ids):
        location = locations.get(run_id)
        report = catalog.report(location) if location else None
        if location is None or report is None:
            return _not_found("One of the runs asked for is unknown or has no result.")
        chosen.append((catalog.entry(location), report))
    if len(chosen) < 2:
        return _not_found("Choose two or more runs on the index to compare them.")
    if base_id not in {entry.run_id for entry, _ in chosen}:
        return _not_found("The baseline must be one of the compared runs.")
    return _html(compare_html(chosen, base_id))


async def live_page(request: web.Request) -> web.Response:
    location, entry = _located(request)
    return _html(live_html(entry, read_live(location.directory)))


async def live_events(request: web.Request) -> web.StreamResponse:
    location, _ = _located(request)
    return await stream_live(request, _catalog(request), location)


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound(text="no such file", content_type="text/plain")
    asset = ASSETS[name]
    return web.Response(
        body=asset_bytes(name),
        content_type=asset.content_type,
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every answer, errors included: the strict policy (unless set), no sniffing, no referrer."""
    response: web.StreamResponse
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        response = exc
    headers = response.headers
    headers.setdefault("Content-Security-Policy", VIEWER_CSP + FRAME_ANCESTORS)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if isinstance(response, web.HTTPException):
        raise response
    return response


def create_viewer_app(catalog: Catalog) -> web.Application:
    app = web.Application(middlewares=[security_headers])
    app[CATALOG_KEY] = catalog
    app.router.add_get("/", index)
    app.router.add_get("/api/runs", runs_json)
    app.router.add_get("/runs/{run_id:[0-9a-f]{16}}", run_page)
    app.router.add_get("/runs/{run_id:[0-9a-f]{16}}/report.html", static_report)
    app.router.add_get("/runs/{run_id:[0-9a-f]{16}}/series.{format:csv|json}", series)
    app.router.add_get("/compare", compare)
    app.router.add_get("/live/{run_id:[0-9a-f]{16}}", live_page)
    app.router.add_get("/live/{run_id:[0-9a-f]{16}}/events", live_events)
    app.router.add_get("/static/{name}", static_file)
    return app
