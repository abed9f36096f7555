"""The asyncio side (CLI, run session, server) must never import locust or gevent: gevent's
monkey-patching breaks asyncio. Checked in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys

import pytest

ASYNCIO_SIDE = ["simspace.cli", "simspace.scenario", "simspace.server", "simspace.run"]


@pytest.mark.parametrize("module", ASYNCIO_SIDE)
def test_module_does_not_load_locust_or_gevent(module: str) -> None:
    code = (
        "import importlib, importlib.util, sys\n"
        f"if importlib.util.find_spec({module!r}) is None: sys.exit(0)\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('locust', 'gevent'))\n"
        "print(','.join(bad)); sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{module} imported: {result.stdout}{result.stderr}"
