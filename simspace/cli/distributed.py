"""A run across hosts on Locust's own distributed mode: `simspace run --master ...` (the master
beside the stub and the run directory) and `simspace worker --master HOST[:PORT]`
(docs/distributed.md)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click

from simspace import units
from simspace.errors import UnsafeTargetError, UsageError
from simspace.run.worker import DEFAULT_MASTER_PORT, check_master_host, parse_master, run_worker
from simspace.server.runner import is_loopback
from simspace.wire.load_config import MasterSettings

DEFAULT_CONNECT_TIMEOUT = "60s"
DEFAULT_MAX_CLOCK_OFFSET = "50ms"
_META = "simspace.master"


def _keep(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    ctx.meta.setdefault(_META, {})[param.name or ""] = value
    return value


def with_master_options(function: Callable[..., None]) -> Callable[..., None]:
    """The distributed-run options; read back with `master_settings()` (kept out of the
    command's own parameters)."""
    options = [
        click.option("--master", "master", is_flag=True, expose_value=False, callback=_keep,
                     help="Run Locust as the master of a distributed run: `simspace worker` "
                     "processes (here or on other hosts) play the listeners."),
        click.option("--master-bind-host", default="127.0.0.1", show_default=True,
                     expose_value=False, callback=_keep,
                     help="Address the master listens on for workers (loopback unless told)."),
        click.option("--master-port", type=click.IntRange(1, 65535),
                     default=DEFAULT_MASTER_PORT, show_default=True, expose_value=False,
                     callback=_keep, help="Port the master listens on for workers."),
        click.option("--expect-workers", type=click.IntRange(1, 1000), expose_value=False,
                     callback=_keep, help="With --master: workers that must connect."),
        click.option("--worker-connect-timeout", default=DEFAULT_CONNECT_TIMEOUT,
                     show_default=True, expose_value=False, callback=_keep,
                     help="With --master: end the run (exit 3) if the workers have not all "
                     "connected by then."),
        click.option("--stub-host", default="127.0.0.1", show_default=True,
                     expose_value=False, callback=_keep,
                     help="With --master: the address the embedded stub listens on, which the "
                     "workers load (another than loopback needs --allow-remote)."),
        click.option("--stub-port", type=click.IntRange(0, 65535), default=0,
                     expose_value=False, callback=_keep,
                     help="With --master: the stub's port (default: a free one), for a firewall "
                     "or a Kubernetes Service in front of it."),
        click.option("--max-clock-offset", default=DEFAULT_MAX_CLOCK_OFFSET, show_default=True,
                     expose_value=False, callback=_keep,
                     help="With --master: end the run if a worker's clock is further off the "
                     "master's than this; `none` to accept any offset."),
    ]  # fmt: skip
    for option in reversed(options):
        function = option(function)
    return function


def master_settings(
    ctx: click.Context, *, engine: str, workers: int, allow_remote: bool
) -> MasterSettings | None:
    """The distributed-run settings the command line gave, checked; None without --master."""
    given = ctx.meta.get(_META, {})
    stub_host = str(given.get("stub_host") or "127.0.0.1")
    expect = given.get("expect_workers")
    if not given.get("master"):
        if expect is not None or stub_host != "127.0.0.1" or given.get("stub_port"):
            raise UsageError(
                "--expect-workers, --stub-host and --stub-port apply with --master only"
            )
        return None
    if expect is None:
        raise UsageError("--master needs --expect-workers N (the workers that will connect)")
    if not is_loopback(stub_host) and not allow_remote:
        raise UnsafeTargetError(
            f"--stub-host {stub_host}: the stub would take load from beyond this machine; pass "
            "--allow-remote to let workers on other hosts load it"
        )
    if engine == "virtual":
        raise UsageError("--master distributes Locust; --engine virtual runs in this process")
    if workers > 1:
        raise UsageError("--master: the workers are `simspace worker` processes, not --workers")
    host = str(given.get("master_bind_host"))
    if not is_loopback(host):
        click.echo(
            f"note: the master listens on {host}: any host that reaches it can join the run",
            err=True,
        )
    offset = str(given.get("max_clock_offset")).strip()
    return MasterSettings(
        bind_host=host,
        port=int(given.get("master_port") or DEFAULT_MASTER_PORT),
        expect_workers=int(expect),
        connect_timeout_s=_duration(
            str(given.get("worker_connect_timeout")), "--worker-connect-timeout"
        ),
        max_clock_offset_s=None if offset == "none" else _duration(offset, "--max-clock-offset"),
        stub_host=stub_host,
        stub_port=int(given.get("stub_port") or 0),
    )


def remote_for_target(
    allow_remote: bool, master: MasterSettings | None, target_url: str | None
) -> bool:
    """`--allow-remote` speaks of the --target when there is one; with --master and no target,
    of the stub's address (`--stub-host`)."""
    return allow_remote and (target_url is not None or master is None)


def _duration(text: str, option: str) -> float:
    try:
        value = units.parse_duration_s(text)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}") from None
    if value <= 0 and option == "--worker-connect-timeout":
        raise UsageError(f"{option}: must be more than 0s")
    return value


@click.command()
@click.option(
    "--master",
    "master_address",
    required=True,
    metavar="HOST[:PORT]",
    help=f"The master to join (`simspace run --master`; port {DEFAULT_MASTER_PORT} by default).",
)
@click.option("--allow-remote", is_flag=True,
              help="Allow a master that is not on this machine.")  # fmt: skip
def worker(master_address: str, allow_remote: bool) -> None:
    """Join a distributed run as one Locust worker: needs no scenario file and no run
    directory (the master sends the load configuration); ends when the run ends."""
    host, port = parse_master(master_address)
    check_master_host(host, allow_remote=allow_remote)
    code = run_worker(host, port)
    if code != 0:
        sys.exit(code)
