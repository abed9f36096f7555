"""The CI recipes in docs/ci.md are the commands the project's own `.ci/run` uses: no drift."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import yaml

from simspace.judge.gates import parse_gates
from simspace.judge.gates.parse import GateContext
from simspace.scenario.loader import load_scenario

ROOT = Path(__file__).resolve().parents[1]
CI_MD = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
CI_RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section_block(heading: str) -> str:
    """The first fenced code block after a `## heading` in docs/ci.md."""
    section = CI_MD.split(f"## {heading}\n", 1)[1]
    match = re.search(r"```[a-z]*\n(.*?)```", section, re.S)
    assert match, f"no code block under {heading!r}"
    return match[1]


def _commands(lines: list[str], program: str) -> list[str]:
    return [" ".join(line.split()) for line in lines if line.strip().startswith(program + " ")]


def _ci_run_commands(program: str) -> list[str]:
    lines = [line for line in CI_RUN.splitlines() if not line.lstrip().startswith("#")]
    return _commands(lines, program)


def _github_steps() -> list[str]:
    workflow: dict[str, Any] = yaml.safe_load(_section_block("GitHub Actions"))
    (job,) = workflow["jobs"].values()
    return [str(step["run"]).strip() for step in job["steps"] if "run" in step]


def _gitlab_script() -> list[str]:
    jobs: dict[str, Any] = yaml.safe_load(_section_block("GitLab CI"))
    (job,) = jobs.values()
    return [str(line).strip() for line in job["script"]]


def test_ci_run_runs_the_readme_test_command() -> None:
    readme_test = next(line for line in README.splitlines() if line.endswith("-m pytest"))
    assert readme_test in CI_RUN.splitlines()


def test_the_smoke_gate_is_the_same_command_everywhere() -> None:
    smoke = _ci_run_commands("simspace")
    assert len(smoke) == 1
    assert smoke[0].startswith("simspace run scenarios/ci_smoke.yaml")
    documented = _commands(
        _section_block("The smoke gate this project runs").splitlines(), "simspace"
    )
    assert documented == smoke
    assert _commands(_github_steps(), "simspace") == smoke
    assert _commands(_gitlab_script(), "simspace") == smoke


def test_the_recipes_install_what_ci_installs() -> None:
    # .ci/run installs the test extra on top (pytest, linters); the gate itself needs only `.`
    assert "python3 -m pip install -e '.[test]'" in CI_RUN
    for commands in (_github_steps(), _gitlab_script()):
        assert "python3 -m pip install -e ." in commands
        assert commands.index("python3 -m pip install -e .") < len(commands) - 1


def test_the_smoke_command_is_valid() -> None:
    """The scenario loads and every --gate of the command parses (the run itself is .ci/run's)."""
    words = shlex.split(_ci_run_commands("simspace")[0])
    scenario = load_scenario(ROOT / words[2]).scenario
    gates = [words[i + 1] for i, word in enumerate(words) if word == "--gate"]
    assert gates
    assert parse_gates(gates, GateContext.of(scenario))
    assert scenario.gates.expect == "survive"
    assert scenario.gates.checks
    assert any(gate.abort_on_fail for gate in scenario.gates.checks)
