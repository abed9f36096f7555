"""The stub Spaces platform as a pure, clock-injected model: tiers, Spaces, sessions, failures."""

from __future__ import annotations

from simspace.platform.api import ERROR_CODES, ApiAnswer, PlatformApi
from simspace.platform.ledger import FailureAggregate, Ledger
from simspace.platform.listeners import MAX_SESSIONS, Session, SessionTable
from simspace.platform.model import PlatformModel, event_epoch_unix_s
from simspace.platform.space import SpaceIncarnation, SpaceState
from simspace.platform.stream import SpaceStream
from simspace.platform.tier import Admission, SlidingRate, TierModel
from simspace.platform.timeline import MAX_BUCKETS, REASONS, TimelineRecorder

__all__ = [
    "ERROR_CODES",
    "MAX_BUCKETS",
    "MAX_SESSIONS",
    "REASONS",
    "Admission",
    "ApiAnswer",
    "FailureAggregate",
    "Ledger",
    "PlatformApi",
    "PlatformModel",
    "Session",
    "SessionTable",
    "SlidingRate",
    "SpaceIncarnation",
    "SpaceState",
    "SpaceStream",
    "TierModel",
    "TimelineRecorder",
    "event_epoch_unix_s",
]
