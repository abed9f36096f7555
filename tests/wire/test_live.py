"""The live file crosses from the run to the web viewer as one typed model: what the run writes
is what the viewer reads, and a misspelt field is an error, not a silent default."""

from __future__ import annotations

import pydantic
import pytest

from simspace.wire.live import LiveSample, LiveSpace, LiveStatus, LiveTier


def _status() -> LiveStatus:
    tier = LiveTier(
        utilisation=1.25,
        offered_rps=500.0,
        capacity_rps=400.0,
        backlog=30.0,
        rejected=1200.0,
        timeouts=7.5,
    )
    first = LiveTier(
        utilisation=0.5, offered_rps=None, capacity_rps=None, backlog=0.0, rejected=0, timeouts=0
    )
    return LiveStatus(
        scenario="small_space",
        title="Small test Space",
        variant="fast",
        engine="stub",
        started_at="2026-11-30T07:43:32Z",
        updated_at=1_795_000_000.5,
        pid=4242,
        state="failed",
        message="the stub server exited with code 1",
        t_begin=-300.0,
        t_end=900.0,
        t=870.0,
        progress=0.975,
        event_clock="20:14:30 EDT (+14m30s)",
        generator_cpu_percent=87.5,
        spaces=[LiveSpace(host="host", state="Running")],
        samples=[
            LiveSample(
                t=869.0,
                waiting=10.0,
                listening=2000.0,
                gave_up=1.0,
                booted=0.0,
                requests_per_s=350.0,
                tiers={"api": first},
            ),
            LiveSample(
                t=870.0,
                waiting=12.0,
                listening=2100.0,
                gave_up=3.0,
                booted=1.0,
                requests_per_s=360.0,
                tiers={"api": tier},
            ),
        ],
    )


def test_the_live_status_round_trips_through_json() -> None:
    status = _status()
    again = LiveStatus.model_validate_json(status.model_dump_json())
    assert again == status
    assert again.samples[0].tiers["api"].offered_rps is None
    assert again.samples[1].tiers["api"].capacity_rps == 400.0


def test_an_unknown_field_or_state_is_refused() -> None:
    data = _status().model_dump(mode="json")
    with pytest.raises(pydantic.ValidationError, match="extra"):
        LiveStatus.model_validate({**data, "progres": 0.5})
    with pytest.raises(pydantic.ValidationError, match="state"):
        LiveStatus.model_validate({**data, "state": "done"})
