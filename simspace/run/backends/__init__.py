"""Run backends: what produces a run's observations. The session drives every backend through
the one `Backend` protocol; `backend_for` is the only place that chooses between them."""

from __future__ import annotations

from simspace.run.backends.base import Backend, RunContext
from simspace.run.backends.stub import StubBackend
from simspace.run.backends.target import TargetBackend
from simspace.target import Target

__all__ = ["Backend", "RunContext", "StubBackend", "TargetBackend", "backend_for"]


def backend_for(context: RunContext, target: Target | None) -> Backend:
    """The embedded stub platform, or a real service when a target is given."""
    return StubBackend(context) if target is None else TargetBackend(context, target)
