"""A real browser for tests: Debian's chromium, headless, driven by Playwright (never
`playwright install`). A test module calls `require_browser()` at import (it skips the module,
with the reason, when chromium or playwright is missing) and takes the `browser` fixture of
tests/conftest.py. Screenshots go to $SIMSPACE_TEST_ARTIFACTS (default: test-artifacts/)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
    pytest.importorskip(
        "playwright.sync_api", reason="the playwright package is missing (pip install playwright)"
    )


def launched() -> Iterator[Browser]:
    """One headless chromium for as long as the generator is held."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 (optional: modules skip)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def artifacts_dir() -> Path:
    path = Path(os.environ.get("SIMSPACE_TEST_ARTIFACTS") or ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path
