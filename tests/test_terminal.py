"""No terminal control character from a scenario, a run directory or a target reaches the
terminal: the console drops them, and keeps its own styling."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from rich.table import Table

from simspace.terminal import SafeConsole, without_control_characters

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "x\x1b]0;pwned\x07\x1b[2J\x9b31my\rz\x00"


def test_control_characters_are_dropped_and_tab_and_newline_kept() -> None:
    assert without_control_characters(HOSTILE) == "x]0;pwned[2J31myz"
    assert without_control_characters("a\tb\nc") == "a\tb\nc"


def test_the_console_drops_them_inside_tables_and_keeps_its_own_styles() -> None:
    out = io.StringIO()
    console = SafeConsole(file=out, force_terminal=True, width=60, highlight=False)
    table = Table("fact")
    table.add_row(HOSTILE)
    console.print(table)
    console.print("[bold]verdict[/bold]")
    text = out.getvalue()
    assert "]0;pwned" in text
    for raw in ("\x1b]", "\x07", "\x1b[2J", "\x9b", "\r", "\x00"):
        assert raw not in text
    assert "\x1b[1mverdict" in text  # rich's own escape sequences still style


def test_validate_prints_a_hostile_title_without_its_escape_sequences(tmp_path: Path) -> None:
    smoke = (ROOT / "scenarios" / "ci_smoke.yaml").read_text(encoding="utf-8")
    hostile = smoke.replace(
        'title: "CI smoke gate: a join storm on a healthy Space"',
        'title: "CI smoke \\e]0;pwned\\a\\e[2J gate"',
    )
    assert hostile != smoke
    path = tmp_path / "hostile.yaml"
    path.write_text(hostile, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "simspace", "validate", str(path)],
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert b"CI smoke ]0;pwned[2J gate" in done.stdout
    assert b"\x1b" not in done.stdout
    assert b"\x07" not in done.stdout
