"""`simspace view`: serve the web viewer over some run directories until Ctrl-C. Loopback unless
told otherwise; read-only."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click
from rich.markup import escape

from simspace.errors import UsageError
from simspace.server.runner import is_loopback, run_server
from simspace.terminal import make_console
from simspace.viewer.app import create_viewer_app
from simspace.viewer.catalog import Catalog

console = make_console()


@click.command()
@click.argument("runs_dirs", nargs=-1, type=click.Path(file_okay=False))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Another than loopback makes every run visible to that network.",
)
@click.option("--port", default=8089, show_default=True, type=click.IntRange(0, 65535))
def view(runs_dirs: tuple[str, ...], host: str, port: int) -> None:
    """Browse the runs under RUNS_DIRS (default: runs) in a web browser: index, run pages with
    interactive charts, comparisons and live runs. Read-only; Ctrl-C to stop."""
    roots = [Path(d) for d in runs_dirs or ("runs",)]
    missing = [str(r) for r in roots if not r.is_dir()]
    if missing:
        raise UsageError(f"no such directory: {', '.join(missing)} (runs are written by "
                         "`simspace run`, under runs/ by default)")  # fmt: skip
    if not is_loopback(host):
        console.print(
            f"[yellow]listening on {escape(host)}: every run under these directories is "
            "visible to anyone who can reach this address on that network[/yellow]",
            soft_wrap=True,
        )
    app = create_viewer_app(Catalog(roots))

    def announce(url: str, bound_port: int) -> None:
        console.print(f"[green]simspace view[/green] on {url}/ — runs under "
                      f"{escape(', '.join(map(str, roots)))}; Ctrl-C to stop")  # fmt: skip

    asyncio.run(run_server(app, host=host, port=port, allow_remote=True, on_ready=announce))
    console.print("stopped")
