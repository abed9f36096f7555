"""Reads the load processes' observation files (incrementally during a run, fully at its end) and
turns them into event-scale series and metrics: listeners by state, time to first audio, stalls,
errors seen, request outcomes per tier and endpoint, request latency. Merging several
processes' files is just reading them all.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from simspace.results.latency import RequestTally
from simspace.results.segments import SegmentTally
from simspace.wire.observations import (
    FILE_GLOB,
    FailureLine,
    ListenerState,
    ObservationLine,
    RequestLine,
    RequestTier,
    StateLine,
    decode_line,
)

# Which series a listener counts in after each recorded state.
_PRESENCE: dict[ListenerState, str] = {
    "arrived": "waiting",
    "waiting": "waiting",
    "joining": "waiting",
    "rejoin": "waiting",
    "playing": "listening",
    "stall": "listening",
    "gave_up": "gone",
    "left": "gone",
    "booted": "away",
    "space_ended": "away",
    "restreamed": "gone",
}
PRESENCE_STATES = ("waiting", "listening")
EVENT_COUNTS = (
    "arrived", "playing", "gave_up", "booted", "space_ended", "left", "rejoin", "stall",
    "restreamed",
)  # fmt: skip


@dataclass
class ListenerTrack:
    weight: float
    changes: list[tuple[float, str]] = field(default_factory=list)
    arrived_at: float | None = None
    gave_up: int = 0
    stalls: int = 0


@dataclass
class Observations:
    """Everything the load side saw, accumulated line by line."""

    listeners: dict[int, ListenerTrack] = field(default_factory=dict)
    ttfa_s: list[tuple[float, float]] = field(default_factory=list)  # (t, ttfa), per listener
    waited_s: list[float] = field(default_factory=list)
    stall_s: list[float] = field(default_factory=list)
    counts: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # weighted
    failures: dict[tuple[float, RequestTier, str], float] = field(
        default_factory=lambda: defaultdict(float)
    )
    requests: dict[tuple[float, RequestTier], list[float]] = field(default_factory=dict)
    endpoints: RequestTally = field(default_factory=RequestTally)  # and latency
    published: list[tuple[float, str, str]] = field(default_factory=list)  # (t, speaker, space)
    timed: dict[str, list[tuple[float, float]]] = field(
        default_factory=lambda: defaultdict(list)
    )  # (t, weight) of gave_up, booted, left, space_ended
    segments: SegmentTally = field(default_factory=SegmentTally)
    bad_lines: int = 0

    def add_line(self, line: str | bytes) -> None:
        try:
            record = decode_line(line)
        except ValueError:
            self.bad_lines += 1
            return
        self.add(record)

    def add(self, record: ObservationLine) -> None:
        if isinstance(record, StateLine):
            self._state(record)
        elif isinstance(record, FailureLine):
            self.failures[(record.t, record.tier, record.msg)] += record.w
        elif isinstance(record, RequestLine):
            entry = self.requests.setdefault((record.t, record.tier), [0.0, 0.0, 0.0, 0.0])
            for i, value in enumerate((record.ok_n, record.fail_n, record.ok_w, record.fail_w)):
                entry[i] += value
            self.endpoints.add(record)
        else:
            self.segments.add(record)

    def _state(self, record: StateLine) -> None:
        t, state, weight = record.t, record.kind, record.w
        if state == "published":
            self.published.append((t, str(record.speaker), str(record.space)))
            return
        track = self.listeners.setdefault(record.id, ListenerTrack(weight))
        track.changes.append((t, _PRESENCE[state]))
        if state == "arrived" and track.arrived_at is None:
            track.arrived_at = t
        elif state == "gave_up":
            track.gave_up += 1
        elif state == "stall":
            track.stalls += 1
        self.counts[state] += weight
        if state in ("gave_up", "booted", "left", "space_ended"):
            self.timed[state].append((t, weight))
        if state == "playing":
            self.ttfa_s.append((t, record.ttfa_s or 0.0))
            self.waited_s.append(record.waited_s or 0.0)
        elif state == "stall":
            self.stall_s.append(record.stall_s or 0.0)

    def heard_audio(self) -> float:
        """Event-scale listeners who heard any audio (each simulated listener once)."""
        return sum(
            track.weight
            for track in self.listeners.values()
            if any(state == "listening" for _, state in track.changes)
        )

    def cohorts(self, grid: list[float], step_s: float) -> list[list[float]]:
        """Per grid step, the listeners who arrived in it: [arrived, heard, gave up, stalls],
        event scale. A listener counts in the step of its first arrival (rejoins included)."""
        rows = [[0.0, 0.0, 0.0, 0.0] for _ in grid]
        for track in self.listeners.values():
            start = (
                track.arrived_at
                if track.arrived_at is not None
                else (track.changes[0][0] if track.changes else None)
            )
            if start is None or not grid:
                continue
            row = rows[min(len(grid) - 1, max(0, int((start - grid[0]) // step_s)))]
            row[0] += track.weight
            if any(state == "listening" for _, state in track.changes):
                row[1] += track.weight
            row[2] += track.gave_up * track.weight
            row[3] += track.stalls * track.weight
        return rows

    def cumulative(self, state: str, grid: list[float]) -> list[float]:
        """Event-scale count of `state` events at or before each grid time."""
        events = sorted(self.timed.get(state, []))
        times = [t for t, _ in events]
        running, total = [], 0.0
        for w in (w for _, w in events):
            total += w
            running.append(total)
        return [running[i - 1] if (i := bisect.bisect_right(times, t)) else 0.0 for t in grid]

    def presence_at(self, t: float) -> dict[str, float]:
        """Event-scale listeners waiting and listening at event time t."""
        totals = dict.fromkeys(PRESENCE_STATES, 0.0)
        for track in self.listeners.values():
            i = bisect.bisect_right(track.changes, (t, "~")) - 1
            if i >= 0 and track.changes[i][1] in totals:
                totals[track.changes[i][1]] += track.weight
        return totals

    def presence_series(
        self, t_begin: float, t_end: float, step_s: float
    ) -> dict[str, list[float]]:
        steps = max(1, math.ceil((t_end - t_begin) / step_s))
        grid = [t_begin + i * step_s for i in range(steps + 1)]
        columns: dict[str, list[float]] = {"t": grid, **{s: [] for s in PRESENCE_STATES}}
        for t in grid:
            for state, value in self.presence_at(t).items():
                columns[state].append(value)
        return columns


class ObservationReader:
    """Follows every `observations-*.jsonl` in a directory, reading only whole new lines."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.observations = Observations()
        self._offsets: dict[Path, int] = {}

    def poll(self) -> Observations:
        for path in sorted(self.directory.glob(FILE_GLOB)):
            if path.is_symlink() or not path.is_file():
                continue  # load processes write regular files; a pipe or a device never ends
            offset = self._offsets.get(path, 0)
            with path.open("rb") as handle:
                handle.seek(offset)
                chunk = handle.read()
            end = chunk.rfind(b"\n") + 1
            for raw in chunk[:end].splitlines():
                if raw.strip():
                    self.observations.add_line(raw)
            self._offsets[path] = offset + end
        return self.observations
