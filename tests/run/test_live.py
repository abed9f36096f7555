"""The live file a run rewrites once a second: its samples (bounded by thinning), the tiers'
rates, the end state, and a write that fails without failing the run."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from simspace.run.live import LiveWriter, end_message, live_tiers, thinned
from simspace.run.progress import ProgressView
from simspace.scenario import load_scenario
from simspace.wire.ground_truth import PlatformState, SpaceSnapshot, TierState
from simspace.wire.live import LIVE_FILE, LiveSample, LiveStatus
from tests.run.cli_runs import SMALL


def _sample(t: float) -> LiveSample:
    return LiveSample(
        t=t, waiting=0.0, listening=t, gave_up=0.0, booted=0.0, requests_per_s=1.0, tiers={}
    )


def _writer(path: Path, max_samples: int = 1800) -> LiveWriter:
    return LiveWriter(
        path=path,
        scenario=load_scenario(str(SMALL)).scenario,
        variant=None,
        engine="stub",
        started_at="2026-11-30T07:43:32Z",
        t_begin=-300.0,
        t_end=900.0,
        wall=lambda: 1_795_000_000.0,
        max_samples=max_samples,
    )


def _state(t: float, offered: float, attack: float = 0.0) -> PlatformState:
    return PlatformState(
        t=t,
        spaces=[SpaceSnapshot(index=1, host="host", state="Running")],
        tiers={
            "api": TierState(
                capacity_rps=400.0,
                utilisation=0.75,
                backlog=12.0,
                offered=offered,
                attack_offered=attack,
                timeouts=3.0,
                rejected={"overload": 10.0, "rate_limited": 5.0},
            )
        },
    )


def _view(writer: LiveWriter, t: float, platform: PlatformState | None = None) -> ProgressView:
    return ProgressView(
        writer.scenario,
        t=t,
        t_end=writer.t_end,
        t_begin=writer.t_begin,
        presence={"waiting": 5.0, "listening": 20.0},
        counts={"gave_up": 2.0},
        platform=platform,
        requests_per_s=300.0,
        generator_cpu_percent=50.0,
    )


def _read(path: Path) -> LiveStatus:
    return LiveStatus.model_validate_json(path.read_text(encoding="utf-8"))


def test_thinning_keeps_the_first_the_newest_and_the_recent_half() -> None:
    samples = [_sample(float(t)) for t in range(11)]
    kept = thinned(samples, max_samples=10)
    assert [s.t for s in kept] == [0.0, 2.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    assert thinned(samples, max_samples=11) == samples


def test_samples_grow_one_a_write_and_stay_bounded(tmp_path: Path) -> None:
    writer = _writer(tmp_path / LIVE_FILE, max_samples=10)
    for second in range(3):
        writer.update(_view(writer, float(second)))
    assert [s.t for s in _read(writer.path).samples] == [0.0, 1.0, 2.0]
    for second in range(3, 200):
        writer.update(_view(writer, float(second)))
        assert len(writer.samples) <= 10
    times = [s.t for s in _read(writer.path).samples]
    assert times == sorted(times)
    assert (times[0], times[-1]) == (0.0, 199.0)


def test_a_write_shows_the_view_and_the_tiers_rates(tmp_path: Path) -> None:
    writer = _writer(tmp_path / LIVE_FILE)
    writer.update(_view(writer, 0.0, _state(0.0, offered=1000.0)))
    writer.update(_view(writer, 300.0, _state(10.0, offered=3000.0, attack=1000.0)))
    status = _read(writer.path)
    assert status.state == "running"
    assert (status.t, status.progress) == (300.0, 0.5)
    assert status.event_clock == "20:05:00 EDT (+5m)"
    assert status.updated_at == 1_795_000_000.0
    assert [(s.host, s.state) for s in status.spaces] == [("host", "Running")]
    first, second = (s.tiers["api"] for s in status.samples)
    assert first.offered_rps is None
    assert second.offered_rps == 300.0  # (3000 + 1000 - 1000) event requests over 10 s
    assert (second.capacity_rps, second.rejected, second.timeouts) == (400.0, 15.0, 3.0)
    last = status.samples[-1]
    assert (last.waiting, last.listening, last.gave_up, last.booted) == (5.0, 20.0, 2.0, 0.0)


def test_tiers_are_empty_without_a_live_platform_state() -> None:
    assert live_tiers(None, None) == {}


def test_the_end_write_says_how_and_why(tmp_path: Path) -> None:
    writer = _writer(tmp_path / LIVE_FILE)
    writer.update(_view(writer, 100.0))
    writer.end("failed", "the stub server exited", None)
    status = _read(writer.path)
    assert (status.state, status.message) == ("failed", "the stub server exited")
    assert [s.t for s in status.samples] == [100.0]


def test_end_messages() -> None:
    assert end_message("completed", None, None) is None
    assert end_message("aborted", None, "gate start_delay failed") == "gate start_delay failed"
    assert end_message("interrupted", None, None) == "stopped by Ctrl-C or SIGTERM"


def test_an_unwritable_live_file_warns_once_and_goes_on(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    writer = _writer(tmp_path / "gone" / LIVE_FILE)
    with caplog.at_level(logging.WARNING, logger="simspace.run.live"):
        writer.update(_view(writer, 0.0))
        writer.update(_view(writer, 1.0))
        writer.end("completed", None, None)
    (warning,) = caplog.records
    assert warning.getMessage().startswith("could not write the live file")
    assert len(writer.samples) == 2
    assert not writer.path.parent.exists()


def test_the_file_is_one_compact_json_line(tmp_path: Path) -> None:
    writer = _writer(tmp_path / LIVE_FILE)
    writer.update(_view(writer, 0.0))
    text = writer.path.read_text(encoding="utf-8")
    assert text.count("\n") == 1
    assert json.loads(text)["version"] == 1
