"""The catalog: which directories are runs, their ids, what the index says of each, and what it
never follows (symbolic links)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from simspace.judge.ranking import stamp_time
from simspace.viewer.catalog import STALE_AFTER_S, Catalog, find_runs
from tests.viewer.rundirs import live_status, small_scenario, write_live, write_run


def test_runs_are_found_under_a_root_a_scenario_directory_or_a_run(tmp_path: Path) -> None:
    run = write_run(tmp_path / "runs", "20261130T074332Z-base")
    for root in (tmp_path / "runs", tmp_path / "runs" / "small_space", run):
        assert [loc.directory for loc in find_runs([root])] == [run]


def test_a_partial_run_keeps_its_id_when_renamed_at_the_end(tmp_path: Path) -> None:
    scenario_dir = tmp_path / "small_space"
    partial = write_live(scenario_dir / ".20261130T074332Z-base.partial", live_status())
    (before,) = find_runs([tmp_path])
    assert before.in_progress
    assert before.name == "20261130T074332Z-base"
    os.rename(partial, scenario_dir / "20261130T074332Z-base")
    (after,) = find_runs([tmp_path])
    assert after.run_id == before.run_id
    assert not after.in_progress


def test_ids_differ_between_roots_and_runs(tmp_path: Path) -> None:
    write_run(tmp_path / "a", "20261130T074332Z-base")
    write_run(tmp_path / "a", "20261130T074333Z-base")
    write_run(tmp_path / "b", "20261130T074332Z-base")
    ids = [loc.run_id for loc in find_runs([tmp_path / "a", tmp_path / "b"])]
    assert len(set(ids)) == 3


def test_symbolic_links_are_not_followed(tmp_path: Path) -> None:
    outside = write_run(tmp_path / "elsewhere", "20261130T074332Z-base")
    root = tmp_path / "runs"
    (root / "small_space").mkdir(parents=True)
    (root / "small_space" / "linked-run").symlink_to(outside)
    (root / "linked-scenario").symlink_to(outside.parent)
    (tmp_path / "linked-root").symlink_to(root)
    assert find_runs([root]) == []
    assert find_runs([tmp_path / "linked-root"]) == []
    # a run whose result.json is a link out of it is no run either
    lonely = root / "small_space" / "20261130T080000Z-base"
    lonely.mkdir()
    (lonely / "result.json").symlink_to(outside / "result.json")
    assert find_runs([root]) == []


def test_the_index_entry_of_a_finished_run(tmp_path: Path) -> None:
    write_run(tmp_path, "20261130T074332Z-base", labels={"build": "42"}, revision="abc123")
    (entry,) = Catalog([tmp_path]).entries()
    assert entry.scenario == "small_space"
    assert entry.status == "completed"
    assert entry.engine == "stub"
    assert entry.started_at == "2026-11-30T07:43:32Z"
    assert entry.labels == {"build": "42"}
    assert entry.revision == "abc123"
    assert entry.fit_score is not None
    assert entry.scored is not None
    assert entry.gates_passed is not None
    assert entry.gates_failed is not None


def test_variant_descriptions_come_from_the_scenario(tmp_path: Path) -> None:
    write_run(tmp_path, "20261130T074332Z-steady", scenario=small_scenario("steady"),
              variant="steady")  # fmt: skip
    (entry,) = Catalog([tmp_path]).entries()
    assert entry.variant == "steady"
    assert entry.variant_description
    assert "arrivals evenly spread" in entry.variant_description


def test_live_running_stale_and_unreadable_runs(tmp_path: Path) -> None:
    now = time.time()
    write_live(tmp_path / "small_space" / ".20261130T074332Z-base.partial", live_status())
    old = live_status(updated_at=now - STALE_AFTER_S - 1)
    write_live(tmp_path / "small_space" / ".20261130T070000Z-base.partial", old)
    broken = tmp_path / "small_space" / "20261130T060000Z-base"
    broken.mkdir()
    (broken / "result.json").write_text("{not json")
    entries = {e.name: e for e in Catalog([tmp_path], now_s=lambda: now).entries()}
    assert entries["20261130T074332Z-base"].status == "running"
    assert entries["20261130T074332Z-base"].live
    assert entries["20261130T070000Z-base"].status == "stale"
    assert entries["20261130T060000Z-base"].status == "unreadable"
    assert str(tmp_path) not in (entries["20261130T060000Z-base"].problem or "")


def test_entries_are_newest_first_and_reread_only_when_changed(tmp_path: Path) -> None:
    write_run(tmp_path, "20261130T074332Z-base")
    newer = write_run(tmp_path, "20261130T084332Z-base")
    catalog = Catalog([tmp_path])
    assert [e.name for e in catalog.entries()] == ["20261130T084332Z-base", "20261130T074332Z-base"]
    (location,) = [loc for loc in catalog.locations().values() if loc.directory == newer]
    first = catalog.report(location)
    assert catalog.report(location) is first  # cached
    result = newer / "result.json"
    result.write_text(result.read_text().replace('"completed"', '"interrupted"'))
    assert catalog.entry(location).status == "interrupted"


def test_stamp_time() -> None:
    assert stamp_time("20261130T074332Z-base-2") == "2026-11-30T07:43:32Z"
    assert stamp_time("compare-20261130T074332Z") is None
