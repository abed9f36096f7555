"""Scale invariance of the virtual engine: a scenario's event-scale outcomes at its plan, at a
population scale four times finer and at twice the speedup, each pooled over seeds, side by
side with how far each moved (as a share of its whole: the audience, all errors, the event
window; seconds for time to first audio), and the verdicts.

    python benchmarks/scale_invariance.py [SCENARIO ...] [--seeds 4]
        [--scale-factor 4] [--speedup-factor 2]

In process, no network. The outcomes are those the model produces (give-ups, errors per
message, the join wave after a start, listeners waiting at the reported times), not only those
the scenario's inputs fix. `tests/engine/test_scale_invariance.py` asserts the same at 5%.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from simspace.engine.play import pooled_over_seeds
from simspace.judge.invariance import Pooled, invariance_problems
from simspace.scenario import load_scenario

HERE = Path(__file__).resolve().parent
REFERENCES = [HERE.parent / "scenarios" / n for n in ("trump_space.yaml", "desantis_launch.yaml")]


def _pooled(path: str, scale_factor: float, speedup_factor: float, seeds: int) -> Pooled:
    loaded = load_scenario(path)
    return pooled_over_seeds(loaded, scale_factor, speedup_factor, range(1, seeds + 1))


def _rows(pooled: dict[str, Pooled]) -> list[tuple[str, list[float | None], float]]:
    """(outcome, value per setting, the whole its difference is a share of)."""
    first = next(iter(pooled.values()))
    audience = first.counts.get("arrived", 1.0)
    errors = max(sum(first.errors.values()), 1.0)
    rows = []
    for kind, whole in (("counts", audience), ("errors", errors), ("timings", first.window_s),
                        ("ttfa_s", 0.0)):  # fmt: skip
        names = sorted({n for p in pooled.values() for n in getattr(p, kind)})
        for name in names:
            values = [getattr(p, kind).get(name) for p in pooled.values()]
            rows.append((name, values, whole))
    return rows


def _moved(base: float | None, other: float | None, whole: float) -> str:
    if base is None or other is None:
        return "-"
    if whole == 0.0:
        return f"{other - base:+.2f} s"
    return f"{(other - base) / whole:+.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", default=[str(p) for p in REFERENCES])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--scale-factor", type=float, default=4.0)
    parser.add_argument("--speedup-factor", type=float, default=2.0)
    args = parser.parse_args()
    for path in args.scenarios:
        settings = {"plan": (1.0, 1.0), f"scale x{args.scale_factor:g}": (args.scale_factor, 1.0),
                    f"speedup x{args.speedup_factor:g}": (1.0, args.speedup_factor)}  # fmt: skip
        pooled = {}
        for name, (scale_factor, speedup_factor) in settings.items():
            started = time.perf_counter()
            pooled[name] = _pooled(path, scale_factor, speedup_factor, args.seeds)
            print(f"{Path(path).name} {name}: {args.seeds} seeds in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        names = list(settings)
        print(f"\n| outcome | {' | '.join(names)} | moved at {' | moved at '.join(names[1:])} |")
        print("|---" * (2 * len(names)) + "|")
        for outcome, values, whole in _rows(pooled):
            cells = ["-" if v is None else f"{v:,.4g}" if abs(v) < 1e4 else f"{v:,.0f}"
                     for v in values]  # fmt: skip
            moved = [_moved(values[0], v, whole) for v in values[1:]]
            print(f"| {outcome} | {' | '.join(cells)} | {' | '.join(moved)} |")
        base = pooled["plan"]
        for name in names[1:]:
            problems = invariance_problems(base, pooled[name])
            print(
                f"\n{name}: "
                + ("within 5%, same verdicts" if not problems else "; ".join(problems))
            )
        print()


if __name__ == "__main__":
    main()
