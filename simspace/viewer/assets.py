"""The files the viewer serves from the package: a fixed list, looked up by name, never a path
from a request. The vendored ones are pinned by hash (see static/VENDORED.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Asset:
    name: str
    content_type: str
    sha256: str | None = None
    """Pinned for vendored files: an edit by hand is caught by the tests."""


ASSETS = {
    a.name: a
    for a in (
        Asset(
            "uPlot.iife.min.js",
            "text/javascript",
            "19c8d4c6ad88929a79f4ae49d6f7161566dfd0ba3d15cc495e974f787eb78f1f",
        ),
        Asset(
            "uPlot.min.css",
            "text/css",
            "df630c6a8d6f8eeaff264b50f73ce5b114f646ffd9a0bb74f049b0a00135fa04",
        ),
        Asset("uPlot.LICENSE.txt", "text/plain"),
        Asset("viewer.js", "text/javascript"),
    )
}


@cache
def asset_bytes(name: str) -> bytes:
    """The bytes of a listed asset (KeyError for any other name)."""
    asset = ASSETS[name]
    return resources.files("simspace.viewer").joinpath("static", asset.name).read_bytes()


def sha256_of(name: str) -> str:
    return hashlib.sha256(asset_bytes(name)).hexdigest()
