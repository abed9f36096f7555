"""`simspace serve`: run the stub platform for a scenario in the foreground until Ctrl-C."""

from __future__ import annotations

import asyncio

import click

from simspace import units
from simspace.clock import EventClock, speedup_problem
from simspace.errors import UsageError
from simspace.hls import PLAYLIST_NAME
from simspace.scenario.loader import load_scenario
from simspace.scenario.model import Scenario
from simspace.server.app import create_app
from simspace.server.keys import MODEL_KEY
from simspace.server.runner import run_server
from simspace.terminal import make_console

__all__ = ["parse_start_at", "serve"]

console = make_console()


def parse_start_at(value: str, scenario: Scenario) -> float:
    """`-5m`, `+1h`, `0` or a clock time like `20:30` in the event's zone -> event seconds."""
    event = scenario.event
    try:
        return units.parse_event_time_s(value, event.date, event.scheduled_start, event.time_zone)
    except ValueError as exc:
        raise UsageError(f"--start-at: {exc}") from None


@click.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("--variant", help="Apply this variant (hypothesis).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--speedup", default=1.0, show_default=True, type=float, help="Event s per wall s.")
@click.option("--start-at", help="Event time to start at: -5m, 20:30 (default: window start).")
@click.option("--live", is_flag=True, help="Start the Space at once (no host client needed).")
@click.option("--allow-remote", is_flag=True, help="Allow listening on a non-loopback address.")
def serve(
    scenario: str,
    variant: str | None,
    host: str,
    port: int,
    speedup: float,
    start_at: str | None,
    live: bool,
    allow_remote: bool,
) -> None:
    """Run the stub Spaces platform for SCENARIO until Ctrl-C."""
    loaded = load_scenario(scenario, variant)
    model_scenario = loaded.scenario
    if problem := speedup_problem(speedup):
        raise UsageError(f"--speedup: {problem}")
    t_begin = (
        model_scenario.window.start
        if start_at is None
        else parse_start_at(start_at, model_scenario)
    )
    clock = EventClock.starting_now(t_begin=t_begin, speedup=speedup)
    app = create_app(model_scenario, clock, live=live)

    def announce(url: str, bound_port: int) -> None:
        space = app[MODEL_KEY].current
        console.print(
            f"[green]serving[/green] {model_scenario.event.name} on {url} "
            f"(event time {units.format_offset_s(round(clock.now()))}, speedup {speedup:g})"
        )
        console.print(f"  API       {url}/api/spaces/live")
        console.print(f"  playlist  {url}/hls/{space.media_key}/{PLAYLIST_NAME}")
        console.print(f"  control   {url}/_sim/state")
        if not live:
            console.print("  the Space starts when its host publishes (or use --live)")
        console.print("Ctrl-C to stop")

    asyncio.run(run_server(app, host=host, port=port, allow_remote=allow_remote, on_ready=announce))
    console.print("stopped")
