"""Rooms as the reports show them: the cap in force at a time, how a cap's history and a Space
are named, and what changed when (caps set, raised, lowered, lifted; overflow rooms opened)."""

from __future__ import annotations

from simspace.report.rooms import (
    cap_at,
    cap_label,
    cap_steps,
    capped_rooms,
    has_rooms,
    room_changes,
    space_label,
)
from tests.report.builders import caps, result, rooms_result, space


def test_the_cap_in_force_counts_from_each_steps_own_time() -> None:
    steps = cap_steps(rooms_result(), "main")
    assert cap_at(steps, -1801.0) is None  # before the first step: none known
    assert cap_at(steps, -1800.0) == 50_000.0
    assert cap_at(steps, 1199.0) == 50_000.0
    assert cap_at(steps, 1200.0) == 200_000.0
    assert cap_at(cap_steps(rooms_result(), "overflow_a"), 7200.0) is None  # lifted


def test_the_main_room_comes_first_then_rooms_by_their_first_step() -> None:
    run = result().model_copy(
        update={"caps": caps((0.0, "b", 1.0), (5.0, "a", 2.0), (9.0, "main", 3.0))}
    )
    assert capped_rooms(run) == ["main", "b", "a"]
    assert capped_rooms(result()) == []


def test_a_cap_line_names_its_successive_values() -> None:
    run = rooms_result()
    assert cap_label(run, "main") == "cap main 50k → 200k"
    assert cap_label(run, "overflow_a") == "cap overflow_a 20k → none"
    same = result().model_copy(update={"caps": caps((0.0, "main", 5e4), (60.0, "main", 5e4))})
    assert cap_label(same, "main") == "cap main 50k"


def test_room_changes_say_what_happened_in_time_order() -> None:
    changes = [(c.t, c.text, c.opened) for c in room_changes(rooms_result())]
    assert changes == [
        (-1800.0, "main room capped at 50k", False),
        (600.0, "overflow room overflow_a opened", True),
        (600.0, "overflow room overflow_a capped at 20k", False),
        (1200.0, "main room cap raised to 200k", False),
        (7200.0, "overflow room overflow_a cap lifted", False),
    ]


def test_a_lowered_cap_an_unchanged_one_and_an_opening_known_only_by_going_live() -> None:
    spaces = [
        space(1, running_at=0.0),
        space(2, room="b", created_at=None, running_at=900.0),
        space(3, room="b", created_at=1500.0),
    ]
    steps = caps((-1800.0, "main", None), (60.0, "main", 8e4), (120.0, "main", 8e4),
                 (180.0, "main", 3e4))  # fmt: skip
    run = result(spaces=spaces).model_copy(update={"caps": steps})
    assert [c.text for c in room_changes(run)] == [
        "main room capped at 80k",
        "main room cap lowered to 30k",
        "overflow room b opened",
    ]
    assert room_changes(run)[-1].t == 900.0


def test_spaces_are_named_with_their_room_only_when_the_run_had_several() -> None:
    run = rooms_result()
    assert has_rooms(run)
    assert [space_label(s, has_rooms(run)) for s in run.spaces] == [
        "Space 1 (main)",
        "Space 2 (overflow_a)",
    ]
    alone = result(spaces=[space(1)])
    assert not has_rooms(alone)
    assert space_label(alone.spaces[0], has_rooms(alone)) == "Space 1"
