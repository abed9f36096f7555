"""Virtual-time engine benchmark: a whole event, in process, at several population scales.

For each scale, in a fresh interpreter (so peak memory is that run's own): the wall time of the
whole simulated event on one core, the simulated listeners and requests, the cost per request
and the peak resident memory; then the finest scale that fits a wall-time budget, extrapolated
from the measured cost per request (requests grow in proportion to the scale).

    python benchmarks/bench_virtual.py [SCENARIO] [--scales plan,1/100] [--budget-s 600]

`plan` is the scale the Locust engine's default plan chooses. No network, no child process but
the measuring interpreters.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SCENARIO = HERE.parent / "scenarios" / "trump_space.yaml"

ONE_RUN = """
import json, resource, sys, time
from simspace.engine.driver import VirtualDriver
from simspace.plan import make_plan
from simspace.scenario import load_scenario
path, scale = sys.argv[1], (None if sys.argv[2] == "plan" else float(sys.argv[2]))
loaded = load_scenario(path)
plan = make_plan(loaded.scenario, loaded.variant, population_scale=scale, engine="virtual")
started = time.perf_counter()
driver = VirtualDriver(loaded.scenario, plan)
driver.play_to_end()
truth = driver.ground_truth()
wall_s = time.perf_counter() - started
print(json.dumps({
    "scale": plan.population_scale, "listeners": len(plan.arrivals),
    "requests": driver.requests, "wall_s": wall_s,
    "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "start_delay_s": truth.ledger.spaces[0].running_at if truth.ledger.spaces else None,
}))
"""


def _scale(text: str) -> str:
    if text == "plan":
        return text
    if "/" in text:
        num, den = text.split("/")
        return repr(float(num) / float(den))
    return repr(float(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default=str(DEFAULT_SCENARIO))
    parser.add_argument("--scales", default="plan,1/100")
    parser.add_argument("--budget-s", type=float, default=600.0)
    args = parser.parse_args()
    rows = []
    for text in args.scales.split(","):
        done = subprocess.run(
            [sys.executable, "-c", ONE_RUN, args.scenario, _scale(text)],
            capture_output=True, text=True, check=True, timeout=3600,
        )  # fmt: skip
        rows.append(json.loads(done.stdout))
    print(f"{'scale':>10} {'listeners':>10} {'requests':>10} {'wall':>8} {'us/req':>7} {'RSS':>8}")
    for r in rows:
        per_request_us = r["wall_s"] / max(r["requests"], 1) * 1e6
        print(f"1/{1 / r['scale']:>8.0f} {r['listeners']:>10,} {r['requests']:>10,} "
              f"{r['wall_s']:>7.1f}s {per_request_us:>7.1f} {r['rss_mib']:>6.0f}MiB")  # fmt: skip
    finest = max(rows, key=lambda r: r["scale"])
    per_request_s = finest["wall_s"] / finest["requests"]
    requests_per_scale = finest["requests"] / finest["scale"]
    reachable = args.budget_s / per_request_s / requests_per_scale
    print(f"finest scale in {args.budget_s:.0f} s (extrapolated from 1/{1 / finest['scale']:.0f}):"
          f" about 1/{1 / reachable:.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
