"""`simspace plan`: the plan, and with --predict the request rate it will really send."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from simspace.cli.main import main
from simspace.units import parse_count

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def test_predict_plays_the_plan_and_shows_its_busiest_second(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["plan", str(SMALL), "--scale", "1/400", "--speedup", "60"]) == 0
    plain = capsys.readouterr().out
    assert "predicted load" not in plain
    assert main(["plan", str(SMALL), "--scale", "1/400", "--speedup", "60", "--predict"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    count = r"~([\d.]+k?)"
    found = re.search(
        rf"predicted load {count} real req/s in the busiest wall second, {count} req/s", out
    )
    assert found is not None, out
    busiest, window = (parse_count(g) for g in found.groups())
    peak = re.search(rf"{count} real req/s at the busiest", out)
    assert peak is not None, out
    expected = parse_count(peak.group(1))
    # the join storm under overload sends more than the audience alone would
    assert busiest >= window > 0
    assert busiest > expected


def test_the_virtual_engine_plan_says_why_its_scale(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["plan", str(SMALL), "--speedup", "60", "--engine", "virtual"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "virtual time" in out
    assert "30s budget" in out
