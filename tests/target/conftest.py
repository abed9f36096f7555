"""The ``live_origin`` fixture: a real ffmpeg-fed live HLS origin on loopback (see origin.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from tests.target.origin import LiveOrigin, live_hls_origin


@pytest.fixture(scope="module")
def live_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveOrigin]:
    """A live AAC-LC HLS stream (2 s segments, 6 in the window) served by nginx if installed,
    else aiohttp (``SIMSPACE_TEST_ORIGIN=aiohttp|nginx`` forces one). Shared by a test module:
    starting it takes ~6 s of real-time encoding."""
    if shutil.which("ffmpeg") is None:
        pytest.skip("ffmpeg not on PATH: the live origin needs it (apt-get install ffmpeg)")
    with live_hls_origin(tmp_path_factory.mktemp("live-origin")) as origin:
        yield origin
