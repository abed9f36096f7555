"""Cross-field checks of the event, audience, speakers, platform, rooms and timeline: each problem
at the path of the value at fault.

A check's parameters name the parts of the scenario it reads (`model.PARTS`): the loader runs it
whenever those parts validated, so one broken section or item hides no other problem. A part
checked item by item (`Items`) holds the items that validated on their own, each with its index
in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeAlias, TypeVar

from simspace import units
from simspace.scenario.audience import ArrivalCurve, ClientPolicy, Restream
from simspace.scenario.base import Loc
from simspace.scenario.event import Marker, Source, Speaker
from simspace.scenario.facts import EventWindow
from simspace.scenario.platform import (
    MAIN_ROOM,
    CapListeners,
    FailureRule,
    Flood,
    OpenRoom,
    OperatorAction,
    RestartSpace,
    Room,
    Tier,
)

T = TypeVar("T")
Items: TypeAlias = Sequence[tuple[int, T]]
"""The items of a list that validated on their own, each with its index in the list."""
Problems: TypeAlias = list[tuple[Loc, str]]
Check: TypeAlias = Callable[..., Problems]


def unique(items: Items[Any], attr: str, where: Loc) -> Problems:
    seen: set[str] = set()
    problems: Problems = []
    for i, item in items:
        value = getattr(item, attr)
        if value in seen:
            problems.append(((*where, i, attr), f"duplicate id {value!r}"))
        seen.add(value)
    return problems


def inside(t: float, window: EventWindow) -> bool:
    return window.start <= t <= window.end


def span(window: EventWindow) -> str:
    return f"{units.format_offset_s(window.start)} .. {units.format_offset_s(window.end)}"


def outside_window(t: float, window: EventWindow, loc: Loc) -> Problems:
    if inside(t, window):
        return []
    return [(loc, f"must be inside the window {span(window)} (got {units.format_offset_s(t)})")]


def cited(refs: list[str], sources: list[Source], loc: Loc) -> Problems:
    known = {src.id for src in sources}
    return [
        ((*loc, i), f"unknown source {ref!r} (event.sources has: {', '.join(sorted(known))})")
        for i, ref in enumerate(refs)
        if ref not in known
    ]


def _check_sources(sources: list[Source]) -> Problems:
    return unique(list(enumerate(sources)), "id", ("event", "sources"))


def _check_markers(markers: Items[Marker], sources: list[Source], window: EventWindow) -> Problems:
    problems: Problems = []
    for i, marker in markers:
        loc: Loc = ("event", "markers", i)
        problems += outside_window(marker.at, window, (*loc, "at"))
        problems += cited(marker.sources, sources, (*loc, "sources"))
    return problems


def _check_curve_start(arrivals: ArrivalCurve, window: EventWindow) -> Problems:
    first = arrivals.points[0].at
    if first <= window.start:
        return []
    return [
        (
            ("audience", "arrivals", "points", 0, "at"),
            f"the curve must start at or before the window start ({span(window)}; "
            f"got {units.format_offset_s(first)})",
        )
    ]


def _check_speakers(speakers: list[Speaker]) -> Problems:
    problems = unique(list(enumerate(speakers)), "id", ("speakers",))
    hosts = [sp for sp in speakers if sp.role == "host"]
    if len(hosts) != 1:
        problems.append((("speakers",), f"exactly one speaker must be the host (got {len(hosts)})"))
    return problems


def _check_tiers(tiers: dict[str, Tier], failure_rules: Items[FailureRule]) -> Problems:
    problems: Problems = [
        (("platform", "tiers"), f"missing required tier {tier!r}")
        for tier in ("api", "cdn")
        if tier not in tiers
    ]
    for i, rule in failure_rules:
        loc: Loc = ("platform", "failure_rules", i)
        rule_tiers: list[tuple[Loc, str | None]] = [
            (("when", "tier"), rule.when.tier),
            (("target",), getattr(rule, "target", None)),
        ]
        for key, rule_tier in rule_tiers:
            if rule_tier is not None and rule_tier not in tiers:
                problems.append(((*loc, *key), f"no tier {rule_tier!r} in platform.tiers"))
    return problems


def _check_action_times(operator_actions: Items[OperatorAction], window: EventWindow) -> Problems:
    problems: Problems = []
    for i, action in operator_actions:
        problems += outside_window(action.at, window, ("operator_actions", i, "at"))
    return problems


def _check_action_hosts(
    operator_actions: Items[OperatorAction], speakers: list[Speaker]
) -> Problems:
    speaker_ids = {sp.id for sp in speakers}
    return [
        (("operator_actions", i, "host"), f"unknown speaker {action.host!r}")
        for i, action in operator_actions
        if isinstance(action, RestartSpace) and action.host not in speaker_ids
    ]


def _check_action_sources(
    operator_actions: Items[OperatorAction], sources: list[Source]
) -> Problems:
    problems: Problems = []
    for i, action in operator_actions:
        problems += cited(action.sources, sources, ("operator_actions", i, "sources"))
    return problems


def _check_action_tiers(
    operator_actions: Items[OperatorAction], tiers: dict[str, Tier]
) -> Problems:
    problems: Problems = []
    for i, action in operator_actions:
        tier: str | None = getattr(action, "tier", None)
        if tier is not None and tier not in tiers:
            problems.append(
                (("operator_actions", i, "tier"), f"no tier {tier!r} in platform.tiers")
            )
    return problems


def _check_attacks(attacks: Items[Flood]) -> Problems:
    problems = unique(attacks, "id", ("attacks",))
    for i, attack in attacks:
        if attack.end <= attack.start:
            problems.append(
                (
                    ("attacks", i, "end"),
                    f"must be after start {units.format_offset_s(attack.start)} "
                    f"(got {units.format_offset_s(attack.end)})",
                )
            )
    return problems


def _check_attack_tiers(attacks: Items[Flood], tiers: dict[str, Tier]) -> Problems:
    return [
        (("attacks", i, "tier"), f"no tier {attack.tier!r} in platform.tiers")
        for i, attack in attacks
        if attack.tier not in tiers
    ]


def _check_rooms(rooms: list[Room], sources: list[Source]) -> Problems:
    problems = unique(list(enumerate(rooms)), "id", ("platform", "rooms"))
    for i, room in enumerate(rooms):
        loc: Loc = ("platform", "rooms", i)
        if room.id == MAIN_ROOM:
            problems.append(
                ((*loc, "id"), f"{MAIN_ROOM!r} is the main room's id; name the overflow room")
            )
        problems += cited(room.sources, sources, (*loc, "sources"))
    return problems


def _open_room_problem(room: str, overflow: list[str], opened: dict[str, int]) -> str | None:
    names = ", ".join(overflow) or "no rooms"
    if room == MAIN_ROOM:
        return (
            "the main room is open from the start; open_room opens an overflow room "
            f"(platform.rooms: {names})"
        )
    if room not in overflow:
        return f"no room {room!r} in platform.rooms ({names})"
    if room in opened:
        return f"room {room!r} is already opened by operator_actions[{opened[room]}]"
    return None


def _check_room_actions(operator_actions: Items[OperatorAction], rooms: list[Room]) -> Problems:
    """cap_listeners caps `main` or an overflow room; open_room opens an overflow room (a
    when_full one early), once."""
    overflow = [room.id for room in rooms if room.id != MAIN_ROOM]
    opened: dict[str, int] = {}
    problems: Problems = []
    for i, action in operator_actions:
        message = None
        if isinstance(action, CapListeners) and action.room not in (MAIN_ROOM, *overflow):
            names = ", ".join(overflow) or "no rooms"
            message = f"no room {action.room!r} (main, or platform.rooms: {names})"
        elif isinstance(action, OpenRoom):
            message = _open_room_problem(action.room, overflow, opened)
            opened.setdefault(action.room, i)
        if message:
            problems.append((("operator_actions", i, "room"), message))
    return problems


def _check_restreams(
    restreams: Items[Restream], sources: list[Source], window: EventWindow
) -> Problems:
    problems = unique(restreams, "id", ("audience", "restreams"))
    for i, restream in restreams:
        loc: Loc = ("audience", "restreams", i)
        problems += outside_window(restream.opens_at, window, (*loc, "opens_at"))
        problems += cited(restream.sources, sources, (*loc, "sources"))
    return problems


def _check_on_refused(client: ClientPolicy, rooms: list[Room]) -> Problems:
    if client.on_refused != "overflow" or rooms:
        return []
    message = "overflow needs overflow rooms to send refused listeners to (platform.rooms is empty)"
    return [(("audience", "client", "on_refused"), message)]


CHECKS: tuple[Check, ...] = (
    _check_sources,
    _check_markers,
    _check_curve_start,
    _check_speakers,
    _check_tiers,
    _check_action_times,
    _check_action_hosts,
    _check_action_sources,
    _check_action_tiers,
    _check_attacks,
    _check_attack_tiers,
    _check_rooms,
    _check_room_actions,
    _check_restreams,
    _check_on_refused,
)
