"""Small hand-built scenarios for platform and server tests, tuned by deep-merged overrides."""

from __future__ import annotations

from typing import Any

from simspace.scenario.model import Scenario
from simspace.scenario.variants import apply_overrides

OVERLOAD_TEXT = "Details not available (test)"
UNAVAILABLE_TEXT = "This Space is not available (test)"
FETCH_FAILED_TEXT = "Could not fetch Space (test)"

BASE: dict[str, Any] = {
    "event": {
        "name": "unit",
        "title": "Unit test event",
        "date": "2024-08-12",
        "time_zone": "America/New_York",
        "scheduled_start": "20:00",
        "sources": [{"id": "src", "outlet": "Test"}],
    },
    "window": {"start": -600, "end": 3600},
    "audience": {
        "arrivals": {"points": [{"at": -600, "count": 0}, {"at": 3600, "count": 1000}]},
        "listening_time": {"distribution": "fixed", "value": 600},
    },
    "speakers": [
        {"id": "host", "name": "Host", "role": "host", "account": "host", "joins_at": -60},
        {"id": "relauncher", "name": "Re", "role": "cohost", "account": "re", "joins_at": 0},
        {"id": "guest", "name": "Guest", "role": "speaker", "account": "guest", "joins_at": 0},
    ],
    "platform": {
        "tiers": {
            "api": {"capacity_rps": 1000, "service_time": 0.05, "queue_limit": 5000, "timeout": 10},
            "cdn": {"capacity_rps": 1e5, "service_time": 0.02, "queue_limit": 5e5, "timeout": 10},
        },
        "errors": {
            "overload": OVERLOAD_TEXT,
            "unavailable": UNAVAILABLE_TEXT,
            "fetch_failed": FETCH_FAILED_TEXT,
        },
        "ping_timeout": 90,
    },
    "simulation": {"seed": 7},
}


def make_scenario(overrides: dict[str, Any] | None = None) -> Scenario:
    """The base scenario with `overrides` deep-merged (lists replace), validated."""
    return Scenario.model_validate(apply_overrides(BASE, overrides or {}))
