"""The virtual-time driver: the plan's listeners and hosts against the platform model, in event
order, the same every time."""

from __future__ import annotations

from pathlib import Path

from simspace.engine.driver import CLIENT_TIMEOUT_ERROR, VirtualDriver
from simspace.load.actions import Call, Script, Wait, Watch
from simspace.plan import Plan, make_plan
from simspace.platform.router import RoutedAnswer
from simspace.scenario import load_scenario

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def _plan(duration_s: float | None = None) -> tuple[VirtualDriver, Plan]:
    loaded = load_scenario(str(SMALL))
    plan = make_plan(loaded.scenario, loaded.variant, duration_s=duration_s)
    return VirtualDriver(loaded.scenario, plan), plan


def _run(driver: VirtualDriver, plan: Plan, slice_s: float) -> None:
    assert list(driver.slices(slice_s))[-1] == plan.t_end


def test_the_same_plan_gives_the_same_observations_and_ground_truth() -> None:
    first, plan = _plan()
    second, _ = _plan()
    _run(first, plan, 60.0)
    _run(second, plan, 60.0)
    a, b = first.recorder.observations, second.recorder.observations
    assert first.requests == second.requests > 1000
    assert (dict(a.counts), dict(a.failures), a.requests, a.endpoints) == (
        dict(b.counts),
        dict(b.failures),
        b.requests,
        b.endpoints,
    )
    assert first.ground_truth() == second.ground_truth()


def test_the_host_starts_the_space_and_listeners_hear_it() -> None:
    driver, plan = _plan()
    _run(driver, plan, 60.0)
    (space,) = driver.ground_truth().ledger.spaces
    assert space.running_at is not None
    observations = driver.recorder.observations
    assert observations.counts["arrived"] > 0
    assert observations.heard_audio() > 0
    # every arrival slot was played, once
    assert len(observations.listeners) == len(plan.arrivals)


class SlowRouter:
    """Answers everything after 100 event seconds."""

    def handle(
        self,
        method: str,
        path: str,
        weight: float = 1.0,
        speaker: str | None = None,
        listeners: float | None = None,
    ) -> RoutedAnswer:
        return RoutedAnswer(200, b"{}", latency_s=100.0)


def test_a_reply_slower_than_the_client_timeout_is_a_timeout_at_the_timeout() -> None:
    driver, plan = _plan()
    driver.router = SlowRouter()
    driver.timeout_s = 5.0
    seen: list[tuple[float, int, str]] = []

    def script() -> Script:
        yield Wait(plan.t_begin + 1.0)
        reply = yield Call("GET", "/api/spaces/live", "api", "api: live space", 1.0)
        assert reply is not None
        seen.append((driver.clock.now(), reply.status, reply.error))

    driver._queue.clear()  # only this script
    driver.add(plan.t_begin, script())
    driver.run_until(plan.t_begin + 10.0)
    assert seen == [(plan.t_begin + 6.0, 0, CLIENT_TIMEOUT_ERROR)]
    driver.flush()
    ((ok, failed, _, _),) = driver.recorder.observations.requests.values()
    assert (ok, failed) == (0.0, 1.0)
    # its latency is the time the client waited
    (endpoint,) = driver.recorder.observations.endpoints.endpoint_stats()
    assert (endpoint.name, endpoint.failed) == ("api: live space", 1.0)
    assert (endpoint.latency_s.count, endpoint.latency_s.max) == (1, 5.0)


def test_a_change_wakes_a_watcher_after_its_phase_and_no_one_else() -> None:
    """A Watch resumes `phase_s` after the first change since `since_t` (the host's publish
    here), or at its own time if nothing changed: the queue's stale entries are skipped."""
    driver, plan = _plan()
    woke: dict[str, float] = {}
    t0 = plan.t_begin

    def watcher(name: str, until_t: float, since_t: float, phase_s: float) -> Script:
        yield Watch(until_t, since_t, phase_s)
        woke[name] = driver.clock.now()

    def host() -> Script:
        yield Wait(t0 + 30.0)
        driver.model.start_space(driver.model.current, driver.clock.now())
        yield Call("GET", "/api/spaces/live", "api", "api: live space", 1.0)

    driver._queue.clear()
    driver.add(t0, watcher("woken", t0 + 500.0, t0, 7.0))
    driver.add(t0, watcher("too late to wake", t0 + 33.0, t0, 7.0))
    driver.add(t0, watcher("saw it already", t0 + 500.0, t0 + 40.0, 7.0))
    driver.add(t0, host(), counted=False)
    driver.run_until(t0 + 600.0)
    assert woke == {"woken": t0 + 37.0, "too late to wake": t0 + 33.0, "saw it already": t0 + 500.0}
