"""What happened in a run and why, in a few plain sentences from its ground truth: the hypothesis
played, which tier saturated when and how badly, what the clients did, the Spaces, and which
operator action (or attack ending) turned the course — and whether that was reported or fitted.

Pure: a scenario and a result in, `WhyLine`s out; the console and the HTML report render them.
"""

from __future__ import annotations

from dataclasses import dataclass

from simspace.report.rooms import has_rooms, space_label
from simspace.report.saturation import Saturation, peak_utilisations, saturations
from simspace.results.model import RunResult, SpaceRecord
from simspace.scenario.base import Loc
from simspace.scenario.hypotheses import Fittable, fitted_parts
from simspace.scenario.model import Scenario
from simspace.scenario.platform import (
    ActionBase,
    CapListeners,
    EndSpace,
    Flood,
    RateLimit,
    RestartSpace,
    SetCapacity,
    Tier,
)
from simspace.units import (
    format_approx_count,
    format_clock_time,
    format_duration_s,
    format_offset_s,
    offset_to_clock_time,
)
from simspace.wire.observations import ATTACK_TIER

FINDINGS_PATH = "docs/findings.md"
HORIZON_S = 15 * 60.0
"""An operator action or attack ending counts as what turned the course only this shortly
before the change (event seconds); an older one is not credited."""
FIELD_WORDS = {"at": "time", "start": "start", "end": "end"}


@dataclass(frozen=True)
class WhyLine:
    """One bullet: a topic (`overload`, `clients`...) and its sentence, plain text."""

    topic: str
    text: str


@dataclass(frozen=True)
class Cause:
    """Something the scenario makes happen at a time that may turn the course of a run."""

    t: float
    kind: str
    """`set_capacity`, `attack flood end`"""
    text: str
    """`set_capacity on api to 200k req/s`"""
    provenance: str
    """`reported (AP, The Verge)`, `a fitted hypothesis (not reported)`..."""


class _Clock:
    """Event times read both ways: `+40m16s (20:40:16)`."""

    def __init__(self, scenario: Scenario) -> None:
        self.event = scenario.event

    def when(self, t: float) -> str:
        e = self.event
        clock = offset_to_clock_time(t, e.date, e.scheduled_start, e.time_zone)
        return f"{format_offset_s(round(t))} ({format_clock_time(clock)})"


def why_lines(scenario: Scenario, result: RunResult) -> list[WhyLine]:
    """3 to 6 bullets, most important first; every number from the result or the scenario."""
    clock = _Clock(scenario)
    found = saturations(result)
    lines = [WhyLine("hypothesis", hypothesis_text(scenario, result.variant))]
    lines.append(WhyLine("load", load_text(result, found, clock)))
    if result.metrics.arrived > 0:
        lines.append(WhyLine("clients", clients_text(scenario, result, clock)))
    if result.observer.platform_observed:
        lines.append(WhyLine("Spaces", spaces_text(scenario, result, clock)))
        if turn := turning_text(scenario, result, found, clock):
            lines.append(WhyLine("turning point", turn))
    lines.append(
        WhyLine(
            "more",
            f"what the facts can and cannot decide between hypotheses: {FINDINGS_PATH}",
        )
    )
    return lines


# -- the hypothesis ------------------------------------------------------------------------


def hypothesis_text(scenario: Scenario, variant: str | None) -> str:
    """The variant's own description (never a bare `base`), and what in it was fitted."""
    if variant is None:
        head = f"the base scenario (no variant): {_assumes(scenario)}"
    elif variant in scenario.variants:
        head = f"{variant}: {scenario.variants[variant].description}"
    else:
        head = f"{variant} (a variant the scenario no longer describes)"
    fitted = [
        f"{_part_name(loc, part)} ({_fields(sorted(part.range or {}))})"
        for loc, part in fitted_parts(scenario)
    ]
    if not fitted:
        return f"{head}; nothing in it is marked as fitted"
    return f"{head}; fitted to the facts: {', '.join(fitted)}"


def _assumes(scenario: Scenario) -> str:
    attacks = [
        f"attack {a.id} of {format_approx_count(a.rate_rps)} req/s on {a.tier} from "
        f"{format_offset_s(a.start)} to {format_offset_s(a.end)}"
        for a in scenario.attacks
    ]
    actions = [f"{action_text(a)} at {format_offset_s(a.at)}" for a in scenario.operator_actions]
    return "; ".join(
        [
            ", ".join(attacks) or "no attack",
            ("operators: " + ", ".join(actions)) if actions else "no operator action",
        ]
    )


def _part_name(loc: Loc, part: Fittable) -> str:
    if isinstance(part, Tier):
        return f"{loc[-1]} tier"
    if isinstance(part, ActionBase):
        return f"{action_kind(part)} at {format_offset_s(part.at)}"
    if isinstance(part, Flood):
        return f"attack {part.id}"
    return type(part).__name__


def _fields(names: list[str]) -> str:
    return ", ".join(FIELD_WORDS.get(name, name) for name in names)


def action_kind(action: ActionBase) -> str:
    return str(getattr(action, "action", type(action).__name__))


def action_text(action: ActionBase) -> str:
    """`set_capacity on api to 200k req/s`, `cap_listeners at 1M`, `end_space`."""
    if isinstance(action, SetCapacity):
        return f"set_capacity on {action.tier} to {format_approx_count(action.capacity_rps)} req/s"
    if isinstance(action, RateLimit):
        return f"rate_limit on {action.tier} to {format_approx_count(action.rate_rps)} req/s"
    if isinstance(action, CapListeners):
        return f"cap_listeners at {format_approx_count(action.listeners)}"
    if isinstance(action, RestartSpace):
        return f"restart_space on {action.host}"
    if isinstance(action, EndSpace):
        return "end_space"
    return action_kind(action)


def provenance(part: Fittable, outlets: dict[str, str]) -> str:
    """Reported (with its outlets), a fitted hypothesis, or an unsourced assumption."""
    sources: list[str] = list(getattr(part, "sources", []))
    fitted = sorted(part.range or {}) if part.fitted else []
    if sources:
        named = ", ".join(dict.fromkeys(outlets.get(s, s) for s in sources))
        return f"reported ({named})" + (f", its {_fields(fitted)} fitted" if fitted else "")
    if part.fitted:
        return "a fitted hypothesis (not reported)"
    return "an unsourced assumption"


# -- the load ------------------------------------------------------------------------------


def load_text(result: RunResult, found: list[Saturation], clock: _Clock) -> str:
    """Which tier saturated when and how badly; or how close each came to its capacity."""
    if not result.observer.platform_observed or not result.tiers:
        reason = result.observer.unobserved_reason or "no tier was recorded"
        return f"the platform's side was not observed: {reason}"
    if not found:
        peaks = ", ".join(
            f"{tier} at {peak:.0%}" for tier, peak in peak_utilisations(result).items()
        )
        return f"no tier went over its capacity (peaks: {peaks})"
    return "; ".join(saturation_text(s, clock) for s in found[:2])


def saturation_text(s: Saturation, clock: _Clock) -> str:
    """`api overloaded from -1m2s (19:58:58) to +40m2s (20:40:02), 41m4s: load up to 22.6x
    its capacity, backlog up to 1.2M requests; in that spell it rejected 338M requests (overload
    292M, ...) and 25.6M requests timed out`: the platform's count within the spell, not the
    listeners' failures over the whole run (the clients line, the summary's error rows)."""
    until = (
        f"to {clock.when(s.end_s)}, {format_duration_s(round(s.duration_s))}"
        if s.ended
        else f"to the end of the run ({clock.when(s.end_s)})"
    )
    text = (
        f"{s.tier} overloaded from {clock.when(s.start_s)} {until}: load up to "
        f"{s.peak_utilisation:.1f}x its capacity, backlog up to "
        f"{format_approx_count(s.peak_backlog)} requests"
    )
    rejected = sum(weight for _, weight in s.rejected)
    if rejected:
        reasons = ", ".join(f"{r} {format_approx_count(w)}" for r, w in s.rejected)
        text += f"; in that spell it rejected {format_approx_count(rejected)} requests ({reasons})"
    if s.timed_out:
        joint = " and" if rejected else "; in that spell"
        text += f"{joint} {format_approx_count(s.timed_out)} requests timed out"
    if s.spells > 1:
        others = s.spells - 1
        text += f" (and {others} shorter spell{'s' if others > 1 else ''} of overload)"
    return text


# -- the clients ---------------------------------------------------------------------------


def clients_text(scenario: Scenario, result: RunResult, clock: _Clock) -> str:
    """Arrivals, the waiting room at its fullest, failures and retries, give-ups, audio."""
    m, client = result.metrics, scenario.audience.client
    parts = [f"{format_approx_count(m.arrived)} listeners arrived"]
    waiting = result.listeners.waiting
    if waiting and max(waiting) > 0:
        peak = max(waiting)
        at = result.listeners.t[waiting.index(peak)]
        parts.append(
            f"up to {format_approx_count(peak)} waited at once, at {clock.when(at)}, the app "
            f"polling every {format_duration_s(client.metadata_poll_interval)}"
        )
    failed = sum(r.failed for r in result.requests if r.tier != ATTACK_TIER)  # as error_ratio
    if failed > 0:
        share = f" ({m.error_ratio:.1%} of all they sent)" if m.error_ratio is not None else ""
        parts.append(
            f"{format_approx_count(failed)} of their requests failed{share}, each tried up to "
            f"{client.retries.attempts} times"
        )
    parts.append(_gave_up_text(result, client.patience))
    if m.booted > 0:
        parts.append(f"{format_approx_count(m.booted)} were booted")
    heard = f"{format_approx_count(m.unique_listeners)} heard audio"
    if m.join_success_ratio is not None:
        heard += f" ({m.join_success_ratio:.1%})"
    parts.append(heard)
    return "; ".join(parts)


def _gave_up_text(result: RunResult, patience_s: float) -> str:
    m = result.metrics
    text = f"{format_approx_count(m.gave_up)} gave up after {format_duration_s(patience_s)}"
    if m.gave_up_ratio is not None:
        text += f" ({m.gave_up_ratio:.1%})"
    live = _first_live(result)
    early = [c for c in result.cohorts if live is not None and c.t < live]
    arrived = sum(c.arrived for c in early)
    if arrived > 0 and m.gave_up > 0:
        gave_up = sum(c.gave_up for c in early)
        text += (
            f", {format_approx_count(gave_up)} of them among the {format_approx_count(arrived)} "
            "who arrived before a Space was live"
        )
    return text


def _first_live(result: RunResult) -> float | None:
    return min((s.running_at for s in result.spaces if s.running_at is not None), default=None)


# -- the Spaces ----------------------------------------------------------------------------


def _space_name(space: SpaceRecord, result: RunResult) -> str:
    if len(result.spaces) == 1:
        return "the Space"
    return space_label(space, with_room=has_rooms(result))


def spaces_text(scenario: Scenario, result: RunResult, clock: _Clock) -> str:
    """When each Space went live and ended, and how many listened at its peak."""
    if not result.spaces:
        return "no Space was created"
    accounts = {s.id: f"@{s.account}" for s in scenario.speakers}
    texts = []
    for space in result.spaces:
        name = f"{_space_name(space, result)} (on {accounts.get(space.host, space.host)})"
        if space.running_at is None:
            texts.append(f"{name} never went live")
            continue
        text = f"{name} went live at {clock.when(space.running_at)}"
        if space.ended_at is not None:
            state = "" if space.end_state in (None, "Ended") else f" ({space.end_state})"
            text += f", ended{state} at {clock.when(space.ended_at)}"
        text += f", {format_approx_count(space.peak_listeners)} listeners at its peak"
        if space.peak_listeners_at is not None:
            text += f" at {clock.when(space.peak_listeners_at)}"
        texts.append(text)
    return "; ".join(texts)


# -- the turning point ---------------------------------------------------------------------


def causes(scenario: Scenario) -> list[Cause]:
    """Every operator action, and every attack's end, with where it comes from."""
    outlets = {s.id: s.outlet for s in scenario.event.sources}
    found = [
        Cause(a.at, action_kind(a), action_text(a), provenance(a, outlets))
        for a in scenario.operator_actions
    ]
    found += [
        Cause(
            a.end,
            f"the end of attack {a.id}",
            f"the end of attack {a.id} ({format_approx_count(a.rate_rps)} req/s on {a.tier})",
            provenance(a, outlets),
        )
        for a in scenario.attacks
    ]
    return found


def _changes(result: RunResult, found: list[Saturation], clock: _Clock) -> list[tuple[float, str]]:
    """Turns for the better, in the order they are looked at: a Space going live after trouble
    (overload before it, or a relaunch), then a tier's load falling back below capacity."""
    trouble = min((s.start_s for s in found), default=None)
    live = [
        (s.running_at, f"{_space_name(s, result)} went live at {clock.when(s.running_at)}")
        for s in result.spaces
        if s.running_at is not None
        and (s.ordinal > 1 or (trouble is not None and trouble < s.running_at))
    ]
    eased = [
        (s.end_s, f"the {s.tier} load fell back below its capacity at {clock.when(s.end_s)}")
        for s in found
        if s.ended
    ]
    return sorted(live) + sorted(eased)


def _latest(candidates: list[Cause], t: float) -> list[Cause]:
    """The causes at the latest time within `HORIZON_S` before t (several may share it)."""
    before = [c for c in candidates if t - HORIZON_S <= c.t <= t]
    if not before:
        return []
    latest = max(c.t for c in before)
    return [c for c in before if c.t == latest]


def turning_text(
    scenario: Scenario, result: RunResult, found: list[Saturation], clock: _Clock
) -> str | None:
    """Which action (or attack ending) came just before the run turned, and whether it is
    reported, fitted or assumed; or that nothing did; None when there was no trouble."""
    changes = _changes(result, found, clock)
    candidates = [c for c in causes(scenario) if c.kind != "end_space"]
    for t, change in changes:
        group = _latest(candidates, t)
        if group:
            return f"{change}, {_after(t - group[0].t)} {_group_text(group, clock)}"
    if changes:
        horizon = format_duration_s(HORIZON_S)
        return f"{changes[0][1]}, with no operator action or attack ending in the {horizon} before"
    if found and not any(s.running_at is not None for s in result.spaces):
        stuck = [s.tier for s in found if not s.ended]
        still = f"; {', '.join(stuck)} still overloaded at the end" if stuck else ""
        return f"nothing turned the course: no Space went live{still}"
    return None


def _after(gap_s: float) -> str:
    return "right after" if gap_s < 0.5 else f"{format_duration_s(round(gap_s))} after"


def _group_text(group: list[Cause], clock: _Clock) -> str:
    """`set_capacity on api to 200k req/s at +40m (20:40): a fitted hypothesis (not
    reported)`; several at once: each kind with its own provenance."""
    what = " and ".join(c.text for c in group)
    if len(group) == 1:
        return f"{what} at {clock.when(group[0].t)}: {group[0].provenance}"
    each = "; ".join(f"{c.kind} {c.provenance}" for c in group)
    return f"{what} at {clock.when(group[0].t)}: {each}"
