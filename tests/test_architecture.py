"""The layers point one way (docs/architecture.md): import-linter's contracts from pyproject.toml,
run in a fresh interpreter so that what this test process imported cannot hide a problem."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "simspace"


def test_import_contracts_are_kept() -> None:
    code = (
        "import sys\n"
        "from importlinter.cli import lint_imports\n"
        "sys.exit(lint_imports(no_cache=True, no_logo=True))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_package_is_in_a_layer() -> None:
    """A new top-level package or module must be placed in the layers, or nothing checks it."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers")["layers"]
    named = {m.strip() for layer in layers for m in re.split(r"[|:]", layer)}
    top = {
        f"simspace.{p.stem if p.is_file() else p.name}"
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists())
        or (p.suffix == ".py" and p.stem not in ("__init__", "__main__"))
    }
    assert top <= named, f"not in any layer: {sorted(top - named)}"


RUN_MODE = re.compile(r"\btarget is (not )?None\b|\.mode\s*==|TARGET is (not )?None")
MAY_CHOOSE = {
    "run/backends/__init__.py",  # the one place that chooses an engine
    "cli/options.py",  # --target becomes an option
    "load/locustfile.py",  # the Locust side of both Locust backends reads its own config
    "report/outputs.py",  # the reproduce command repeats a target's own options
    "report/target_view.py",  # the section about the target, when there is one
}


def test_outside_the_backends_no_module_branches_on_the_run_mode() -> None:
    """What differs between engines lives in run/backends; the rest reads what was observed
    (`RunResult.observer`), and only shows a target's own description where there is one."""
    found = [
        f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if str(path.relative_to(PACKAGE)) not in MAY_CHOOSE
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if RUN_MODE.search(line)
    ]
    assert not found, "\n".join(found)
