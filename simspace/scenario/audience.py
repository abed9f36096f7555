"""The audience: who wants to listen and when (the arrival curve), for how long, and how their
clients behave on failure (the client policy that turns overload into retry storms)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from simspace import units
from simspace.scenario.base import Loc, ScenarioCheckError, Strict
from simspace.scenario.types import Count, Duration, EventTime, Ratio, Slug


class ArrivalPoint(Strict):
    """One reported point of the audience curve."""

    at: EventTime = Field(description="when (event time)")
    count: Count = Field(description="listeners at that time (meaning set by the curve's kind)")
    note: str = Field("", description="where the number comes from")


class ArrivalCurve(Strict):
    """The audience over time, piecewise linear between reported points."""

    kind: Literal["cumulative", "concurrent"] = Field(
        "cumulative",
        description="cumulative: people who have tried to join by then (arrival rate is the "
        "slope); concurrent: people present then (arrivals are derived from the slope and the "
        "listening time)",
    )
    points: list[ArrivalPoint] = Field(
        min_length=2, max_length=1000, description="reported points, in time order"
    )
    jitter: Literal["poisson", "none"] = Field(
        "poisson",
        description="poisson: arrival times are random within the curve, with the count noise "
        "of the event's audience (each simulated listener arrives at a random moment of its own "
        "share of the curve); none: evenly spaced",
    )

    @model_validator(mode="after")
    def _in_order(self) -> ArrivalCurve:
        # Checked here rather than scenario-wide, so that it is reported even when another
        # section of the file is broken.
        problems: list[tuple[Loc, str]] = []
        points = self.points
        for i in range(1, len(points)):
            at, previous = points[i].at, points[i - 1].at
            if at <= previous:
                problems.append(
                    (
                        ("points", i, "at"),
                        f"must be after the previous point (got {units.format_offset_s(at)} "
                        f"after {units.format_offset_s(previous)})",
                    )
                )
            elif self.kind == "cumulative" and points[i].count < points[i - 1].count:
                problems.append(
                    (
                        ("points", i, "count"),
                        "a cumulative count cannot fall (got "
                        f"{units.format_count(points[i].count)} after "
                        f"{units.format_count(points[i - 1].count)})",
                    )
                )
        if problems:
            raise ScenarioCheckError(problems)
        return self


class LognormalTime(Strict):
    """Listening time with a median and a long tail, set by its 90th percentile."""

    distribution: Literal["lognormal"] = Field(description="lognormal")
    median: Duration = Field(gt=0, description="half of the listeners stay shorter than this")
    p90: Duration = Field(gt=0, description="90% of the listeners stay shorter than this")

    @model_validator(mode="after")
    def _tail_above_median(self) -> LognormalTime:
        # A p90 at or below the median has no lognormal shape (a zero or negative spread).
        if self.p90 <= self.median:
            message = (
                f"must be above the median {units.format_duration_s(self.median)} "
                f"(got {units.format_duration_s(self.p90)})"
            )
            raise ScenarioCheckError([(("p90",), message)])
        return self


class ExponentialTime(Strict):
    """Memoryless listening time."""

    distribution: Literal["exponential"] = Field(description="exponential")
    mean: Duration = Field(gt=0, description="mean listening time")


class FixedTime(Strict):
    """Everyone listens for the same time."""

    distribution: Literal["fixed"] = Field(description="fixed")
    value: Duration = Field(gt=0, description="listening time")


ListeningTime = Annotated[
    LognormalTime | ExponentialTime | FixedTime, Field(discriminator="distribution")
]


class RetryPolicy(Strict):
    """What a client does after a failed request."""

    attempts: int = Field(3, ge=1, le=100, description="attempts per request, the first included")
    backoff_base: Duration = Field(1.0, description="first backoff; doubles each retry")
    backoff_cap: Duration = Field(30.0, description="longest backoff")
    jitter: Literal["full", "equal", "none"] = Field(
        "full", description="full: uniform in [0, backoff]; equal: [backoff/2, backoff]"
    )


class RejoinPolicy(Strict):
    """What a booted listener, or one whose Space ended, does next."""

    probability: Ratio = Field(0.5, description="chance that a booted listener tries again")
    delay: Duration = Field(30.0, description="wait before rejoining")
    max_times: int = Field(3, ge=0, le=100, description="rejoins per listener at most")


class Restream(Strict):
    """Another destination with the same audio (a restream on another site or account): from
    `opens_at`, a share of the listeners who are refused by a full room, whose Space ended or who
    were booted go there instead of trying again, and leave this platform."""

    id: Slug = Field(description="restream id, e.g. youtube")
    opens_at: EventTime = Field(description="when it became available")
    share: Ratio = Field(description="chance that a refused, ended or booted listener goes there")
    note: str = Field("", description="what was reported, or that it is a hypothesis")
    sources: list[str] = Field(default_factory=list, description="source ids")


class ClientPolicy(Strict):
    """How the listener's app behaves: polling, timeouts, retries, patience."""

    metadata_poll_interval: Duration = Field(
        10.0, gt=0, description="waiting room: how often the app re-reads the Space metadata"
    )
    request_timeout: Duration = Field(
        10.0, gt=0, description="a request not answered by then fails"
    )
    retries: RetryPolicy = Field(default_factory=RetryPolicy, description="retry policy")
    patience: Duration = Field(
        30 * 60.0, gt=0, description="a listener who has not heard audio by then gives up"
    )
    ping_interval: Duration = Field(30.0, gt=0, description="how often a listener pings watching")
    playlist_reload: Duration | None = Field(
        None, description="live playlist reload interval; default: the segment duration"
    )
    rejoin: RejoinPolicy = Field(default_factory=RejoinPolicy, description="after being booted")
    on_refused: Literal["retry", "wait", "overflow", "give_up"] = Field(
        "retry",
        description="when a join is refused because the room is full: retry (join again at "
        "every metadata poll), wait (poll, and join only once the metadata shows room under the "
        "cap), overflow (ask for an open overflow room with room and join it; else retry), "
        "give_up (leave at once)",
    )


class Audience(Strict):
    """Who wants to listen, when, and for how long."""

    arrivals: ArrivalCurve = Field(description="the audience curve from reported numbers")
    listening_time: ListeningTime = Field(description="how long a listener stays once playing")
    client: ClientPolicy = Field(default_factory=ClientPolicy, description="client behaviour")
    restreams: list[Restream] = Field(
        default_factory=list, max_length=20, description="other destinations with the audio"
    )
