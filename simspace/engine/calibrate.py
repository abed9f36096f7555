"""What a plan will really ask of the load generator, known before it runs: the plan's
listeners played in virtual time, their requests counted per wall second of the compressed
run. The planner sizes a Locust run on the expected audience; overload, retries and join
storms then add their own traffic, which only playing the event shows."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from simspace.engine.driver import VirtualDriver
from simspace.plan import Plan
from simspace.scenario.model import Scenario

SUSTAINED_WINDOW_S = 5


@dataclass(frozen=True)
class PredictedLoad:
    """Real requests per wall second the plan's simulated clients (hosts included) send."""

    busiest_second_rps: float
    busiest_window_rps: float
    """The mean over the busiest `SUSTAINED_WINDOW_S` wall seconds."""
    requests: int


def predict_load(scenario: Scenario, plan: Plan) -> PredictedLoad:
    """Play the plan in virtual time and count its requests per wall second."""
    driver = VirtualDriver(scenario, plan)
    counts = driver.requests_per_wall_s = Counter()
    driver.play_to_end()
    per_s = [counts.get(s, 0) for s in range(max(counts, default=-1) + 1)]
    window = SUSTAINED_WINDOW_S
    sums = [sum(per_s[i : i + window]) for i in range(max(1, len(per_s) - window + 1))]
    return PredictedLoad(
        busiest_second_rps=float(max(per_s, default=0)),
        busiest_window_rps=max(sums, default=0) / window,
        requests=driver.requests,
    )
