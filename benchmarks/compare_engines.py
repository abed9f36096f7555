"""The HTTP engine checked against the virtual one: each scenario run with both engines on the
same plan (or runs given), and their event-scale outcomes printed side by side with the
relative difference of each.

    python benchmarks/compare_engines.py [SCENARIO ...] [--variant NAME]
        [--locust-run DIR] [--virtual-run DIR] [--output runs-engines]

Without runs given, it runs `simspace run SCENARIO --engine locust` (about 5 minutes for a
reference scenario) and `--engine virtual --scale <the Locust plan's>` (seconds), loopback only.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from simspace.judge.agreement import Agreement, side_by_side
from simspace.judge.facts.compare import compare
from simspace.judge.verdicts import Comparison
from simspace.report.outputs import load_run
from simspace.results.model import RunResult

HERE = Path(__file__).resolve().parent
REFERENCES = [HERE.parent / "scenarios" / n for n in ("trump_space.yaml", "desantis_launch.yaml")]


def _run(
    scenario: Path, engine: str, variant: str | None, output: Path, scale: float | None = None
) -> Path:
    root = output / engine
    before = set(root.glob("*/*")) if root.exists() else set()
    args = [sys.executable, "-m", "simspace", "run", str(scenario), "--engine", engine]
    args += ["--output", str(root)] + (["--variant", variant] if variant else [])
    args += ["--scale", f"1/{1 / scale:.10g}"] if scale is not None else []
    subprocess.run(args, check=False, stdout=subprocess.DEVNULL, timeout=3600)
    (new,) = set(root.glob("*/*")) - before
    return new


def _load(directory: Path) -> tuple[RunResult, Comparison]:
    report = load_run(directory)
    return report.result, compare(report.scenario, report.result)


def _text(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return "-" if value is None else str(value)


def _print(title: str, rows: list[Agreement]) -> None:
    print(f"\n{title}")
    print("| outcome | locust | virtual | difference |\n|---|---|---|---|")
    for row in rows:
        rel = row.relative
        diff = "" if rel is None else ("differs" if rel == 1.0 and not isinstance(row.a, float)
                                       else f"{rel:.1%}")  # fmt: skip
        print(f"| {row.name} | {_text(row.a)} | {_text(row.b)} | {diff} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", type=Path, default=REFERENCES)
    parser.add_argument("--variant")
    parser.add_argument("--locust-run", type=Path)
    parser.add_argument("--virtual-run", type=Path)
    parser.add_argument("--output", type=Path, default=Path("runs-engines"))
    args = parser.parse_args()
    for scenario in args.scenarios:
        locust = args.locust_run or _run(scenario, "locust", args.variant, args.output)
        # the Locust run's plan: the virtual engine would otherwise choose a finer scale
        scale = load_run(locust).result.plan.population_scale
        virtual = args.virtual_run or _run(scenario, "virtual", args.variant, args.output, scale)
        _print(f"{scenario.name}: {locust.name} vs {virtual.name}",
               side_by_side(_load(locust), _load(virtual)))  # fmt: skip


if __name__ == "__main__":
    main()
