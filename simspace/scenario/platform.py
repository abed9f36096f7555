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


RefusalReason = Literal["cap", "not_started", "ended", "overload"]
"""Why a listener was refused: the room was full, the Space had not started, it had ended (or
crashed), or the API was overloaded (rejected, rate-limited or timed out)."""
REFUSAL_REASONS: tuple[RefusalReason, ...] = ("cap", "not_started", "ended", "overload")
MAIN_ROOM = "main"
"""The room of the Space the host starts (and of its relaunches); overflow rooms have ids."""


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
    room_full: str | None = Field(
        None,
        min_length=1,
        description="a join refused because the room is at its listener cap; unset: the "
        "`unavailable` text",
    )
    not_started: str | None = Field(
        None,
        min_length=1,
        description="the Space has not gone live yet (or the room is not open); unset: the "
        "`unavailable` text",
    )

    def for_reason(self, reason: RefusalReason) -> str:
        """The text a client is shown when it is refused for `reason`."""
        if reason == "overload":
            return self.overload
        if reason == "cap":
            return self.room_full or self.unavailable
        if reason == "not_started":
            return self.not_started or self.unavailable
        return self.unavailable

    def texts(self) -> dict[str, str]:
        """Every text a client of the modelled platform can be shown, by field name."""
        shown = {"overload": self.overload, "unavailable": self.unavailable}
        shown["fetch_failed"] = self.fetch_failed
        shown["room_full"] = self.for_reason("cap")
        shown["not_started"] = self.for_reason("not_started")
        return shown


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
    """Set (lower or raise) a room's listener cap: joins beyond it are refused. 'Proceed with a
    smaller number of live listeners' lowers it; raising it mid-event lets refused listeners in
    (they notice at their next poll)."""

    action: Literal["cap_listeners"] = Field(description="cap_listeners")
    listeners: Count = Field(description="concurrent listeners allowed")
    room: Slug = Field(MAIN_ROOM, description="the room capped: main, or an overflow room's id")


class OpenRoom(ActionBase):
    """Open an overflow room: a Space of its own, live at once, relaying the main room's audio."""

    action: Literal["open_room"] = Field(description="open_room")
    room: Slug = Field(description="the overflow room's id (platform.rooms)")


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
    CapListeners | SetCapacity | RateLimit | RestartSpace | EndSpace | OpenRoom,
    Field(discriminator="action"),
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


class Room(Fittable):
    """An overflow room: a Space of its own that relays the main room's audio to listeners the
    main room's cap refused. It ends when the main Space ends."""

    id: Slug = Field(description="room id (not `main`), cited by actions and facts")
    cap_listeners: Count | None = Field(None, description="its listener cap; unset: none")
    opens: Literal["when_full", "by_action"] = Field(
        "when_full",
        description="when_full: the platform opens it the first time the main room refuses a "
        "join for its cap (and again for a relaunched main Space); by_action: an `open_room` "
        "operator action opens it",
    )
    note: str = Field("", description="what was reported, or that it is a hypothesis")
    sources: list[str] = Field(default_factory=list, description="source ids")


class Platform(Strict):
    """What the platform can take and how it fails."""

    tiers: dict[TierName, Tier] = Field(description="serving tiers; api and cdn are required")
    errors: ErrorTexts = Field(default_factory=ErrorTexts, description="texts clients see")
    hls: HlsSettings = Field(default_factory=HlsSettings, description="live stream settings")
    listener_cap: Count | None = Field(
        None, description="the main room's concurrent listener cap from the start"
    )
    rooms: list[Room] = Field(
        default_factory=list, max_length=20, description="overflow rooms, in the order tried"
    )
    ping_timeout: Duration = Field(
        90.0, gt=0, description="a listener who has not pinged for this long is dropped"
    )
    failure_rules: list[FailureRule] = Field(
        default_factory=list, max_length=100, description="how it fails"
    )


DEFAULT_MAX_BITRATE_BPS = 2_000_000.0
"""Generous for live audio (64-320 kb/s) and modest video alike."""
DEFAULT_MAX_PLAYLIST_BYTES = 1_048_576.0
"""1 MiB: a live playlist's sliding window is a few kB."""


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
    max_bitrate_bps: Count = Field(
        DEFAULT_MAX_BITRATE_BPS,
        ge=8_000,
        le=1e9,
        description="the highest bitrate a segment may have: a segment is read up to twice "
        "this times its duration (at least 64 KiB, durations counted up to 60 s); a larger one "
        "is a failed download (`segment over size cap`) and its connection is dropped",
    )
    max_playlist_bytes: Count = Field(
        DEFAULT_MAX_PLAYLIST_BYTES,
        ge=1_024,
        le=1e9,
        description="the largest playlist (or other answer but a segment, e.g. the join API's) "
        "a listener reads; a larger one is a failed request (`playlist over size cap`) and its "
        "connection is dropped",
    )
