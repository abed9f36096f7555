"""The platform side of a scenario: tiers and their capacity, error texts, HLS settings, failure
rules, operator actions on the timeline, and attacks."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from simspace.scenario.base import Strict
from simspace.scenario.hypotheses import Fittable
from simspace.scenario.types import Count, Duration, EventTime, Ratio, Slug, TierName


class Tier(Fittable):
    """One serving tier; capacity is in event-scale requests per event-second."""

    capacity_rps: Count = Field(gt=0, description="requests per second it serves at 100%")
    service_time: Duration = Field(
        0.05, gt=0, description="time to serve one request on an idle tier"
    )
    queue_limit: Count = Field(
        description="requests that may wait in the backlog; more are rejected with the "
        "overload error"
    )
    timeout: Duration = Field(
        10.0, gt=0, description="a request that waited this long is dropped (a timeout)"
    )


class ErrorTexts(Strict):
    """What clients are shown, in the platform's own words."""

    overload: str = Field(
        "Details not available", min_length=1, description="metadata/API call rejected"
    )
    unavailable: str = Field(
        "This Space is not available", min_length=1, description="the Space ended or crashed"
    )
    fetch_failed: str = Field(
        "Could not fetch Space", min_length=1, description="a request timed out"
    )


class HlsSettings(Strict):
    """The live audio stream as listeners get it."""

    segment_duration: Duration = Field(3.0, ge=1.0, le=10.0, description="chunk length (~3 s)")
    window_segments: int = Field(5, ge=3, le=30, description="chunks in the live playlist")
    sample_rate_hz: Literal[44100, 48000] = Field(48000, description="AAC sample rate")
    channels: Literal[1, 2] = Field(2, description="1 mono, 2 stereo")
    bitrate_kbps: float = Field(96.0, ge=8, le=320, description="chunk size per second of audio")


class OverloadCondition(Strict):
    """A tier's utilisation held above a level for a duration."""

    tier: TierName = Field("api", description="the tier watched")
    utilisation_above: float = Field(
        gt=0, le=1000, description="offered load / capacity, e.g. 1.5 for 150%"
    )
    sustained: Duration = Field(description="for at least this long without a break")


class CrashSpace(Strict):
    """The Space dies under sustained overload; its listeners are dropped."""

    kind: Literal["crash_space"] = Field(description="crash_space")
    id: Slug = Field(description="rule id, shown in the ledger")
    when: OverloadCondition = Field(description="trigger")
    state: Literal["Ended", "TimedOut"] = Field("Ended", description="state after the crash")


class BootListeners(Strict):
    """A fraction of the listeners are disconnected under sustained overload."""

    kind: Literal["boot_listeners"] = Field(description="boot_listeners")
    id: Slug = Field(description="rule id, shown in the ledger")
    when: OverloadCondition = Field(description="trigger")
    fraction: Ratio = Field(description="share of current listeners booted each time it fires")
    cooldown: Duration = Field(60.0, description="at most once per this long")


class DegradeTier(Strict):
    """A tier loses capacity under sustained overload (e.g. a cache or a database falls over)."""

    kind: Literal["degrade_tier"] = Field(description="degrade_tier")
    id: Slug = Field(description="rule id, shown in the ledger")
    when: OverloadCondition = Field(description="trigger")
    target: TierName = Field(description="the tier that loses capacity")
    capacity_factor: float = Field(gt=0, le=1, description="its capacity is multiplied by this")


FailureRule = Annotated[CrashSpace | BootListeners | DegradeTier, Field(discriminator="kind")]


class ActionBase(Fittable):
    at: EventTime = Field(description="when the operators did it")
    note: str = Field("", description="what was said or reported")
    sources: list[str] = Field(default_factory=list, description="source ids")


class CapListeners(ActionBase):
    """'Proceed with a smaller number of live listeners': joins beyond the cap are refused."""

    action: Literal["cap_listeners"] = Field(description="cap_listeners")
    listeners: Count = Field(description="concurrent listeners allowed")


class SetCapacity(ActionBase):
    """Add or remove capacity on a tier."""

    action: Literal["set_capacity"] = Field(description="set_capacity")
    tier: TierName = Field(description="tier")
    capacity_rps: Count = Field(gt=0, description="new capacity")


class RateLimit(ActionBase):
    """Admit at most this rate to a tier; the rest is rejected at once, cheaply."""

    action: Literal["rate_limit"] = Field(description="rate_limit")
    tier: TierName = Field(description="tier")
    rate_rps: Count = Field(gt=0, description="admitted event requests per second")


class RestartSpace(ActionBase):
    """End the current Space and start a new one (new id) on another host account."""

    action: Literal["restart_space"] = Field(description="restart_space")
    host: Slug = Field(description="the speaker id that hosts the new Space")


class EndSpace(ActionBase):
    """The conversation ends normally."""

    action: Literal["end_space"] = Field(description="end_space")


OperatorAction = Annotated[
    CapListeners | SetCapacity | RateLimit | RestartSpace | EndSpace, Field(discriminator="action")
]


class Flood(Fittable):
    """Attack traffic: requests at a tier's endpoint at a fixed event-scale rate."""

    id: Slug = Field(description="attack id")
    tier: TierName = Field("api", description="tier hit")
    rate_rps: Count = Field(gt=0, description="event-scale requests per second")
    start: EventTime = Field(description="from")
    end: EventTime = Field(description="until")
    note: str = Field("", description="what the hypothesis is")
    path: str | None = Field(
        None,
        pattern=r"^/[^\s]*$",
        description="against a real target only: the path requested (default: the live "
        "playlist for cdn, /api/spaces/live for api and chat)",
    )


class Platform(Strict):
    """What the platform can take and how it fails."""

    tiers: dict[TierName, Tier] = Field(description="serving tiers; api and cdn are required")
    errors: ErrorTexts = Field(default_factory=ErrorTexts, description="texts clients see")
    hls: HlsSettings = Field(default_factory=HlsSettings, description="live stream settings")
    listener_cap: Count | None = Field(None, description="concurrent listener cap from the start")
    ping_timeout: Duration = Field(
        90.0, gt=0, description="a listener who has not pinged for this long is dropped"
    )
    failure_rules: list[FailureRule] = Field(
        default_factory=list, max_length=100, description="how it fails"
    )


class TargetShape(Strict):
    """What a real service under `simspace run --target URL` looks like; unused against the stub."""

    join_api: Literal["none", "spaces"] = Field(
        "none",
        description="none: a plain HLS origin, listeners go straight to the live playlist; "
        "spaces: the target also serves the Spaces join API of docs/platform-api.md at the "
        "URL's origin, and listeners join through it (waiting room, stream status, pings)",
    )
    playlist: str | None = Field(
        None,
        pattern=r"^/[^\s]*$",
        description="path of the live playlist (master or media) on the target, used when the "
        "--target URL names no playlist of its own (join_api none)",
    )
