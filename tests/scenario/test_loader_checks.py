"""The cross-field checks, table-driven like test_loader_errors: broken copies of
data/minimal.yaml and the exact `file:line:col: path: message` lines the loader reports, every
problem in one pass, including those among the valid items of a list with a broken item."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from simspace.scenario import checks, fact_checks
from simspace.scenario.fact_checks import shown_texts
from simspace.scenario.loader import load_scenario
from simspace.scenario.model import PARTS, valid_sections
from simspace.scenario.platform import ErrorTexts
from simspace.scenario.variants import Variant
from tests.scenario.broken import Broken, Edit, reported, validate_cli, write

FACT = "sources: [ap]\n  - "  # appends a fact after the last one (line 48)
ROOMS = (
    "queue_limit: 6M}\n  rooms:\n    - {id: spill, cap_listeners: 500k}\n"
    "    - {id: annex, opens: by_action}"
)  # after line 31
TEXTS = "'Details not available', 'This Space is not available', 'Could not fetch Space'"

CASES = (
    Broken(
        "lognormal-p90-below-the-median",
        (Edit(22, "2h30m", "45m"),),
        ("22:10: audience.listening_time.p90: must be above the median 1h (got 45m)",),
    ),
    Broken(
        "lognormal-p90-equal-to-the-median",
        (Edit(22, "2h30m", "1h"),),
        ("22:10: audience.listening_time.p90: must be above the median 1h (got 1h)",),
    ),
    Broken(
        "space-ended-after-the-window",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: ended, metric: space_ended_at, statement: x, reported: +3h, "
                "sources: [ap]}",
            ),
        ),
        ("49:65: facts[2].reported: must be inside the window -30m .. +2h (got +3h)",),
    ),
    Broken(
        "relaunch-range-before-the-window",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: back, metric: relaunched_at, space: 2, statement: x, "
                "reported: [-2h, -1h], sources: [ap]}",
            ),
        ),
        ("49:73: facts[2].reported: must reach into the window -30m .. +2h (got -2h .. -1h)",),
    ),
    Broken(
        "relaunch-open-range-after-the-window",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: back, metric: relaunched_at, space: 2, statement: x, "
                "reported: {min: +2h30m}, sources: [ap]}",
            ),
        ),
        ("49:73: facts[2].reported: must reach into the window -30m .. +2h (got at least +2h30m)",),
    ),
    Broken(
        "start-delay-longer-than-the-window",
        (Edit(40, "[41m, 42m]", "[2h10m, 2h20m]"),),
        (
            "40:15: facts[0].reported: a delay this long goes past the window: the Space would "
            "go live after its end +2h (got 2h10m .. 2h20m)",
        ),
    ),
    Broken(
        "gate-window-outside-the-window",
        (Edit(58, "value: 5s}", "value: 5s, window: {start: +1h, end: +3h}}"),),
        ("58:65: gates.checks[0].window: must be inside the window -30m .. +2h (got +1h .. +3h)",),
    ),
    Broken(
        "marker-outside-the-window-and-citing-an-unknown-source",
        (
            Edit(
                10,
                "{id: ap, outlet: AP}",
                "{id: ap, outlet: AP}\n  markers:\n    - {at: +5h, label: later, sources: [ap]}\n"
                "    - {at: +1h, label: on time, sources: [apx]}",
            ),
        ),
        (
            "12:12: event.markers[0].at: must be inside the window -30m .. +2h (got +5h)",
            "13:43: event.markers[1].sources[0]: unknown source 'apx' (event.sources has: ap)",
        ),
    ),
    Broken(
        "error-text-the-platform-never-shows",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: seen, metric: error_message_seen, statement: x, "
                'message: "Details not availble", sources: [ap]}',
            ),
        ),
        (
            "49:67: facts[2].message: no platform error text reads 'Details not availble' "
            f"(the platform can show: {TEXTS})",
        ),
    ),
    Broken(
        "gate-message-the-platform-never-shows",
        (
            Edit(
                58,
                "value: 5s}",
                'value: 5s}\n    - {id: errs, metric: error_ratio, op: "<", value: 1%, '
                'message: "Oops"}',
            ),
        ),
        (
            "59:68: gates.checks[1].message: no platform error text reads 'Oops' "
            f"(the platform can show: {TEXTS})",
        ),
    ),
    Broken(
        "variant-rewords-a-text-a-fact-cites",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: seen, metric: error_message_seen, statement: x, "
                'message: "Details not available", sources: [ap]}',
            ),
            Edit(
                53,
                "      attacks:",
                '      platform: {errors: {overload: "Rate limit exceeded"}}\n      attacks:',
            ),
        ),
        (
            "51:3: variants.ddos: with this variant applied, facts[2].message: no platform error "
            "text reads 'Details not available' (the platform can show: 'Rate limit exceeded', "
            "'This Space is not available', 'Could not fetch Space')",
        ),
        notes="under this hypothesis the platform cannot show what the fact reports",
    ),
    Broken(
        "count-tolerance-in-words",
        (Edit(47, "10%", "10 percent"),),
        (
            "47:16: facts[1].tolerance: expected a count like 50k or a share like 10% "
            "(got '10 percent')",
        ),
    ),
    Broken(
        "valid-items-beside-a-broken-one-are-checked",
        (
            Edit(
                35,
                "rate_rps: 50k, sources: [ap]}",
                "rate_rps: 50k, sources: [ap]}\n  - {action: set_capacity, at: +1h, tier: api}\n"
                "  - {action: end_space, at: +4h}",
            ),
            Edit(40, "[41m, 42m]", "soon"),
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: late, metric: waiting_listeners_at, at: +5h, statement: x, "
                "reported: 1k, sources: [ap]}\n"
                "  - {id: late, metric: peak_listeners, statement: y, reported: 1k, "
                "sources: [nope]}",
            ),
            Edit(
                58,
                "value: 5s}",
                "value: 5s, window: {start: +1h, end: +3h}}\n"
                '    - {id: ttfa, metric: ttfa_p95, op: "<=", value: quick}',
            ),
        ),
        (
            "36:5: operator_actions[1].capacity_rps: missing required key 'capacity_rps'",
            "37:29: operator_actions[2].at: must be inside the window -30m .. +2h (got +4h)",
            "42:15: facts[0].reported: expected a duration like 90s, 40m or 2h15m (got 'soon')",
            "51:50: facts[2].at: must be inside the window -30m .. +2h (got +5h)",
            "52:10: facts[3].id: duplicate id 'late'",
            "52:78: facts[3].sources[0]: unknown source 'nope' (event.sources has: ap)",
            "62:65: gates.checks[0].window: must be inside the window -30m .. +2h (got +1h .. +3h)",
            "63:53: gates.checks[1].value: expected a duration like 90s, 40m or 2h15m "
            "(got 'quick')",
        ),
        notes="the broken range is one line, not one for its min and one for its max",
    ),
    Broken(
        "room-ids",
        (
            Edit(
                31,
                "queue_limit: 6M}",
                "queue_limit: 6M}\n  rooms:\n    - {id: main}\n    - {id: spill}\n"
                "    - {id: spill, sources: [apx]}",
            ),
        ),
        (
            "33:12: platform.rooms[0].id: 'main' is the main room's id; name the overflow room",
            "35:12: platform.rooms[2].id: duplicate id 'spill'",
            "35:29: platform.rooms[2].sources[0]: unknown source 'apx' (event.sources has: ap)",
        ),
    ),
    Broken(
        "room-actions",
        (
            Edit(31, "queue_limit: 6M}", ROOMS),
            Edit(
                35,
                "sources: [ap]}",
                "sources: [ap]}\n"
                "  - {action: cap_listeners, at: +10m, listeners: 1M}\n"
                "  - {action: cap_listeners, at: +10m, listeners: 1M, room: spil}\n"
                "  - {action: open_room, at: +20m, room: spill}\n"
                "  - {action: open_room, at: +25m, room: main}\n"
                "  - {action: open_room, at: +30m, room: hall}\n"
                "  - {action: open_room, at: +40m, room: annex}\n"
                "  - {action: open_room, at: +50m, room: spill}",
            ),
        ),
        (
            "40:60: operator_actions[2].room: no room 'spil' (main, or platform.rooms: spill, "
            "annex)",
            "42:41: operator_actions[4].room: the main room is open from the start; open_room "
            "opens an overflow room (platform.rooms: spill, annex)",
            "43:41: operator_actions[5].room: no room 'hall' in platform.rooms (spill, annex)",
            "45:41: operator_actions[7].room: room 'spill' is already opened by "
            "operator_actions[3]",
        ),
        notes="capping main, and opening a when_full room early, are fine",
    ),
    Broken(
        "restreams",
        (
            Edit(
                25,
                "backoff_base: 1s}",
                "backoff_base: 1s}\n  restreams:\n    - {id: yt, opens_at: +3h, share: 20%}\n"
                "    - {id: yt, opens_at: +1h, share: 20%, sources: [apx]}",
            ),
        ),
        (
            "27:26: audience.restreams[0].opens_at: must be inside the window -30m .. +2h "
            "(got +3h)",
            "28:12: audience.restreams[1].id: duplicate id 'yt'",
            "28:53: audience.restreams[1].sources[0]: unknown source 'apx' (event.sources has: ap)",
        ),
    ),
    Broken(
        "overflow-without-rooms",
        (Edit(24, "patience: 50m", "patience: 50m\n    on_refused: overflow"),),
        (
            "25:17: audience.client.on_refused: overflow needs overflow rooms to send refused "
            "listeners to (platform.rooms is empty)",
        ),
    ),
    Broken(
        "fact-scoped-to-an-unknown-room",
        (
            Edit(31, "queue_limit: 6M}", ROOMS),
            Edit(46, "reported: 1.3M", "reported: 1.3M\n    room: hall"),
        ),
        ("50:11: facts[1].room: no room 'hall' (main, or platform.rooms: spill, annex)",),
    ),
)


def test_the_table_covers_each_check() -> None:
    assert len({case.id for case in CASES}) == len(CASES)
    assert len(CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_broken_scenario_reports_exact_problems(case: Broken, tmp_path: Path) -> None:
    path = write(tmp_path, case.edits)
    assert reported(path) == [f"{path}:{line}" for line in case.problems]


VALID = (
    Broken(
        "reported-range-reaching-into-the-window",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: ended, metric: space_ended_at, statement: x, "
                "reported: [+1h50m, +2h20m], sources: [ap]}",
            ),
        ),
        (),
    ),
    Broken(
        "fact-about-another-event",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: before, metric: concurrent_listeners_at, at: +5h, statement: x, "
                "reported: 57k, about: other_event, sources: [ap]}\n"
                "  - {id: seen, metric: error_message_seen, statement: y, message: Elsewhere, "
                "about: other_event, sources: [ap]}",
            ),
        ),
        (),
    ),
    Broken(
        "error-text-only-a-variant-shows",
        (
            Edit(
                48,
                "sources: [ap]",
                FACT + "{id: full, metric: error_message_seen, statement: x, "
                'message: "Room is full", sources: [ap]}',
            ),
            Edit(
                53,
                "      attacks:",
                '      platform: {errors: {room_full: "Room is full"}}\n      attacks:',
            ),
        ),
        (),
    ),
    Broken(
        "rooms-used-as-declared",
        (
            Edit(31, "queue_limit: 6M}", ROOMS),
            Edit(24, "patience: 50m", "patience: 50m\n    on_refused: overflow"),
            Edit(
                35,
                "sources: [ap]}",
                "sources: [ap]}\n  - {action: cap_listeners, at: +1m, listeners: 1k, room: spill}"
                "\n  - {action: open_room, at: +2m, room: annex}",
            ),
        ),
        (),
    ),
)


@pytest.mark.parametrize("case", VALID, ids=[case.id for case in VALID])
def test_what_the_checks_accept(case: Broken, tmp_path: Path) -> None:
    assert load_scenario(write(tmp_path, case.edits)).scenario.event.name == "mini"


def test_every_check_reads_parts_that_exist() -> None:
    for check in (*checks.CHECKS, *fact_checks.CHECKS):
        for name in inspect.signature(check).parameters:
            assert name in PARTS, f"{check.__name__} reads {name!r}, not a part"


def test_a_part_is_left_out_when_its_parent_is_not_a_mapping() -> None:
    parts = valid_sections({"platform": "big", "gates": {"checks": [{"id": "x"}]}}, {})
    assert "rooms" not in parts  # not an empty list of rooms: platform itself is wrong
    assert parts["gate_checks"] == []  # its one item does not validate
    assert parts["facts"] == []  # not written: the default


def test_shown_texts_adds_each_variants_rewording_once() -> None:
    errors = ErrorTexts(room_full="Full")
    variants = {
        "a": Variant(description="a", overrides={"platform": {"errors": {"overload": "Busy"}}}),
        "b": Variant(description="b", overrides={"platform": {"errors": {"room_full": None}}}),
        "c": Variant(description="c", overrides={"platform": {"errors": {"overload": ""}}}),
    }
    assert shown_texts(errors, variants) == [
        "Details not available",
        "This Space is not available",
        "Could not fetch Space",
        "Full",
        "Busy",
    ]


@pytest.mark.e2e
def test_cli_reports_problems_of_valid_items_beside_a_broken_one(tmp_path: Path) -> None:
    (case,) = [c for c in CASES if c.id == "valid-items-beside-a-broken-one-are-checked"]
    path = write(tmp_path, case.edits)
    assert validate_cli(path) == [f"{path}:{line}" for line in case.problems]
