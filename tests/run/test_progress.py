"""The console during a run: the live view (a progress bar on the event clock, the wall time
left, the rows with their scales named) and the plain line for logs, rendered at 80 and 120
columns; the time left; the stub's URLs printed once at the start of a run."""

from __future__ import annotations

import io
import re
import time
from contextlib import AsyncExitStack
from pathlib import Path

import pytest
from rich.console import Console, RenderableType

from simspace.clock import EventClock
from simspace.errors import RunError
from simspace.results.model import STUB_OBSERVER, RunResult
from simspace.results.observations import Observations
from simspace.run.backends import Backend, RunContext, plan_for
from simspace.run.backends.stub import StubBackend
from simspace.run.backends.virtual import VirtualBackend
from simspace.run.options import RunOptions
from simspace.run.progress import NO_ANSWER, ProgressView, load_text, tier_text
from simspace.run.rundir import RunDirectory
from simspace.run.session import RunSession
from simspace.scenario import load_scenario
from simspace.scenario.model import Scenario
from simspace.wire.ground_truth import GroundTruth, PlatformState, SpaceSnapshot, TierState
from simspace.wire.observations import RequestLine, StateLine, encode_line
from tests.run.cli_runs import SMALL

WIDTHS = (80, 120)
BAR_CHARS = set("━╸╺")
T_BEGIN, T_END = -300.0, 900.0


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario(str(SMALL)).scenario


def _platform(utilisation: float = 17.38) -> PlatformState:
    return PlatformState(
        t=120.0,
        spaces=[SpaceSnapshot(index=1, host="musk", state="NotStarted")],
        tiers={
            "api": TierState(
                capacity_rps=10_000.0,
                utilisation=utilisation,
                rejected={"overload": 4.2292e8, "rate_limited": 1.0e6},
                timeouts=2.44e7,
            ),
            "cdn": TierState(capacity_rps=1e6, utilisation=0.22),
        },
    )


def _view(scenario: Scenario, t: float, platform: PlatformState | None) -> ProgressView:
    return ProgressView(
        scenario,
        t=t,
        t_end=T_END,
        t_begin=T_BEGIN,
        presence={"waiting": 907_000.0, "listening": 12_345.0},
        counts={"gave_up": 114_000.0, "booted": 11_400.0},
        platform=platform,
        requests_per_s=397.0,
        generator_cpu_percent=35.0,
        speedup=47.8,
    )


def _render(renderable: RenderableType, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system="truecolor")
    console.print(renderable)
    return console.export_text()


def _words(text: str) -> set[str]:
    return {w for w in text.split() if not set(w) <= BAR_CHARS}


VIEWS = [
    pytest.param(-400.0, None, id="before-the-window-no-platform-yet"),
    pytest.param(120.0, _platform(), id="overloaded"),
    pytest.param(1000.0, _platform(0.5), id="past-the-end"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("t", "platform"), VIEWS)
def test_the_live_view_fits_the_width_with_a_bar_and_the_scales_named(
    scenario: Scenario, width: int, t: float, platform: PlatformState | None
) -> None:
    view = _view(scenario, t, platform)
    text = _render(view, width)
    lines = text.splitlines()
    assert all(len(line) <= width for line in lines)
    assert _words(text) <= _words(_render(view, 1000))  # wrapped between words only
    assert any(set(line.strip()) & BAR_CHARS for line in lines)  # the bar
    (percent,) = re.findall(r"(-?\d+)%\s+(?:\S+ left|starting)", text)
    assert 0 <= int(percent) <= 100
    for scale in ("listeners (event scale)", "load (real requests)", "platform (event scale)"):
        assert scale in text
    assert "?" not in text


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("t", "platform"), VIEWS)
def test_the_plain_line_has_a_percentage_and_the_time_left_within_the_width(
    scenario: Scenario, width: int, t: float, platform: PlatformState | None
) -> None:
    view = _view(scenario, t, platform)
    text = _render(view.line(), width)
    assert all(len(line) <= width for line in text.splitlines())
    assert text.split() == view.line().plain.split()  # every word whole, in order
    flat = " ".join(text.split())
    percent = re.search(r"\) (\d+)%, (\S+ left)", flat)
    assert percent is not None
    assert 0 <= int(percent[1]) <= 100
    assert "listeners (event scale)" in flat
    assert "load (real requests)" in flat
    assert ("platform (event scale)" in flat) == (platform is not None)
    assert "?" not in flat


def test_before_the_platform_answers_its_parts_say_starting_then_no_answer(
    scenario: Scenario,
) -> None:
    view = _view(scenario, -400.0, None)
    assert "space starting" not in view.line().plain  # the plain line leaves them out
    assert "space                    starting" in _render(view, 120)
    view._answered = True  # it answered once, then not this second
    assert NO_ANSWER in _render(view, 120)


def test_the_virtual_engine_plays_its_requests_and_has_no_generator_cpu(
    scenario: Scenario,
) -> None:
    view = _view(scenario, 120.0, None)
    view.real_requests, view.requests_per_s = False, 12_356.0
    for text in (_render(view, 80), view.line().plain):
        assert "load (played in process)" in text
        assert "12.4k requests a wall second" in text
        assert "real requests" not in text
        assert "CPU" not in text


def test_utilisation_reads_as_a_share_up_to_twice_capacity_then_as_a_multiple() -> None:
    assert load_text(0.67) == "load 67% of capacity"
    assert load_text(2.0) == "load 200% of capacity"
    assert load_text(2.4) == "load 2.4x capacity"
    assert load_text(17.38) == "load 17x capacity"
    assert load_text(123.4) == "load 123x capacity"


def test_a_tier_names_its_requests_and_shows_only_the_load_when_none_failed() -> None:
    tiers = _platform().tiers
    assert tier_text("api", tiers["api"]) == (
        "api load 17x capacity, 424M requests rejected, 24.4M timed out"
    )
    assert tier_text("cdn", tiers["cdn"]) == "cdn load 22% of capacity"


def test_the_wall_time_left_follows_the_speedup_on_the_wall_clock(scenario: Scenario) -> None:
    view = _view(scenario, 2151.0, None)
    view.t_end = 11_100.0
    assert view.wall_left_s() == pytest.approx((11_100.0 - 2151.0) / 47.8)
    assert "3m7s left" in view.line().plain


class _Backend:
    """Observations that grow by 100 requests a call, a platform that answers once."""

    observer = STUB_OBSERVER
    platform_note = "starting"
    real_time = False

    def __init__(self) -> None:
        self._observations = Observations()
        self._states = [_platform(), None]

    async def start(self, stack: AsyncExitStack) -> None:
        return None

    def event_time(self) -> float:
        return 0.0

    def failure(self) -> RunError | None:
        return None

    async def live_state(self) -> PlatformState | None:
        return self._states.pop(0) if self._states else None

    async def ground_truth(self, *, live: bool = False) -> GroundTruth | None:
        return None

    def observations(self) -> Observations:
        n = len(self._observations.requests)
        line = RequestLine(t=float(n), tier="api", ok_n=100.0, ok_w=1e5)
        self._observations.add_line(encode_line(line))
        if n == 0:
            self._observations.add_line(encode_line(StateLine(t=-200.0, id=1, kind="arrived", w=9)))
        return self._observations

    def links(self) -> list[tuple[str, str]]:
        return []

    def observed_until(self) -> float | None:
        return None

    def verify(self, result: RunResult) -> RunResult:
        return result

    def sample_cpu(self) -> float:
        return 12.0

    def cpu_samples(self) -> list[float]:
        return []


async def test_updates_measure_the_rate_per_wall_second_and_the_pace_of_the_event_clock(
    scenario: Scenario,
) -> None:
    wall = [100.0]
    view = ProgressView(scenario, t_end=T_END, t_begin=T_BEGIN, wall_s=lambda: wall[0])
    backend: Backend = _Backend()
    await view.update(-300.0, backend)
    assert view.wall_left_s() is None  # no pace yet: the virtual engine's has to be measured
    assert "starting" in _render(view, 80)
    wall[0] = 102.0
    await view.update(-100.0, backend)  # 200 event seconds in 2 wall seconds
    assert view.requests_per_s == pytest.approx(50.0)  # 100 requests over 2 wall seconds
    assert view.wall_left_s() == pytest.approx(10.0)  # 1000 event seconds left at 100/s
    assert view.presence["waiting"] == 9.0
    assert view.platform is None
    assert NO_ANSWER in _render(view, 80)


def _context(tmp_path: Path) -> RunContext:
    loaded = load_scenario(str(SMALL))
    plan = plan_for(loaded, RunOptions(output_root=tmp_path, duration_s=60.0))
    rundir = RunDirectory.create(tmp_path, loaded.scenario.event.name, None)
    clock = EventClock(time.time(), plan.t_begin, plan.speedup)
    return RunContext(loaded, plan, clock, rundir)


async def _started(session: RunSession) -> str:
    session.stop.set()  # only the start: the watch loop ends at once
    assert await session._watch() is None
    return session.console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


async def test_a_stub_run_prints_where_its_platform_and_metrics_are_once(
    tmp_path: Path,
) -> None:
    context = _context(tmp_path)
    stub = StubBackend(context)
    stub.url = "http://127.0.0.1:41234"
    console = Console(file=io.StringIO(), width=80)
    printed = await _started(RunSession(context, stub, console))
    urls = [word for word in printed.split() if word.startswith("http")]  # whole at 80 columns
    assert urls == [
        "http://127.0.0.1:41234",
        "http://127.0.0.1:41234/_sim/metrics",
        "http://127.0.0.1:41234/api/spaces/live",
    ]


async def test_a_virtual_run_prints_no_urls(tmp_path: Path) -> None:
    context = _context(tmp_path)
    console = Console(file=io.StringIO(), width=80)
    printed = await _started(RunSession(context, VirtualBackend(context), console))
    assert "http" not in printed
