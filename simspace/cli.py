"""The command line: the only place that turns simspace errors into messages and exit codes.

Exit codes: 0 passed; 1 a gate or expectation failed; 2 bad input or usage; 3 the run failed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console

from simspace import __version__
from simspace.errors import RunError, ScenarioError, SimspaceError
from simspace.scenario.loader import load_scenario
from simspace.scenario.schema import schema_json
from simspace.scenario.summary import ScenarioSummary

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_RUN_FAILED = 0, 1, 2, 3

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="simspace")
def cli() -> None:
    """simspace: rehearse and explain live-audio mega-events."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--variant", help="Also apply this variant (hypothesis) and validate the result.")
def validate(files: tuple[str, ...], variant: str | None) -> None:
    """Check scenario files; print a summary of each, or every problem found."""
    failures: list[ScenarioError] = []
    for file in files:
        try:
            console.print(ScenarioSummary(load_scenario(file, variant)))
        except ScenarioError as exc:
            failures.append(exc)
    if failures:
        raise ScenarioError([p for exc in failures for p in exc.problems])


@cli.command()
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of scenario files (for editors)."""
    text = schema_json()
    if output:
        Path(output).write_text(text, encoding="utf-8")
        err_console.print(f"wrote {output}")
    else:
        sys.stdout.write(text)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; errors become one red line each and an exit code, never a traceback."""
    try:
        cli.main(args=argv, prog_name="simspace", standalone_mode=False)
    except click.exceptions.Abort:
        err_console.print("[red]interrupted[/red]")
        return 130
    except click.ClickException as exc:
        exc.show()
        return EXIT_BAD_INPUT
    except ScenarioError as exc:
        for problem in exc.problems:
            err_console.print(f"[red]{problem}[/red]", markup=True, soft_wrap=True)
        return EXIT_BAD_INPUT
    except RunError as exc:
        err_console.print(f"[red]run failed: {exc}[/red]")
        return EXIT_RUN_FAILED
    except SimspaceError as exc:
        err_console.print(f"[red]error: {exc}[/red]")
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
