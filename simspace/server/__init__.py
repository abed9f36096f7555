"""The stub Spaces platform over HTTP: thin aiohttp handlers around `simspace.platform`."""

from __future__ import annotations

from simspace.server.app import create_app
from simspace.server.keys import API_KEY, CLOCK_KEY, ERRORS_KEY, MODEL_KEY

__all__ = ["API_KEY", "CLOCK_KEY", "ERRORS_KEY", "MODEL_KEY", "create_app"]
