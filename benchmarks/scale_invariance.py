"""Scale invariance of the virtual engine: a scenario's event-scale outcomes at its plan, at a
population scale four times finer and at twice the speedup, side by side with the relative
difference of each from the plan's.

    python benchmarks/scale_invariance.py [SCENARIO ...] [--scale-factor 4] [--speedup-factor 2]

In process, no network. The outcomes are those the model produces (give-ups, errors per
message, the join wave after a start, listeners waiting at the reported times), not only those
the scenario's inputs fix.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from simspace.engine.play import virtual_result
from simspace.judge.agreement import outcomes
from simspace.judge.facts.compare import compare
from simspace.plan import VIRTUAL_MAX_SIMULATED_LISTENERS, make_plan
from simspace.scenario import load_scenario

HERE = Path(__file__).resolve().parent
REFERENCES = [HERE.parent / "scenarios" / n for n in ("trump_space.yaml", "desantis_launch.yaml")]


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return "-" if value is None else str(value)


def _relative(a: object, b: object) -> str:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        size = max(abs(a), abs(b))
        return f"{(b - a) / size:+.1%}" if size else "0.0%"
    return "" if a == b else "differs"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=[str(p) for p in REFERENCES])
    parser.add_argument("--scale-factor", type=float, default=4.0)
    parser.add_argument("--speedup-factor", type=float, default=2.0)
    parser.add_argument("--base-scale", type=float, default=None)
    args = parser.parse_args()
    for path in args.scenarios:
        loaded = load_scenario(path)
        base = make_plan(loaded.scenario, loaded.variant)
        scale = args.base_scale or base.population_scale
        settings = {
            "plan": (scale, base.speedup),
            f"scale x{args.scale_factor:g}": (scale * args.scale_factor, base.speedup),
            f"speedup x{args.speedup_factor:g}": (scale, base.speedup * args.speedup_factor),
        }
        found = {}
        for name, (population_scale, speedup) in settings.items():
            started = time.perf_counter()
            plan = make_plan(
                loaded.scenario, loaded.variant, population_scale=population_scale,
                speedup=speedup, max_listeners=VIRTUAL_MAX_SIMULATED_LISTENERS,
            )  # fmt: skip
            result = virtual_result(loaded.scenario, loaded.variant, plan)
            found[name] = outcomes(result, compare(loaded.scenario, result))
            print(f"{Path(path).name} {name}: 1/{1 / population_scale:.0f}, speedup "
                  f"{speedup:.3g}, {len(plan.arrivals):,} listeners, "
                  f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        names = list(settings)
        print(f"\n| outcome | {' | '.join(names)} | {' | '.join(names[1:])} |")
        print("|---" * (2 * len(names)) + "|")
        for outcome, value in found["plan"].items():
            others = [found[n].get(outcome) for n in names[1:]]
            cells = [_text(value), *(_text(o) for o in others)]
            print(f"| {outcome} | {' | '.join(cells)} | "
                  f"{' | '.join(_relative(value, o) for o in others)} |")  # fmt: skip
        print()


if __name__ == "__main__":
    main()
