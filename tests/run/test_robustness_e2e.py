"""A virtual run of tests/data/robust_space.yaml, whose labels are known by construction: the
start delay is set by the fitted scale-up's time, listeners hearing audio is sensitive to the
fitted CDN capacity (lost at its low end), the API overload is robust. The labels reach
result.json, the console, report.html and junit.xml."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.run.cli_runs import ROOT, simspace

pytestmark = pytest.mark.e2e

ROBUST = ROOT / "tests" / "data" / "robust_space.yaml"
SET_BY = "set by operator_actions[0] (set_capacity at +6m)"
SENSITIVE = "sensitive to platform.tiers.cdn.capacity_rps (not reproduced at 1k)"
ROBUST_TEXT = "robust (reproduced at all 4 perturbations)"


def test_a_virtual_run_labels_each_reproduced_fact_everywhere(tmp_path: Path) -> None:
    # a coarse scale: seconds; the perturbations are never finer than the run
    done = simspace(["run", str(ROBUST), "--engine", "virtual", "--scale", "1/100"], tmp_path)
    assert done.returncode == 0, done.stderr
    robustness = done.result()["robustness"]
    assert [p["path"] for p in robustness["parameters"]] == [
        "platform.tiers.cdn.capacity_rps",
        "operator_actions[0].at",
    ]
    assert robustness["population_scale"] == pytest.approx(1 / 100)
    assert robustness["seed"] == 7
    labels = {fact: (label["label"], label["text"]) for fact, label in robustness["facts"].items()}
    assert labels == {
        "delay": ("set_by", SET_BY),
        "heard_audio": ("sensitive", SENSITIVE),
        "overload": ("robust", ROBUST_TEXT),
    }
    for text in (SET_BY, SENSITIVE, ROBUST_TEXT, "robustness: 4 perturbations of 2 fitted"):
        assert text in done.stdout
    (run_dir,) = done.run_dirs()
    html = (run_dir / "report.html").read_text(encoding="utf-8")
    assert f'<small class="robustness">{SET_BY}</small>' in html
    junit = ET.parse(run_dir / "junit.xml").getroot()
    out = {case.get("name"): case.findtext("system-out") for case in junit.iter("testcase")}
    assert out["heard_audio"] == f"robustness: {SENSITIVE}"


def test_robustness_is_for_the_modelled_platform_not_a_real_target(tmp_path: Path) -> None:
    args = ["run", str(ROBUST), "--robustness", "--target", "http://127.0.0.1:9/x.m3u8"]
    done = simspace(args, tmp_path)
    assert done.returncode == 2
    assert "--robustness perturbs the modelled platform" in done.stderr
    assert not done.run_dirs()
