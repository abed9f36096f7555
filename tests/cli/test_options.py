"""The command line's shared options: `--label key=value` (checked before anything runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from simspace.cli.main import main
from simspace.cli.options import parse_labels, run_options
from simspace.errors import UsageError

SMALL = Path(__file__).parents[1] / "data" / "small_space.yaml"


def test_labels_parse_into_a_mapping_in_order() -> None:
    pairs = ["build=candidate", "ticket.id=ISSUE-12", "note=a b=c", "empty=", "k" * 64 + "=v"]
    assert parse_labels(pairs) == {
        "build": "candidate",
        "ticket.id": "ISSUE-12",
        "note": "a b=c",  # the first `=` splits; the value may hold more
        "empty": "",
        "k" * 64: "v",
    }
    assert parse_labels([]) == {}
    assert parse_labels(["long=" + "x" * 200]) == {"long": "x" * 200}


@pytest.mark.parametrize(
    ("pair", "message"),
    [
        ("candidate", "--label 'candidate': expected key=value"),
        ("=x", "--label '=x': the key must be 1-64 letters"),
        ("bad key=x", "--label 'bad key=x': the key must be 1-64 letters"),
        ("k" * 65 + "=x", f"--label '{'k' * 65}=x': the key must be 1-64 letters"),
        ("note=a\tb", "--label note: the value must be printable text (got 'a\\tb')"),
        ("long=" + "x" * 201, "--label long: the value is 201 characters long, at most 200"),
    ],
    ids=["no =", "no key", "space in key", "long key", "tab in value", "long value"],
)
def test_a_bad_label_is_a_usage_error_naming_it(pair: str, message: str) -> None:
    with pytest.raises(UsageError) as raised:
        parse_labels(["ok=1", pair])
    assert str(raised.value).startswith(message)


def test_every_bad_or_repeated_label_is_named_at_once() -> None:
    with pytest.raises(UsageError) as raised:
        parse_labels(["a=1", "b c=2", "a=3"])
    assert str(raised.value).splitlines() == [
        "--label 'b c=2': the key must be 1-64 letters, digits, _ . or -",
        "--label a: given more than once",
    ]


def test_run_options_carry_the_labels() -> None:
    options = run_options(None, None, None, None, None, labels=["build=candidate"])
    assert options.labels == {"build": "candidate"}


def test_a_bad_label_stops_run_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = ["run", str(SMALL), "--label", "a=1", "--label", "a=2", "--output", str(out)]
    assert main(args) == 2
    assert "error: --label a: given more than once" in capsys.readouterr().err
    assert not out.exists()
