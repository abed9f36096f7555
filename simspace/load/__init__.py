"""The load side: client behaviour as pure scripts (listener, speaker), the per-process load
configuration and observation recorder, and the Locust adapter (`locustfile.py`, which alone
imports locust and is only ever run by Locust in its own process)."""

from __future__ import annotations

from pathlib import Path

LOCUSTFILE = Path(__file__).with_name("locustfile.py")

__all__ = ["LOCUSTFILE"]
