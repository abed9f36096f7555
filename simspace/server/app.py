"""The stub platform's aiohttp application: typed app keys, routes and the event-clock ticker."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from simspace.clock import Clock
from simspace.platform import PlatformApi, PlatformModel
from simspace.scenario.model import Scenario
from simspace.server import handlers_api, handlers_control, handlers_hls
from simspace.server.keys import API_KEY, CLOCK_KEY, ERRORS_KEY, MAX_WEIGHT_KEY, MODEL_KEY
from simspace.server.responses import ErrorBodies, bad_request
from simspace.server.weights import MAX_WEIGHT

__all__ = [
    "API_KEY",
    "CLOCK_KEY",
    "ERRORS_KEY",
    "MAX_WEIGHT_KEY",
    "MODEL_KEY",
    "TICK_INTERVAL_S",
    "create_app",
]

logger = logging.getLogger(__name__)

# Wall seconds between background ticks: rules, expiry and timeline samples advance on the event
# clock even when no request arrives; the model catches up every event-second in between.
TICK_INTERVAL_S = 0.1

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _method_not_allowed(request: web.Request) -> web.StreamResponse:
    return bad_request(f"method {request.method} is not allowed here", status=405)


async def _not_found(request: web.Request) -> web.StreamResponse:
    return request.app[ERRORS_KEY].response("not_found")


async def _ticker(app: web.Application) -> AsyncIterator[None]:
    model = app[MODEL_KEY]

    async def tick() -> None:
        while True:
            model.advance()
            await asyncio.sleep(TICK_INTERVAL_S)

    task = asyncio.create_task(tick())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def _route(app: web.Application, path: str, methods: dict[str, Handler]) -> None:
    """A resource whose other methods get a JSON 405 (the catch-all route goes last)."""
    resource = app.router.add_resource(path)
    for method, handler in methods.items():
        resource.add_route(method, handler)
    resource.add_route("*", _method_not_allowed)


def create_app(
    scenario: Scenario,
    clock: Clock,
    *,
    seed: int | None = None,
    live: bool = False,
    session_timeout_s: float | None = None,
    utilisation_window_s: float | None = None,
    max_weight: float = MAX_WEIGHT,
) -> web.Application:
    """The stub platform for one scenario on one event clock.

    `live` starts the first Space at once with a full playlist window (no host client needed);
    `session_timeout_s` lengthens the listeners' ping expiry and `utilisation_window_s` the
    tiers' utilisation window for compressed runs (see the plan); `max_weight` is the heaviest
    request weight taken (heavier: 400), the most its run's plan can send.
    """
    model = PlatformModel(
        scenario,
        clock,
        seed=seed,
        session_timeout_s=session_timeout_s,
        utilisation_window_s=utilisation_window_s,
    )
    api = PlatformApi(model)
    if live:
        hls = scenario.platform.hls
        model.go_live(prefill_s=hls.segment_duration * (hls.window_segments + 1))
    app = web.Application()
    app[MODEL_KEY] = model
    app[API_KEY] = api
    app[CLOCK_KEY] = clock
    app[ERRORS_KEY] = ErrorBodies(api)
    app[MAX_WEIGHT_KEY] = max_weight
    app.cleanup_ctx.append(_ticker)

    h = handlers_api
    _route(app, "/api/spaces/live", {"GET": h.live_space})
    _route(app, "/api/spaces/{space_id}", {"GET": h.space_metadata})
    _route(app, "/api/live_video_stream/status/{media_key}", {"GET": h.stream_status})
    _route(app, "/api/spaces/{space_id}/watching/start", {"POST": h.start_watching})
    _route(app, "/api/spaces/{space_id}/watching/ping", {"POST": h.ping_watching})
    _route(app, "/api/spaces/{space_id}/watching/stop", {"POST": h.stop_watching})
    _route(app, "/api/spaces/{space_id}/publish", {"POST": h.publish})
    _route(app, "/api/spaces/{space_id}/end", {"POST": h.end})
    hls_handler = handlers_hls.HlsHandler(api, clock, app[ERRORS_KEY], max_weight)
    _route(app, "/hls/{media_key}/{name}", {"GET": hls_handler.handle})
    c = handlers_control
    _route(app, "/_sim/health", {"GET": c.health})
    _route(app, "/_sim/clock", {"GET": c.clock})
    _route(app, "/_sim/changes", {"GET": c.changes})
    _route(app, "/_sim/state", {"GET": c.state})
    _route(app, "/_sim/timeline", {"GET": c.timeline})
    _route(app, "/_sim/ledger", {"GET": c.ledger})
    _route(app, "/_sim/metrics", {"GET": c.metrics})
    app.router.add_route("*", "/{tail:.*}", _not_found)
    logger.info("stub platform for %s ready at event time %.1f", scenario.event.name, model.t)
    return app
