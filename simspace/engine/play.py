"""A plan played in virtual time, at once, to its result: what the cross-check, the benchmarks
and the scale-invariance test compare."""

from __future__ import annotations

from simspace.engine.driver import VirtualDriver
from simspace.plan import Plan
from simspace.results.build import RunRecord, build_result
from simspace.results.model import VIRTUAL_OBSERVER, RunResult
from simspace.scenario.model import Scenario


def virtual_result(scenario: Scenario, variant: str | None, plan: Plan) -> RunResult:
    """Play `plan` to its end in virtual time and build its result (wall time 0: a virtual
    result never depends on how fast it was made)."""
    driver = VirtualDriver(scenario, plan)
    for _ in driver.slices():
        pass
    return build_result(
        RunRecord(
            scenario=scenario,
            variant=variant,
            plan=plan,
            observations=driver.recorder.observations,
            ground_truth=driver.ground_truth(),
            observer=VIRTUAL_OBSERVER,
            status="completed",
            failure=None,
            wall_s=0.0,
            generator_cpu=[],
        )
    )
