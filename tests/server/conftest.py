"""Fixtures for the HTTP stub platform: an app on a fake clock behind aiohttp's test client."""

from __future__ import annotations

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from pytest_aiohttp import AiohttpClient

from simspace.clock import FakeClock
from simspace.server import create_app
from tests.platform.scenarios import make_scenario

Client = TestClient[web.Request, web.Application]


@pytest.fixture
def clock() -> FakeClock:
    # A high speedup keeps every modelled wait below the sleep threshold: tests never wait.
    return FakeClock(t=-600.0, speedup=10_000.0)


@pytest.fixture
async def client(aiohttp_client: AiohttpClient, clock: FakeClock) -> Client:
    return await aiohttp_client(create_app(make_scenario(), clock))
