"""The stub platform's ground truth as it crosses from the server process to the run: the
timeline (per-bucket tier load, outcomes and listeners), the ledger (every injected failure and
discrete event) and the compact live state. The server writes these (`/_sim/timeline`,
`/_sim/ledger`, `/_sim/state`, and `timeline.json` / `ledger.json` at exit); the run reads them
with the same models.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

GROUND_TRUTH_VERSION = 1
TIMELINE_FILE = "timeline.json"
LEDGER_FILE = "ledger.json"

_WIRE = ConfigDict(frozen=True, extra="ignore")


class TierColumns(BaseModel):
    """One tier's columns, a value per bucket. Sums are event-scale request weights."""

    model_config = _WIRE
    requests: list[float] = []
    offered: list[float] = []
    admitted: list[float] = []
    served: list[float] = []
    timeouts: list[float] = []
    attack_offered: list[float] = []
    attack_rejected: list[float] = []
    rejected: dict[str, list[float]] = Field(default_factory=dict, description="reason -> column")
    utilisation: list[float] = []
    backlog: list[float] = []
    capacity: list[float] = []


class SpaceColumns(BaseModel):
    """One Space incarnation's listeners and state, a value per bucket."""

    model_config = _WIRE
    index: int
    space_id: str = ""
    host: str = ""
    listeners: list[float] = []
    state: list[str | None] = []


class TimelineDump(BaseModel):
    """The whole timeline; `t` holds each bucket's start (event seconds)."""

    model_config = _WIRE
    version: int = GROUND_TRUTH_VERSION
    now: float | None = None
    origin_t: float = 0.0
    bucket_s: float = 1.0
    buckets: int = 0
    t: list[float] = []
    tiers: dict[str, TierColumns] = Field(default_factory=dict)
    spaces: list[SpaceColumns] = []


class FailureTotal(BaseModel):
    """All injected failures of one kind and reason on one tier: first, last, how many."""

    model_config = _WIRE
    kind: str
    reason: str
    tier: str | None = None
    first_t: float
    last_t: float
    count: int
    weight: float


LedgerDetail = str | float | int | bool | None


class LedgerEvent(BaseModel):
    """A discrete event at event time `t` (a crash, an operator action, a Space transition);
    its details (`space`, `tier`, `rate_rps`...) are the remaining fields."""

    model_config = ConfigDict(frozen=True, extra="allow")
    t: float
    kind: str

    @property
    def details(self) -> dict[str, LedgerDetail]:
        return {k: v for k, v in (self.model_extra or {}).items() if _is_detail(v)}


def _is_detail(value: object) -> bool:
    return value is None or isinstance(value, str | float | int | bool)


class SpaceSnapshot(BaseModel):
    """A Space incarnation as the platform sees it now."""

    model_config = _WIRE
    index: int
    space_id: str = ""
    media_key: str = ""
    host: str = ""
    state: str = "NotStarted"
    created_at: float | None = None
    running_at: float | None = None
    ended_at: float | None = None
    end_cause: str | None = None
    listeners: float = 0.0
    sessions: int = 0
    peak_listeners: float = 0.0
    room: str = "main"
    refused_listeners: float = 0.0


class LedgerDump(BaseModel):
    """Failure totals, the bounded list of events (`events_dropped` past the bound), and every
    Space incarnation."""

    model_config = _WIRE
    version: int = GROUND_TRUTH_VERSION
    now: float | None = None
    failures: list[FailureTotal] = []
    events: list[LedgerEvent] = []
    events_dropped: int = 0
    spaces: list[SpaceSnapshot] = []


class TierState(BaseModel):
    """A tier now: its capacity and load, and its totals so far."""

    model_config = _WIRE
    capacity_rps: float
    utilisation: float = 0.0
    backlog: float = 0.0
    rate_limit_rps: float | None = None
    attack_rps: float = 0.0
    requests: float = 0.0
    offered: float = 0.0
    admitted: float = 0.0
    served: float = 0.0
    timeouts: float = 0.0
    attack_offered: float = 0.0
    attack_rejected: float = 0.0
    rejected: dict[str, float] = Field(default_factory=dict, description="reason -> total")


class PlatformState(BaseModel):
    """The compact live view of `/_sim/state`."""

    model_config = _WIRE
    t: float
    sessions: int = 0
    listener_cap: float | None = None
    spaces: list[SpaceSnapshot] = []
    tiers: dict[str, TierState] = Field(default_factory=dict)


class GroundTruth(BaseModel):
    """What the platform itself recorded: the timeline and the ledger, read together."""

    model_config = ConfigDict(frozen=True)
    timeline: TimelineDump
    ledger: LedgerDump
