"""Locust's spawn-rate warning is kept out of locust.log, and nothing else is: in process on a
logger of our own, and in a Locust process's logging as Locust sets it up."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from simspace.load.locust_logging import SPAWN_RATE_WARNING, NotSpawnRateWarning, install
from simspace.run.backends.locust_load import LOG_FILTER


def test_only_the_spawn_rate_warning_is_filtered_and_the_filter_is_installed_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    logger = logging.getLogger("tests.locust_logging")
    install(logger)
    install(logger)
    assert sum(isinstance(f, NotSpawnRateWarning) for f in logger.filters) == 1
    with caplog.at_level(logging.WARNING, logger=logger.name):
        logger.warning(SPAWN_RATE_WARNING + " (>100), and this is known to sometimes cause issues")
        logger.warning("CPU usage above 90%!")
    assert [r.getMessage() for r in caplog.records] == ["CPU usage above 90%!"]


LOCUST_PROCESS = f"""
import importlib.util, inspect, logging
import locust.runners
from locust.log import setup_logging
spec = importlib.util.spec_from_file_location("locust_logging", {str(LOG_FILTER)!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)  # as Locust loads a locustfile: before its logging setup
setup_logging("WARNING")
source = inspect.getsource(locust.runners)
assert source.count(module.SPAWN_RATE_WARNING) == 2, "Locust's warning changed its words"
runners = logging.getLogger("locust.runners")
runners.warning(module.SPAWN_RATE_WARNING + " (>100/worker), and this is known to ...")
runners.warning("another warning")
"""


def test_a_locust_process_logs_everything_but_the_spawn_rate_warning() -> None:
    done = subprocess.run(
        [sys.executable, "-c", LOCUST_PROCESS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "another warning" in done.stderr
    assert "spawn rate" not in done.stderr
