"""The HTTP engine checked against the virtual one on a small scenario: the same plan, run with
both engines, gives the same event-scale outcomes within the Locust run's timing resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.judge.agreement import Value, outcomes
from simspace.judge.facts.compare import compare
from simspace.report.outputs import load_run
from tests.run.cli_runs import SMALL, simspace

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# Relative tolerances: the Locust engine's clock is the wall clock (one wall second is `speedup`
# event seconds) and its requests wait on real sockets; the virtual engine's do not.
TOLERANCE = {
    "arrived": 0.02,
    "heard audio": 0.10,
    "gave up": 0.10,
    "peak listeners": 0.10,
    "error 'Details not available'": 0.15,
    "error 'Could not fetch Space'": 0.15,
}


def _outcomes(output: Path, engine: str) -> dict[str, Value]:
    # one plan for both (the virtual engine would choose a finer scale by itself)
    done = simspace(["run", str(SMALL), "--engine", engine, "--scale", "1/100"], output)
    assert done.returncode == 0, done.stderr
    (run_dir,) = done.run_dirs()
    report = load_run(run_dir)
    check = report.result.cross_check
    if engine == "locust":  # checked against the virtual engine by the run itself
        assert check is not None
        assert (check.engine, check.agreed, check.differences) == ("virtual", True, [])
    else:
        assert check is None
    return outcomes(report.result, compare(report.scenario, report.result))


def test_locust_and_virtual_engines_agree(tmp_path: Path) -> None:
    locust = _outcomes(tmp_path / "locust", "locust")
    virtual = _outcomes(tmp_path / "virtual", "virtual")
    speedup = 60.0  # the scenario's
    start_l, start_v = locust["start delay (s)"], virtual["start delay (s)"]
    assert isinstance(start_l, float)
    assert isinstance(start_v, float)
    assert abs(start_l - start_v) <= 2 * speedup
    for name, tolerance in TOLERANCE.items():
        a, b = locust[name], virtual[name]
        assert isinstance(a, float)
        assert isinstance(b, float)
        assert abs(a - b) <= tolerance * max(a, b), (name, a, b)
    verdicts = [name for name in locust if name.endswith(" verdict")]
    assert verdicts
    assert [locust[n] for n in verdicts] == [virtual[n] for n in verdicts]
