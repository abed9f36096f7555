"""`simspace validate`'s summary of a scenario, rendered at a fixed width and compared as text."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from simspace.scenario.loader import load_scenario
from simspace.scenario.summary import ScenarioSummary
from tests.scenario.broken import BASE, Edit, write

ROOMS = (
    Edit(24, "patience: 50m", "patience: 50m\n    on_refused: overflow"),
    Edit(
        25,
        "backoff_base: 1s}",
        "backoff_base: 1s}\n  restreams:\n"
        "    - {id: youtube, opens_at: +40m, share: 20%}\n"
        "    - {id: rumble, opens_at: +1h, share: 5%}",
    ),
    Edit(
        31,
        "queue_limit: 6M}",
        "queue_limit: 6M}\n  listener_cap: 1M\n  rooms:\n"
        "    - {id: spill, cap_listeners: 500k}\n"
        "    - {id: annex, opens: by_action}\n"
        "    - {id: hall, opens: by_action}",
    ),
    Edit(
        35,
        "sources: [ap]}",
        "sources: [ap]}\n"
        "  - {action: cap_listeners, at: +30m, listeners: 800k}\n"
        "  - {action: cap_listeners, at: +45m, listeners: 250k, room: spill}\n"
        "  - {action: open_room, at: +50m, room: annex}\n"
        "  - {action: open_room, at: +55m, room: spill}",
    ),
)


def rendered(path: Path) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=84, color_system=None).print(ScenarioSummary(load_scenario(path)))
    return [line.rstrip() for line in out.getvalue().splitlines()]


def test_summary_of_the_minimal_scenario() -> None:
    assert rendered(BASE) == [
        f"ok {BASE}",
        "event       Mini event (mini), scheduled 2024-08-12 20:00 America/New_York",
        "window      -30m .. +2h",
        "audience    cumulative curve, 3 points, up to 1.3M at +2h",
        "speakers    Host (host)",
        "platform    api 60k req/s, cdn 3M req/s; 1 failure rule(s)",
        "timeline    1 operator action(s), 0 attack(s)",
        "caps        main uncapped from the start",
        "rooms       no overflow rooms",
        "restreams   none",
        "on_refused  retry: a listener refused by a full room joins again at every metadata",
        "            poll",
        "facts       2 scored, 0 claim(s)",
        "variants    ddos",
        "gates       expect reproduce, 1 check(s)",
    ]


def test_summary_shows_caps_rooms_restreams_and_the_clients_choice(tmp_path: Path) -> None:
    assert rendered(write(tmp_path, ROOMS))[6:16] == [
        "timeline    5 operator action(s), 0 attack(s)",
        "caps        main capped at 1M from the start; +30m main capped at 800k; +45m spill",
        "            capped at 250k",
        "rooms       spill (capped at 500k, opens when main is full, or at +55m by",
        "            open_room), annex (uncapped, opened at +50m by open_room), hall",
        "            (uncapped, no open_room opens it)",
        "restreams   youtube from +40m (20% of the listeners refused, ended or booted),",
        "            rumble from +1h (5% of the listeners refused, ended or booted)",
        "on_refused  overflow: a listener refused by a full room joins an open overflow room,",
        "            else retries",
    ]
