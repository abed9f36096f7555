"""A newcomer's first commands: `simspace init` writes a commented starter scenario, and
`simspace locustfile` writes what plain `locust` needs to load a running `simspace serve`."""

from __future__ import annotations

import json
import os
import shlex
import urllib.request
from pathlib import Path, PurePath
from urllib.parse import urlsplit

import click
from rich.markup import escape

from simspace import units
from simspace.cli.options import parse_option
from simspace.cli.running import console
from simspace.clock import EventClock
from simspace.errors import OutputPathError, UnsafeTargetError, UsageError, os_reason
from simspace.fileio import write_atomic, write_json
from simspace.plan import Plan, make_plan
from simspace.scenario.loader import load_scenario
from simspace.scenario.schema import SCHEMA_FILE
from simspace.server.runner import is_loopback
from simspace.wire.load_config import CONFIG_ENV, LoadConfig

STARTER = Path(__file__).with_name("starter_scenario.yaml")
"""The starter scenario `init` writes, below its language-server line (package data)."""
DEFAULT_STUB = "http://127.0.0.1:8000"  # `simspace serve`'s default address
CLOCK_TIMEOUT_S = 5.0
MAX_CLOCK_BYTES = 4096
GENERATED = "Written by `simspace locustfile`"
"""The first words of a locustfile it wrote: another file of that name is not overwritten."""


def language_server_line(scenario: Path, schema: Path = SCHEMA_FILE) -> str:
    """`# yaml-language-server: $schema=...` for a scenario written at `scenario`: the schema's
    path relative to the scenario's directory, or absolute when they are on different drives."""
    schema = schema.resolve()
    try:
        where = PurePath(os.path.relpath(schema, scenario.resolve().parent)).as_posix()
    except ValueError:  # Windows: no relative path between drives
        where = schema.as_posix()
    return f"# yaml-language-server: $schema={where}\n"


def starter_text(scenario: Path) -> str:
    """The starter scenario as `init` writes it at `scenario`."""
    return language_server_line(scenario) + STARTER.read_text(encoding="utf-8")


def _write(path: Path, text: str) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text)
    except OSError as exc:
        raise OutputPathError(path, f"cannot write: {os_reason(exc)}") from None


@click.command()
@click.argument("path", default="scenario.yaml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: str, force: bool) -> None:
    """Write a commented starter scenario to PATH (default: scenario.yaml): it validates and
    runs as it stands, and its first line points editors at simspace's JSON Schema."""
    target = Path(path)
    if target.exists() and not force:
        raise OutputPathError(target, "already exists; pass --force to overwrite it")
    _write(target, starter_text(target))
    quoted = shlex.quote(path)
    written = f"wrote {escape(path)}: a made-up event, every number a hypothesis"
    console.print(written, soft_wrap=True)
    console.print(f"  simspace validate {escape(quoted)}", soft_wrap=True)
    console.print(f"  simspace run {escape(quoted)} --engine virtual", soft_wrap=True)


def stub_origin(host: str, allow_remote: bool) -> str:
    """`--host` as scheme://host:port, refused beyond loopback without `--allow-remote`."""
    parts = urlsplit(host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--host {host!r}: expected the stub's URL, e.g. {DEFAULT_STUB}")
    if not allow_remote and not is_loopback(parts.hostname):
        raise UnsafeTargetError(
            f"--host {host!r}: {parts.hostname} is not a loopback address; simspace loads only "
            "this machine unless you pass --allow-remote"
        )
    return f"{parts.scheme}://{parts.netloc}"


def read_event_clock(origin: str) -> tuple[EventClock, float]:
    """The stub's event clock (`/_sim/clock`) and its event time now."""
    url = origin + "/_sim/clock"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no proxy
    try:
        with opener.open(url, timeout=CLOCK_TIMEOUT_S) as response:
            doc = json.loads(response.read(MAX_CLOCK_BYTES))
        clock = EventClock(float(doc["wall0"]), float(doc["t_begin"]), float(doc["speedup"]))
        return clock, float(doc["t"])
    except OSError as exc:
        reason = getattr(exc, "reason", None) or os_reason(exc)
        raise UsageError(
            f"--host {origin}: no simspace stub answers at {url} ({reason}); start it first: "
            "simspace serve SCENARIO"
        ) from None
    except (ValueError, TypeError, KeyError):
        raise UsageError(f"--host {origin}: {url} is not a simspace stub's event clock") from None


def locust_commands(directory: Path, origin: str, workers: int) -> list[str]:
    """The commands that run the written locustfile: web UI, and headless with -t."""
    base = f"locust -f {shlex.quote(str(directory / 'locustfile.py'))} --host {origin}"
    if workers > 1:
        base += f" --processes {workers}"
    return [base, base + " --headless -t 5m"]


def locustfile_source(scenario_name: str, origin: str, commands: list[str]) -> str:
    """The locustfile for plain Locust: it names the load configuration beside it and imports
    simspace's user and shape classes (which read it)."""
    runs = "\n".join(f"#     {' '.join(c.split())}" for c in commands)  # one line each
    return (
        f"# {GENERATED} for scenario {scenario_name}: its listeners against the\n"
        f"# `simspace serve` at {origin}, on the event clock in load-config.json (beside this\n"
        "# file). Restarted the server? Write this again: its clock changed. Run:\n"
        f"{runs}\n"
        "# The shape sets the users and the spawn rate from the plan's arrivals (-u and -r do not\n"
        "# apply) and stops at the end of the window, or after -t/--run-time if that is sooner.\n"
        "import os\n"
        "from pathlib import Path\n\n"
        f'os.environ["{CONFIG_ENV}"] = str(Path(__file__).with_name("load-config.json"))\n\n'
        "from simspace.load.locustfile import ArrivalShape, ListenerUser  # noqa: E402\n\n"
        '__all__ = ["ArrivalShape", "ListenerUser"]\n'
    )


def _check_overwrite(path: Path, force: bool) -> None:
    if force or not path.exists():
        return
    try:
        ours = path.read_text(encoding="utf-8").startswith(f"# {GENERATED}")
    except (OSError, UnicodeDecodeError):
        ours = False
    if not ours:
        raise OutputPathError(path, "exists and was not written by simspace; pass --force")


def _plan_line(plan: Plan, now_t: float) -> str:
    fmt, wall = units.format_offset_s, units.format_duration_s
    return (
        f"{len(plan.arrivals)} simulated listeners (1 per {plan.listener_weight:.4g} event "
        f"listeners), event {fmt(plan.t_begin)} .. {fmt(plan.t_end)} at speedup "
        f"{plan.speedup:g}; the stub's clock reads {fmt(round(now_t))}: the window ends in "
        f"{wall(round((plan.t_end - now_t) / plan.speedup))} of wall time"
    )


@click.command("locustfile")
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output_dir", required=True, type=click.Path(file_okay=False),
              help="Where to write locustfile.py and load-config.json (created).")  # fmt: skip
@click.option("--variant", help="Apply this variant (hypothesis): the one the stub serves.")
@click.option("--host", default=DEFAULT_STUB, show_default=True,
              help="The running `simspace serve`: the load follows its event clock.")  # fmt: skip
@click.option("--scale", help="Population scale, e.g. 1/500 (default: chosen by the plan).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Locust processes (`--processes N` in the command).")  # fmt: skip
@click.option("--allow-remote", is_flag=True, help="Allow a --host that is not loopback.")
@click.option("--force", is_flag=True, help="Overwrite a locustfile.py simspace did not write.")
def locustfile(
    scenario: str,
    output_dir: str,
    variant: str | None,
    host: str,
    scale: str | None,
    workers: int,
    allow_remote: bool,
    force: bool,
) -> None:
    """Write DIR/locustfile.py and DIR/load-config.json: SCENARIO's listeners for plain
    `locust` against a running `simspace serve` (same scenario and variant), and print the
    command."""
    loaded = load_scenario(scenario, variant)
    origin = stub_origin(host, allow_remote)
    clock, now_t = read_event_clock(origin)
    population_scale = parse_option(units.parse_fraction, scale, "--scale")
    plan = make_plan(loaded.scenario, loaded.variant, speedup=clock.speedup,
                     population_scale=population_scale)  # fmt: skip
    if now_t >= plan.t_end:
        raise UsageError(
            f"the stub's event clock reads {units.format_offset_s(round(now_t))}, past the "
            f"window's end {units.format_offset_s(plan.t_end)}: restart `simspace serve`"
        )
    directory = Path(output_dir)
    observations = directory.resolve() / "observations"
    _check_overwrite(directory / "locustfile.py", force)
    try:
        observations.mkdir(parents=True, exist_ok=True)
        config = LoadConfig.build(loaded.scenario, plan, clock, observations, workers)
        write_json(directory / "load-config.json", config)
    except OSError as exc:
        raise OutputPathError(directory, f"cannot write: {os_reason(exc)}") from None
    commands = locust_commands(directory, origin, workers)
    source = locustfile_source(loaded.scenario.event.name, origin, commands)
    _write(directory / "locustfile.py", source)
    _report(directory, plan, now_t, commands)


def _report(directory: Path, plan: Plan, now_t: float, commands: list[str]) -> None:
    shown = escape(str(directory))
    console.print(f"wrote {shown}/locustfile.py and {shown}/load-config.json:", soft_wrap=True)
    console.print(f"  {escape(_plan_line(plan, now_t))}", soft_wrap=True)
    console.print("run it while the stub runs (web UI on http://127.0.0.1:8089, or headless):")
    for command in commands:
        console.print(f"  {escape(command)}", soft_wrap=True)
    console.print(f"listener observations go to {shown}/observations/", soft_wrap=True)
