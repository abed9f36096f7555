"""Failure rules acting on the platform: a Space crashes, listeners are booted, a tier degrades."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simspace.platform.schedule import RuleWatch
from simspace.platform.space import SpaceState
from simspace.scenario.platform import BootListeners, CrashSpace, DegradeTier

if TYPE_CHECKING:
    from simspace.platform.model import PlatformModel

__all__ = ["fire_rule"]


def fire_rule(model: PlatformModel, watch: RuleWatch, t: float) -> None:
    """A failure rule whose overload was sustained long enough acts on the platform."""
    rule, since_t = watch.rule, watch.since_t
    tier = rule.when.tier
    if isinstance(rule, CrashSpace):
        watch.rearm()
        space = model.current
        if space.state.is_over:
            return
        model.ledger.failure("crash", rule.id, tier, t, space.listeners, count=1)
        model.ledger.event(
            t, "crash", rule=rule.id, space=space.index, space_id=space.space_id,
            state=rule.state, sessions_dropped=space.sessions,
            listeners_dropped=space.listeners, overload_since=since_t,
        )  # fmt: skip
        model.end_space(space, t, f"crash:{rule.id}", SpaceState(rule.state))
    elif isinstance(rule, BootListeners):
        space = model.current
        booted = model.sessions.boot(space.index, rule.fraction)
        if not booted:
            return
        weight = model.drop_sessions(booted)
        model.ledger.failure("boot", rule.id, tier, t, weight, count=len(booted))
        model.ledger.event(
            t, "boot", rule=rule.id, space=space.index, sessions=len(booted),
            listeners=weight, overload_since=since_t,
        )  # fmt: skip
    elif isinstance(rule, DegradeTier):
        target = model.tiers[rule.target]
        before = target.capacity_rps
        target.set_capacity(before * rule.capacity_factor)
        model.ledger.failure("degrade", rule.id, rule.target, t, 0.0, count=1)
        model.ledger.event(
            t, "degrade", rule=rule.id, tier=rule.target, capacity_before=before,
            capacity_after=target.capacity_rps, overload_since=since_t,
        )  # fmt: skip
