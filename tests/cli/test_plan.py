"""`simspace plan`: the plan, and with --predict the request rate it will really send."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simspace.cli.main import main

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def test_predict_plays_the_plan_and_shows_its_busiest_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", str(SMALL), "--scale", "1/400", "--speedup", "60"]) == 0
    plain = capsys.readouterr().out
    assert "predicted load" not in plain
    assert main(["plan", str(SMALL), "--scale", "1/400", "--speedup", "60", "--predict"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    found = re.search(r"predicted load ([\d,]+) req/s in the busiest wall second, ([\d,]+)", out)
    assert found is not None, out
    busiest, window = (float(g.replace(",", "")) for g in found.groups())
    expected = float(re.search(r"~(\d+) real req/s", out).group(1))  # type: ignore[union-attr]
    # the join storm under overload sends more than the audience alone would
    assert busiest >= window > 0
    assert busiest > expected


def test_the_virtual_engine_plan_says_why_its_scale(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plan", str(SMALL), "--speedup", "60", "--engine", "virtual"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "virtual time" in out
    assert "30s budget" in out
