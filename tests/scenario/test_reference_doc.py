"""The committed field reference is the one the model's JSON Schema generates today."""

from __future__ import annotations

import difflib
import subprocess
import sys
from pathlib import Path

import pytest

from simspace.scenario.loader import load_scenario
from simspace.scenario.reference import REGENERATE, reference_markdown

ROOT = Path(__file__).parents[2]
COMMITTED = ROOT / "docs" / "scenario-reference.md"


def test_committed_reference_is_up_to_date() -> None:
    generated = reference_markdown()
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    if committed != generated:
        diff = "".join(
            difflib.unified_diff(
                committed.splitlines(keepends=True),
                generated.splitlines(keepends=True),
                "docs/scenario-reference.md (committed)",
                "docs/scenario-reference.md (generated)",
                n=1,
            )
        )
        pytest.fail(
            f"docs/scenario-reference.md is stale; regenerate it with:\n    {REGENERATE}\n\n"
            + diff[:4000],
            pytrace=False,
        )


def test_reference_covers_every_model_and_unit() -> None:
    text = reference_markdown()
    for heading in ("## Units", "## Scenario", "## Event", "## Gate", "## ReportedDuration"):
        assert f"\n{heading}\n" in text
    assert "Each item of `facts` is chosen by its `metric`:" in text
    assert "| `ping_timeout` | [duration](#units) | `1m30s` |" in text
    assert "| `probability` | [ratio](#units) | `50%` |" in text


def test_every_link_in_the_reference_has_a_section() -> None:
    text = reference_markdown()
    anchors = {line[3:].lower() for line in text.splitlines() if line.startswith("## ")}
    links = {part.split(")")[0] for part in text.split("](#")[1:]}
    assert links <= anchors


def test_the_module_prints_the_reference() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "simspace.scenario.reference"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
    )
    assert done.stdout == reference_markdown()


GUIDE = ROOT / "docs" / "scenario-format.md"


def test_the_guide_example_is_a_valid_scenario(tmp_path: Path) -> None:
    text = GUIDE.read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```\n", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.scenario.event.name == "trump_space"
    assert set(loaded.scenario.variants) == {"organic", "ddos"}
    ddos = load_scenario(path, "ddos").scenario
    assert ddos.platform.tiers["api"].capacity_rps == 150_000
    assert ddos.platform.tiers["api"].queue_limit == 1_200_000


def test_the_guide_links_to_sections_that_exist() -> None:
    guide = GUIDE.read_text(encoding="utf-8")
    anchors = {
        line[3:].lower() for line in reference_markdown().splitlines() if line.startswith("## ")
    }
    links = {part.split(")")[0] for part in guide.split("](scenario-reference.md#")[1:]}
    assert links
    assert links <= anchors
