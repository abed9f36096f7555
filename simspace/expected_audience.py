"""The audience a plan expects: the scenario's serving rules as the operators planned them (when
the Space is live, the rooms' caps, what a refused client does), the audience served, waiting and
refused over the run (`audience_math.served_audience`), and what sets its peak, in words."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from simspace.audience_math import (
    CumulativeArrivals,
    OverflowRoom,
    ServedPoint,
    ServingRules,
    expected_present,
    served_audience,
    step_value,
)
from simspace.scenario.model import Scenario
from simspace.scenario.platform import (
    MAIN_ROOM,
    CapListeners,
    EndSpace,
    OpenRoom,
    OperatorAction,
    RestartSpace,
    Room,
)
from simspace.units import format_approx_count, format_duration_s, format_offset_s


def serving_rules(scenario: Scenario, t_begin: float) -> ServingRules:
    """The scenario's serving rules as the operators planned them: the host starts the Space
    at their `joins_at` (a relaunch's host likewise, from the relaunch), `end_space` and
    `restart_space` end it, caps change at `cap_listeners`, overflow rooms take refused clients
    when they look for one (`on_refused: overflow`). Overload and failure rules are not here."""
    client = scenario.audience.client
    actions = sorted(scenario.operator_actions, key=lambda a: a.at)
    live: list[tuple[float, float]] = []
    ends: list[float] = []
    live_from: float | None = max(t_begin, scenario.host.joins_at)
    for action in actions:
        if isinstance(action, EndSpace | RestartSpace):
            if live_from is not None:  # a Space not over yet (live or still to start) ends
                ends.append(action.at)
                if live_from < action.at:
                    live.append((live_from, action.at))
            live_from = None
        if isinstance(action, RestartSpace):
            live_from = max(action.at, scenario.speaker(action.host).joins_at)
    if live_from is not None:
        live.append((live_from, math.inf))
    caps = [a for a in actions if isinstance(a, CapListeners)]
    overflow = tuple(_overflow_room(room, actions) for room in scenario.platform.rooms)
    return ServingRules(
        live=tuple(live),
        ends=tuple(ends),
        main_caps=(
            (-math.inf, scenario.platform.listener_cap),
            *((a.at, a.listeners) for a in caps if a.room == MAIN_ROOM),
        ),
        overflow=overflow if client.on_refused == "overflow" else (),
        patience_s=client.patience,
        give_up_when_refused=client.on_refused == "give_up",
        rejoin_share=client.rejoin.probability if client.rejoin.max_times > 0 else 0.0,
        rejoin_delay_s=client.rejoin.delay,
    )


def _overflow_room(room: Room, actions: list[OperatorAction]) -> OverflowRoom:
    caps = [
        (a.at, a.listeners) for a in actions if isinstance(a, CapListeners) and a.room == room.id
    ]
    opened = (a.at for a in actions if isinstance(a, OpenRoom) and a.room == room.id)
    opens_at = None if room.opens == "when_full" else next(opened, math.inf)
    return OverflowRoom(room.id, ((-math.inf, room.cap_listeners), *caps), opens_at)


@dataclass(frozen=True)
class ExpectedAudience:
    """The expected audience over the run: served, waiting and refused (`served_audience`)."""

    points: list[ServedPoint]
    rules: ServingRules
    t_begin: float
    uncapped_peak: tuple[float, float]  # (t, people) listening as they arrive, live throughout
    arrived: CumulativeArrivals
    modelled: bool = True  # False: a real target, served as it arrives

    @property
    def peak(self) -> ServedPoint:
        return max(self.points, key=lambda p: p.served)

    def busiest(self, rate_of: Callable[[ServedPoint], float]) -> ServedPoint:
        """The point whose audience sends the most requests (`rate_of` says how many)."""
        return max(self.points, key=rate_of)

    def basis(self) -> str:
        """What sets the expected peak (a cap, or the crowd that waited for the Space to go
        live), and the audience's own peak beside it."""
        peak, (uncapped_t, uncapped) = self.peak, self.uncapped_peak
        if not self.modelled:
            return "a real target: the audience as it arrives (its own start and caps unknown)"
        held = _rooms_basis(peak, self.rules) if peak.served > 0 else ""
        live_from = min((start for start, _ in self.rules.live), default=None)
        if not held and live_from is not None and live_from > self.t_begin:
            held = self._waited(live_from)
        if not held and abs(peak.served - uncapped) <= 0.01 * max(uncapped, 1.0):
            return "the audience as it arrives: no cap reached, the Space live from the start"
        return (
            f"{held}; uncapped and live from the start, the audience would peak at "
            f"{format_approx_count(uncapped)} at {format_offset_s(uncapped_t)}"
        ).lstrip("; ")

    def _waited(self, live_from: float) -> str:
        """Those who waited for the Space to go live, starting together."""
        before = [p for p in self.points if p.t <= live_from]
        waiting = before[-1].waiting if before else 0.0
        words = (
            f"the Space goes live at {format_offset_s(live_from)}, when its host starts it: "
            f"~{format_approx_count(waiting)} waiting start listening together"
        )
        gave_up = self.arrived.at(live_from) - self.arrived.at(self.t_begin) - waiting
        if gave_up > 0.01 * waiting and math.isfinite(self.rules.patience_s):
            words += (
                f" (~{format_approx_count(gave_up)} gave up before, after "
                f"{format_duration_s(self.rules.patience_s)})"
            )
        return words


def _rooms_basis(peak: ServedPoint, rules: ServingRules) -> str:
    """Which rooms' caps hold the peak: "capped at 50k by the main room's cap + 2k in overflow
    room a" ("" when no cap holds it)."""
    caps = {MAIN_ROOM: rules.main_caps} | {room.id: room.caps for room in rules.overflow}
    words, capped = [], False
    for room, people in peak.rooms.items():
        cap = step_value(caps[room], peak.t)
        full = cap is not None and people >= 0.98 * cap
        capped = capped or full
        if room == MAIN_ROOM:
            words.append(
                f"capped at {format_approx_count(cap)} by the main room's cap"
                if full and cap is not None
                else f"{format_approx_count(people)} in the main room"
            )
        elif people > 0:
            words.append(
                f"+ {format_approx_count(people)} in overflow room {room}"
                + (" (full)" if full else "")
            )
    return " ".join(words) if capped or len(words) > 1 else ""


def expected_audience(
    scenario: Scenario,
    arrived: CumulativeArrivals,
    t_begin: float,
    t_end: float,
    step_s: float,
    *,
    modelled: bool = True,
) -> ExpectedAudience:
    """The audience served (and waiting, and refused) from `t_begin` to `t_end`, on a grid of
    `step_s`, with the audience's own peak beside it (no cap, the Space live throughout).

    `modelled`: the modelled platform serves it, as the scenario plans; else a real target,
    whose own start and caps are not known (and its hosts not driven): the audience as it
    arrives."""
    listening = scenario.audience.listening_time
    rules = serving_rules(scenario, t_begin) if modelled else ServingRules()
    points = served_audience(arrived, listening, rules, t_begin, t_end, step_s)
    uncapped = max(
        expected_present(arrived, listening, t_begin, t_end, step_s),
        key=lambda point: point[1],
        default=(t_begin, 0.0),
    )
    return ExpectedAudience(points, rules, t_begin, uncapped, arrived, modelled)
