"""A run's rooms as the reports show them: which rooms had a listener cap, the cap in force at an
event time, what changed when (a cap set, raised, lowered or lifted; an overflow room opened), and
how a room and a Space are named. Pure, from `RunResult.caps` and `RunResult.spaces`."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from simspace.results.model import CapStep, RunResult, SpaceRecord
from simspace.scenario.platform import MAIN_ROOM
from simspace.units import format_count


@dataclass(frozen=True)
class RoomChange:
    """Something that happened to a room at an event time; `opened`: an overflow room's first
    Space was created."""

    t: float
    room: str
    text: str
    opened: bool = False


def capped_rooms(result: RunResult) -> list[str]:
    """The rooms `result.caps` speaks of: the main room first, then in order of first step."""
    rooms = list(dict.fromkeys(step.room for step in result.caps))
    return sorted(rooms, key=lambda room: room != MAIN_ROOM)


def cap_steps(result: RunResult, room: str) -> list[CapStep]:
    """A room's cap steps in time order."""
    return sorted((s for s in result.caps if s.room == room), key=lambda s: s.t)


def cap_at(steps: Sequence[CapStep], t: float) -> float | None:
    """The cap in force at event time `t` (a step counts from its own time on); None: no cap,
    or none known yet."""
    i = bisect.bisect_right([s.t for s in steps], t) - 1
    return steps[i].listeners if i >= 0 else None


def room_name(room: str) -> str:
    """`main room`, `overflow room overflow_a`."""
    return "main room" if room == MAIN_ROOM else f"overflow room {room}"


def has_rooms(result: RunResult) -> bool:
    """Whether a Space of the run was in another room than the main one."""
    return any(space.room != MAIN_ROOM for space in result.spaces)


def space_label(space: SpaceRecord, with_room: bool) -> str:
    """`Space 2`, or with its room `Space 2 (overflow_a)`."""
    return f"Space {space.ordinal} ({space.room})" if with_room else f"Space {space.ordinal}"


def cap_text(cap: float | None) -> str:
    return "none" if cap is None else format_count(cap)


def cap_label(result: RunResult, room: str) -> str:
    """A room's cap line as a legend names it: `cap main 50k`, `cap main 50k → 200k`."""
    values: list[float | None] = []
    for step in cap_steps(result, room):
        if not values or values[-1] != step.listeners:
            values.append(step.listeners)
    return f"cap {room} " + " → ".join(cap_text(v) for v in values)


def room_changes(result: RunResult) -> list[RoomChange]:
    """Every overflow room's opening (its first Space's creation, or its going live if its
    creation is unknown) and every cap change (the cap in force at the start included), in time
    order; a room opens before its cap at the same time is told."""
    opened: dict[str, float] = {}
    for space in result.spaces:
        t = space.created_at if space.created_at is not None else space.running_at
        if space.room != MAIN_ROOM and t is not None:
            opened[space.room] = min(t, opened.get(space.room, t))
    changes = [RoomChange(t, room, f"{room_name(room)} opened", True) for room, t in opened.items()]
    for room in capped_rooms(result):
        changes += _cap_changes(room, cap_steps(result, room))
    return sorted(changes, key=lambda c: c.t)


def _cap_changes(room: str, steps: Sequence[CapStep]) -> list[RoomChange]:
    out = []
    before: float | None = None
    for step in steps:
        now = step.listeners
        if now == before:
            continue
        if now is None:
            text = "cap lifted"
        elif before is None:
            text = f"capped at {format_count(now)}"
        else:
            text = f"cap {'raised' if now > before else 'lowered'} to {format_count(now)}"
        out.append(RoomChange(step.t, room, f"{room_name(room)} {text}"))
        before = now
    return out
