"""`simspace validate`, `simspace schema` and `--version` through the CLI's one entry point, which
turns errors into problem lines on stderr and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simspace import __version__
from simspace.cli.main import main

ROOT = Path(__file__).parents[2]
TRUMP = ROOT / "scenarios" / "trump_space.yaml"
DESANTIS = ROOT / "scenarios" / "desantis_launch.yaml"
MINIMAL = ROOT / "tests" / "scenario" / "data" / "minimal.yaml"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_validate_reference_scenarios(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(TRUMP), str(DESANTIS))
    assert code == 0, err
    assert err == ""
    assert f"ok {TRUMP}" in out
    assert f"ok {DESANTIS}" in out
    for label in ("event", "window", "audience", "speakers", "platform", "facts", "variants"):
        assert f"\n{label} " in out
    assert "Trump–Musk conversation" in out
    assert "9 scored, 2 claim(s)" in out
    assert "organic, ddos" in out
    assert "fanout, cdn_meltdown" in out


def test_validate_with_a_variant(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(TRUMP), "--variant", "ddos")
    assert code == 0, err
    assert f"ok {TRUMP} [variant ddos]" in out
    assert "1 attack(s)" in out


def test_validate_with_an_unknown_variant(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "validate", str(MINIMAL), "--variant", "aliens")
    assert code == 2
    assert out == ""
    assert err.splitlines() == [f"{MINIMAL}:50:3: variants: no variant 'aliens' (variants: ddos)"]


def test_validate_reports_every_problem_of_every_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = broken_copy(tmp_path, "patience: 50m", "patiense: 50m\n    ping_interval: often")
    code, out, err = run(capsys, "validate", str(TRUMP), str(broken), str(tmp_path / "nope.yaml"))
    assert code == 2
    assert f"ok {TRUMP}" in out
    assert err.splitlines() == [
        f"{broken}:24:5: audience.client.patiense: unknown key 'patiense' "
        "(did you mean 'patience'?)",
        f"{broken}:25:20: audience.client.ping_interval: expected a duration like 90s, 40m or "
        "2h15m (got 'often')",
        f"{tmp_path / 'nope.yaml'}:1:1: cannot read: No such file or directory",
    ]


def test_validate_needs_a_file(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "validate")
    assert code == 2
    assert "Missing argument 'FILES...'" in err


def test_problem_lines_are_printed_verbatim(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = broken_copy(tmp_path, "[41m, 42m]", "[41m, 42m, 43m]")
    code, _, err = run(capsys, "validate", str(broken))
    assert code == 2
    assert err.splitlines() == [
        f"{broken}:40:15: facts[0].reported: a range is [low, high] (got 3 values)"
    ]


def test_schema_prints_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "schema")
    assert code == 0, err
    schema = json.loads(out)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    assert {"event", "window", "audience", "facts", "variants"} <= set(schema["properties"])
    assert "ReportedDuration" in schema["$defs"]


def test_schema_writes_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "scenario.schema.json"
    code, out, err = run(capsys, "schema", "-o", str(target))
    assert code == 0, err
    assert out == ""
    assert err.split() == ["wrote", str(target)]  # the console may wrap a long path
    assert json.loads(target.read_text(encoding="utf-8"))["title"] == "Scenario"


def test_schema_on_stdout_equals_the_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "scenario.schema.json"
    run(capsys, "schema", "-o", str(target))
    _, out, _ = run(capsys, "schema")
    assert out == target.read_text(encoding="utf-8")


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0
    assert out == f"simspace, version {__version__}\n"
