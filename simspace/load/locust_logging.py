"""Keeps one Locust warning out of `locust.log`: "Your selected spawn rate is very high (>100)",
which Locust logs each time a load shape changes its user count, so once a wall second while
listeners arrive. The shape's rate of 500 users/s is on purpose (`locustfile.ArrivalShape`:
users are spawned a few seconds early and each sleeps until its own arrival, so spawning fast
is cheap), and the warning drowned the log.

Given to Locust as a second locustfile (`-f locustfile.py,locust_logging.py`, by
`simspace/run/backends/locust_load.py`): Locust imports it before it sets up its logging, which
keeps a logger's filters. It defines no users and imports nothing but `logging`."""

from __future__ import annotations

import logging

SPAWN_RATE_WARNING = "Your selected spawn rate is very high"
"""How Locust's warning begins (locust/runners.py, 2.47: local and master runners alike)."""
RUNNERS_LOGGER = "locust.runners"


class NotSpawnRateWarning(logging.Filter):
    """Passes every record but the spawn-rate warning."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(SPAWN_RATE_WARNING)


def install(logger: logging.Logger | None = None) -> None:
    """Filter the warning out of `logger` (Locust's runners), once however often called."""
    target = logger or logging.getLogger(RUNNERS_LOGGER)
    if not any(isinstance(f, NotSpawnRateWarning) for f in target.filters):
        target.addFilter(NotSpawnRateWarning())


install()
