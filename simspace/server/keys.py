"""Typed keys of what the stub platform's aiohttp application holds."""

from __future__ import annotations

from aiohttp import web

from simspace.clock import Clock
from simspace.platform import PlatformApi, PlatformModel
from simspace.server.responses import ErrorBodies

__all__ = ["API_KEY", "CLOCK_KEY", "ERRORS_KEY", "MAX_WEIGHT_KEY", "MODEL_KEY"]

MODEL_KEY = web.AppKey("model", PlatformModel)
API_KEY = web.AppKey("api", PlatformApi)
CLOCK_KEY: web.AppKey[Clock] = web.AppKey("clock")
ERRORS_KEY = web.AppKey("errors", ErrorBodies)
MAX_WEIGHT_KEY = web.AppKey("max_weight", float)
"""The heaviest X-Sim-Weight (or X-Sim-Listeners) one request may carry: its run's plan says."""
