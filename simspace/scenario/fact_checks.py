"""Cross-field checks of the reported facts and the gates: ids, cited sources, every time they name
inside the scenario's window, and error texts the platform can show.

A fact `about: other_event` is context from another event: its times and texts are that event's,
so only its id and sources are checked here.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from simspace import units
from simspace.scenario.base import Loc
from simspace.scenario.checks import (
    Check,
    Items,
    Problems,
    cited,
    inside,
    outside_window,
    span,
    unique,
)
from simspace.scenario.event import Source
from simspace.scenario.facts import (
    ErrorSeenFact,
    EventWindow,
    Gate,
    Reported,
    ReportedFact,
    SpaceTimeFact,
    StartDelayFact,
)
from simspace.scenario.platform import MAIN_ROOM, ErrorTexts, Room
from simspace.scenario.variants import Variant, apply_overrides


def _check_fact_ids(facts: Items[ReportedFact]) -> Problems:
    return unique(facts, "id", ("facts",))


def _check_fact_sources(facts: Items[ReportedFact], sources: list[Source]) -> Problems:
    problems: Problems = []
    for i, fact in facts:
        problems += cited(fact.sources, sources, ("facts", i, "sources"))
    return problems


def _shown(reported: Reported[float], show: Callable[[float], str]) -> str:
    """A reported value as written: `+3h`, `+2h .. +3h`, `at least +2h`."""
    low, high = reported.min, reported.max
    if low is not None and high is not None:
        return show(low) if low == high else f"{show(low)} .. {show(high)}"
    if low is not None:
        return f"at least {show(low)}"
    return f"at most {show(high)}" if high is not None else "nothing"


def _reported_time(reported: Reported[float], window: EventWindow) -> str | None:
    """Why a reported time (or range of times) cannot be observed in the window, if it cannot:
    a range is observable when it reaches into the window."""
    low, high = reported.min, reported.max
    if (low is None or low <= window.end) and (high is None or high >= window.start):
        return None
    got = _shown(reported, units.format_offset_s)
    if low is not None and low == high:
        return f"must be inside the window {span(window)} (got {got})"
    return f"must reach into the window {span(window)} (got {got})"


def _reported_delay(reported: Reported[float], window: EventWindow) -> str | None:
    """Why a reported start delay cannot be observed: the scheduled start is 0, so the Space
    would go live after the window ends."""
    if reported.min is None or reported.min <= window.end:
        return None
    got = _shown(reported, units.format_duration_s)
    return (
        f"a delay this long goes past the window: the Space would go live after its end "
        f"{units.format_offset_s(window.end)} (got {got})"
    )


def _window_inside(fact_window: EventWindow, window: EventWindow, loc: Loc) -> Problems:
    if inside(fact_window.start, window) and inside(fact_window.end, window):
        return []
    return [(loc, f"must be inside the window {span(window)} (got {span(fact_window)})")]


def _check_fact_times(facts: Items[ReportedFact], window: EventWindow) -> Problems:
    """Every time a fact about this event names can be observed in the window."""
    problems: Problems = []
    for i, fact in facts:
        if fact.about != "this_event":
            continue
        loc: Loc = ("facts", i)
        at: float | None = getattr(fact, "at", None)
        if at is not None:
            problems += outside_window(at, window, (*loc, "at"))
        fact_window: EventWindow | None = getattr(fact, "window", None)
        if fact_window is not None:
            problems += _window_inside(fact_window, window, (*loc, "window"))
        why = None
        if isinstance(fact, SpaceTimeFact):
            why = _reported_time(fact.reported, window)
        elif isinstance(fact, StartDelayFact):
            why = _reported_delay(fact.reported, window)
        if why:
            problems.append(((*loc, "reported"), why))
    return problems


def _check_gates(gate_checks: Items[Gate], window: EventWindow) -> Problems:
    problems = unique(gate_checks, "id", ("gates", "checks"))
    for i, gate in gate_checks:
        if gate.window is not None:
            problems += _window_inside(gate.window, window, ("gates", "checks", i, "window"))
    return problems


def _check_room_scopes(
    facts: Items[ReportedFact], gate_checks: Items[Gate], rooms: list[Room]
) -> Problems:
    """A fact or gate narrowed to a room names `main` or one of platform.rooms."""
    known = [MAIN_ROOM, *(room.id for room in rooms)]
    scoped: list[tuple[Loc, str | None]] = [
        (("facts", i, "room"), getattr(fact, "room", None)) for i, fact in facts
    ]
    scoped += [
        (("gates", "checks", i, "room"), getattr(gate, "room", None)) for i, gate in gate_checks
    ]
    return [
        (loc, f"no room {room!r} (main, or platform.rooms: {', '.join(known[1:]) or 'no rooms'})")
        for loc, room in scoped
        if room is not None and room not in known
    ]


def shown_texts(errors: ErrorTexts, variants: dict[str, Variant]) -> list[str]:
    """Every error text the platform can show in the scenario or in one of its variants (a
    variant may reword `platform.errors`), in order, once each."""
    texts = list(dict.fromkeys(errors.texts().values()))
    base = {"errors": errors.model_dump()}
    for variant in variants.values():
        platform = variant.overrides.get("platform")
        if not isinstance(platform, dict) or "errors" not in platform:
            continue
        merged = apply_overrides(base, platform).get("errors") or {}
        try:
            varied = ErrorTexts.model_validate(merged)
        except ValidationError:
            continue  # reported against the variant
        texts += [text for text in varied.texts().values() if text not in texts]
    return texts


def _check_error_texts(
    facts: Items[ReportedFact],
    gate_checks: Items[Gate],
    errors: ErrorTexts,
    variants: dict[str, Variant],
) -> Problems:
    """A text a fact says listeners saw (or never saw), or a gate counts failures by, is one the
    platform can show: anything else is a typo or a missing `platform.errors` text."""
    texts = shown_texts(errors, variants)
    scoped: list[tuple[Loc, str]] = [
        (("facts", i, "message"), fact.message)
        for i, fact in facts
        if isinstance(fact, ErrorSeenFact) and fact.about == "this_event"
    ]
    scoped += [
        (("gates", "checks", i, "message"), gate.message)
        for i, gate in gate_checks
        if gate.message is not None
    ]
    listing = ", ".join(repr(text) for text in texts)
    return [
        (loc, f"no platform error text reads {message!r} (the platform can show: {listing})")
        for loc, message in scoped
        if message not in texts
    ]


CHECKS: tuple[Check, ...] = (
    _check_fact_ids,
    _check_fact_sources,
    _check_fact_times,
    _check_gates,
    _check_room_scopes,
    _check_error_texts,
)
