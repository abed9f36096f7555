"""The stub platform's endpoint operations: each charges its tier, then answers like Spaces would.

Every operation returns a `ApiAnswer`: a code (None for success), the modelled latency in event
seconds the client should wait for it, and the JSON data or bytes to send. No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from simspace.hls import PLAYLIST_NAME
from simspace.platform.model import PlatformModel
from simspace.platform.space import SpaceIncarnation, SpaceState
from simspace.platform.tier import Admission
from simspace.scenario.platform import RefusalReason

__all__ = ["ERROR_CODES", "ApiAnswer", "PlatformApi"]

# Failure codes an operation may answer with, each shown with one of the scenario's texts.
ERROR_CODES = (
    "overload",
    "rate_limited",
    "timeout",
    "not_found",
    "not_started",
    "space_ended",
    "listener_cap",
    "booted",
    "bad_request",
)


@dataclass(slots=True)  # not frozen: one is made per request, frozen init is 2x slower
class ApiAnswer:
    """An operation's answer; `latency_s` is event time, to be waited in wall time / speedup."""

    code: str | None
    latency_s: float
    data: dict[str, Any] | None = None
    body: bytes | None = None


REFUSAL_OF_CODE: dict[str, RefusalReason] = {
    "overload": "overload",
    "rate_limited": "overload",
    "timeout": "overload",
    "listener_cap": "cap",
    "not_started": "not_started",
}
"""The refusal reason whose text a failure code shows (every other code: `ended`)."""


def _not_running(space: SpaceIncarnation) -> str:
    return "not_started" if space.state is SpaceState.NOT_STARTED else "space_ended"


def _room_view(space: SpaceIncarnation, cap: float | None) -> dict[str, Any]:
    """An open overflow room as `/api/spaces/live` lists it."""
    return {
        "room": space.room,
        "space_id": space.space_id,
        "media_key": space.media_key,
        "state": space.state.value,
        "listeners": round(space.listeners),
        "listener_cap": cap,
    }


class PlatformApi:
    """Listener, host and CDN operations over one `PlatformModel`."""

    __slots__ = ("model",)

    def __init__(self, model: PlatformModel) -> None:
        self.model = model

    def message(self, code: str) -> str:
        """The scenario's text a client is shown for a failure code."""
        errors = self.model.errors
        if code == "timeout":
            return errors.fetch_failed
        return errors.for_reason(REFUSAL_OF_CODE.get(code, "ended"))

    # --- plumbing -------------------------------------------------------------------------

    def _admit(
        self, tier: str, weight: float, speaker: str | None = None
    ) -> tuple[float, Admission]:
        model = self.model
        t = model.advance()
        priority = speaker is not None and model.is_priority(speaker)
        admission = model.move_tier(tier, t).offer(t, weight, priority=priority)
        if admission.code is not None:
            model.timeline.add_request(tier, t, weight, admission.code, None)
            kind = "timeout" if admission.code == "timeout" else "rejection"
            model.ledger.failure(kind, admission.code, tier, t, weight)
        return t, admission

    def _admit_space(
        self, space_id: str, weight: float, speaker: str | None
    ) -> tuple[float, Admission, SpaceIncarnation] | ApiAnswer:
        """An API call about one Space: the tier's answer, or `not_found`, or the Space."""
        t, admission = self._admit("api", weight, speaker)
        if admission.code is not None:
            return ApiAnswer(admission.code, admission.latency_s)
        space = self.model.space(space_id)
        if space is None:
            return self._refuse("api", t, weight, admission, "not_found")
        return t, admission, space

    def _refuse(
        self,
        tier: str,
        t: float,
        weight: float,
        admission: Admission,
        code: str,
        *,
        reason: str | None = None,
    ) -> ApiAnswer:
        """The tier served the request and the answer is no."""
        self.model.timeline.add_request(tier, t, weight, None, reason or code)
        self.model.ledger.failure("rejection", reason or code, tier, t, weight)
        return ApiAnswer(code, admission.latency_s)

    def _ok(
        self,
        tier: str,
        t: float,
        weight: float,
        admission: Admission,
        *,
        data: dict[str, Any] | None = None,
        body: bytes | None = None,
    ) -> ApiAnswer:
        self.model.timeline.add_request(tier, t, weight, None, None)
        return ApiAnswer(None, admission.latency_s, data, body)

    # --- listener API ---------------------------------------------------------------------

    def live_space(self, weight: float = 1.0, speaker: str | None = None) -> ApiAnswer:
        """The newest Space: how a listener (or a relaunch's host) finds the one to join."""
        t, admission = self._admit("api", weight, speaker)
        if admission.code is not None:
            return ApiAnswer(admission.code, admission.latency_s)
        model = self.model
        space = model.current
        data = {
            "space_id": space.space_id,
            "media_key": space.media_key,
            "host": space.host,
            "state": space.state.value,
            "rooms": [
                _room_view(room, model.caps.get(room.room)) for room in model.open_overflow_rooms()
            ],
        }
        return self._ok("api", t, weight, admission, data=data)

    def space_metadata(
        self, space_id: str, weight: float = 1.0, speaker: str | None = None
    ) -> ApiAnswer:
        """Like GraphQL AudioSpaceById: state, media key, listeners."""
        admitted = self._admit_space(space_id, weight, speaker)
        if isinstance(admitted, ApiAnswer):
            return admitted
        t, admission, space = admitted
        metadata = {
            "rest_id": space.space_id,
            "state": space.state.value,
            "media_key": space.media_key,
            "total_live_listeners": round(space.listeners),
            "host": space.host,
            "title": space.title,
            "started_at": space.running_t,
            "ended_at": space.ended_t,
            "room": space.room,
            "listener_cap": self.model.caps.get(space.room),
        }
        data = {"data": {"audioSpace": {"metadata": metadata}}}
        return self._ok("api", t, weight, admission, data=data)

    def stream_status(
        self, media_key: str, weight: float = 1.0, speaker: str | None = None
    ) -> ApiAnswer:
        """Like live_video_stream/status/<media_key>: where the live playlist is."""
        t, admission = self._admit("api", weight, speaker)
        if admission.code is not None:
            return ApiAnswer(admission.code, admission.latency_s)
        space = self.model.space_by_media_key(media_key)
        if space is None:
            return self._refuse("api", t, weight, admission, "not_found")
        if space.state is not SpaceState.RUNNING:
            return self._refuse("api", t, weight, admission, _not_running(space))
        location = f"/hls/{space.media_key}/{PLAYLIST_NAME}"
        data = {"source": {"location": location, "status": "LIVE"}}
        return self._ok("api", t, weight, admission, data=data)

    def start_watching(
        self,
        space_id: str,
        weight: float = 1.0,
        speaker: str | None = None,
        listeners: float | None = None,
    ) -> ApiAnswer:
        """Register a listener session of `listeners` (default `weight`) event listeners on a
        Running Space; the request stands for `weight` attempts."""
        model = self.model
        listeners = weight if listeners is None else listeners
        admitted = self._admit_space(space_id, weight, speaker)
        if isinstance(admitted, ApiAnswer):
            return admitted
        t, admission, space = admitted
        if space.state is not SpaceState.RUNNING:
            return self._refuse("api", t, weight, admission, _not_running(space))
        if model.sessions.full:
            return self._refuse("api", t, weight, admission, "listener_cap", reason="session_limit")
        cap = model.caps.get(space.room)
        if cap is not None and space.listeners + listeners > cap:
            space.refused_listeners += weight
            model.room_full(space, t)
            return self._refuse("api", t, weight, admission, "listener_cap")
        session_id = model.sessions.start(space.index, listeners, t)
        space.add_listeners(listeners, 1)
        return self._ok("api", t, weight, admission, data={"session_id": session_id})

    def ping_watching(
        self, space_id: str, session_id: str, weight: float = 1.0, speaker: str | None = None
    ) -> ApiAnswer:
        """Keep a session alive; `booted` if it was booted, expired or its Space ended."""
        model = self.model
        admitted = self._admit_space(space_id, weight, speaker)
        if isinstance(admitted, ApiAnswer):
            return admitted
        t, admission, space = admitted
        if not model.sessions.ping(session_id, space.index, t):
            return self._refuse("api", t, weight, admission, "booted")
        return self._ok("api", t, weight, admission, data={"ok": True})

    def stop_watching(
        self, space_id: str, session_id: str, weight: float = 1.0, speaker: str | None = None
    ) -> ApiAnswer:
        """Leave; idempotent (stopping an unknown session is fine)."""
        model = self.model
        admitted = self._admit_space(space_id, weight, speaker)
        if isinstance(admitted, ApiAnswer):
            return admitted
        t, admission, space = admitted
        session = model.sessions.stop(session_id, space.index)
        if session is not None:
            space.add_listeners(-session.weight, -1)
        return self._ok("api", t, weight, admission, data={"ok": True})

    # --- host API -------------------------------------------------------------------------

    def publish(self, space_id: str, speaker: str | None, weight: float = 1.0) -> ApiAnswer:
        """The host's publish makes its Space Running; other speakers may join a Running one."""
        model = self.model
        admitted = self._admit_space(space_id, weight, speaker)
        if isinstance(admitted, ApiAnswer):
            return admitted
        t, admission, space = admitted
        if not model.is_speaker(speaker):
            return self._refuse("api", t, weight, admission, "bad_request")
        if space.host == speaker and space.state is SpaceState.NOT_STARTED:
            model.start_space(space, t)
        if space.state is not SpaceState.RUNNING:
            return self._refuse("api", t, weight, admission, _not_running(space))
        return self._ok("api", t, weight, admission, data={"ok": True, "state": space.state.value})

    def end(self, space_id: str, speaker: str | None, weight: float = 1.0) -> ApiAnswer:
        """The host ends its Space."""
        model = self.model
        admitted = self._admit_space(space_id, weight, speaker)
        if isinstance(admitted, ApiAnswer):
            return admitted
        t, admission, space = admitted
        if speaker is None or space.host != speaker:
            return self._refuse("api", t, weight, admission, "bad_request")
        if not space.state.is_over:
            model.end_space(space, t, "host")
        return self._ok("api", t, weight, admission, data={"ok": True, "state": space.state.value})

    # --- CDN ------------------------------------------------------------------------------

    def playlist(self, media_key: str, weight: float = 1.0) -> ApiAnswer:
        """The live media playlist bytes (EXT-X-ENDLIST once the Space ended)."""
        t, admission = self._admit("cdn", weight)
        if admission.code is not None:
            return ApiAnswer(admission.code, admission.latency_s)
        space = self.model.space_by_media_key(media_key)
        if space is None or space.stream is None:
            return self._refuse("cdn", t, weight, admission, "not_found")
        return self._ok("cdn", t, weight, admission, body=space.stream.playlist(t))

    def chunk(self, media_key: str, name: str, weight: float = 1.0) -> ApiAnswer:
        """One audio chunk's bytes; malformed, unknown or unpublished names are `not_found`."""
        t, admission = self._admit("cdn", weight)
        if admission.code is not None:
            return ApiAnswer(admission.code, admission.latency_s)
        space = self.model.space_by_media_key(media_key)
        body = None if space is None or space.stream is None else space.stream.chunk(name, t)
        if body is None:
            return self._refuse("cdn", t, weight, admission, "not_found")
        return self._ok("cdn", t, weight, admission, body=body)
