"""The viewer's own files: the vendored uPlot unchanged (pinned hashes), its licence beside it,
and all of them shipped with the package."""

from __future__ import annotations

import tomllib
from pathlib import Path

from simspace.viewer.assets import ASSETS, asset_bytes, sha256_of

ROOT = Path(__file__).resolve().parent.parent.parent


def test_vendored_files_are_the_pinned_release() -> None:
    pinned = {name: a.sha256 for name, a in ASSETS.items() if a.sha256}
    assert set(pinned) == {"uPlot.iife.min.js", "uPlot.min.css"}
    for name, digest in pinned.items():
        assert sha256_of(name) == digest, f"{name} differs from uPlot 1.6.32 (static/VENDORED.md)"
    assert asset_bytes("uPlot.iife.min.js").startswith(
        b"/*! https://github.com/leeoniya/uPlot (v1.6.32)"
    )


def test_the_licence_ships_with_it() -> None:
    text = asset_bytes("uPlot.LICENSE.txt").decode()
    assert "MIT License" in text
    assert "Leon Sorokin" in text


def test_every_asset_is_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "viewer/static/*" in config["tool"]["setuptools"]["package-data"]["simspace"]
    for name in ASSETS:
        assert asset_bytes(name)
        assert (ROOT / "simspace" / "viewer" / "static" / name).is_file()
