"""Prometheus text exposition of the stub platform's live state (read by `GET /_sim/metrics`)."""

from __future__ import annotations

from simspace.platform import REASONS, PlatformModel, SpaceState

__all__ = ["CONTENT_TYPE", "render_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4"

_COUNTERS = (
    ("requests", "simspace_tier_requests_total", "HTTP requests received"),
    ("offered", "simspace_tier_offered_weight_total", "event requests offered"),
    ("admitted", "simspace_tier_admitted_weight_total", "event requests admitted to the queue"),
    ("served", "simspace_tier_served_weight_total", "event requests answered within the timeout"),
    ("timeouts", "simspace_tier_timeout_weight_total", "event requests that timed out"),
    ("attack_offered", "simspace_tier_attack_offered_weight_total", "attack load offered"),
    ("attack_rejected", "simspace_tier_attack_rejected_weight_total", "attack load rejected"),
)


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return repr(float(value))


def render_metrics(model: PlatformModel) -> str:
    """Counters and gauges per tier and per Space, in event units."""
    t = model.sync()
    lines = [
        "# HELP simspace_event_time_seconds Event time (seconds from the scheduled start).",
        "# TYPE simspace_event_time_seconds gauge",
        f"simspace_event_time_seconds {_number(t)}",
        "# HELP simspace_sessions Listener sessions held.",
        "# TYPE simspace_sessions gauge",
        f"simspace_sessions {len(model.sessions)}",
    ]
    totals = {tier: model.timeline.totals(tier) for tier in model.tiers}
    for key, name, help_text in _COUNTERS:
        lines += [f"# HELP {name} Per tier: {help_text}.", f"# TYPE {name} counter"]
        lines += [f'{name}{{tier="{tier}"}} {_number(totals[tier][key])}' for tier in model.tiers]
    name = "simspace_tier_rejected_weight_total"
    lines += [
        f"# HELP {name} Per tier and reason: event requests refused.",
        f"# TYPE {name} counter",
    ]
    for tier in model.tiers:
        lines += [
            f'{name}{{tier="{tier}",reason="{reason}"}} {_number(totals[tier][reason])}'
            for reason in REASONS
        ]
    gauges = (
        ("simspace_tier_utilisation", "offered load / capacity"),
        ("simspace_tier_backlog", "event requests queued"),
        ("simspace_tier_capacity_rps", "capacity in event requests per event-second"),
    )
    values = {
        tier_name: (tier.utilisation(t), tier.backlog, tier.capacity_rps)
        for tier_name, tier in model.tiers.items()
    }
    for i, (name, help_text) in enumerate(gauges):
        lines += [f"# HELP {name} Per tier: {help_text}.", f"# TYPE {name} gauge"]
        lines += [
            f'{name}{{tier="{tier_name}"}} {_number(row[i])}' for tier_name, row in values.items()
        ]
    lines += [
        "# HELP simspace_space_listeners Concurrent listeners per Space, event units.",
        "# TYPE simspace_space_listeners gauge",
    ]
    for space in model.spaces:
        labels = f'space="{space.index}",space_id="{_label(space.space_id)}"'
        lines.append(f"simspace_space_listeners{{{labels}}} {_number(space.listeners)}")
    lines += [
        "# HELP simspace_space_state 1 for the state each Space is in.",
        "# TYPE simspace_space_state gauge",
    ]
    for space in model.spaces:
        for state in SpaceState:
            labels = f'space="{space.index}",space_id="{_label(space.space_id)}",state="{state}"'
            lines.append(f"simspace_space_state{{{labels}}} {int(space.state is state)}")
    return "\n".join(lines) + "\n"
