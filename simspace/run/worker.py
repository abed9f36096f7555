"""`simspace worker`: one Locust worker of a distributed run, on this host.

It needs only the simspace package: no scenario file and no run directory. It starts
`python -m locust --worker` with the simspace locustfile, which connects to the master, gets the
load configuration over Locust's message channel, settles its clock against the master's and
sends its observations back (`simspace.load.distributed`). It ends when the master ends the run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from simspace.errors import UnsafeTargetError, UsageError
from simspace.load import LOCUSTFILE
from simspace.run.processes import signal_group
from simspace.server.runner import is_loopback
from simspace.wire.lifeline import death_signal_hook, parent_env
from simspace.wire.load_config import CONFIG_ENV, WORKER_ENV

DEFAULT_MASTER_PORT = 5557
"""Locust's own default master port."""
STOP_GRACE_S = 10.0


def parse_master(address: str) -> tuple[str, int]:
    """`HOST[:PORT]` (IPv6 as `[::1]:5557`) -> host and port."""
    host, port = address, DEFAULT_MASTER_PORT
    if address.startswith("["):
        host, _, rest = address[1:].partition("]")
        if rest.startswith(":"):
            port = _port(rest[1:], address)
    elif address.count(":") == 1:
        host, _, text = address.partition(":")
        port = _port(text, address)
    if not host:
        raise UsageError(f"--master {address!r}: expected HOST[:PORT]")
    return host, port


def _port(text: str, address: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise UsageError(f"--master {address!r}: the port must be 1..65535")
    return int(text)


def check_master_host(host: str, *, allow_remote: bool) -> None:
    """Workers send load where the master says; a master off this machine needs an opt-in."""
    if not allow_remote and not is_loopback(host):
        raise UnsafeTargetError(
            f"refusing to join a master on {host!r}: not this machine (pass --allow-remote to "
            "take part in a run from another host)"
        )


def run_worker(host: str, port: int) -> int:
    """Run the Locust worker until it ends; returns its exit code. SIGTERM, SIGHUP (its terminal
    closed) or Ctrl-C stop it (SIGTERM to its group, SIGKILL after `STOP_GRACE_S`); the signal
    handler only signals, so it never waits inside a wait. Killed outright, this process
    leaves no Locust behind: the locustfile watches its parent (`simspace.wire.lifeline`)."""
    env = {k: v for k, v in os.environ.items() if k != CONFIG_ENV}
    env.update({WORKER_ENV: "1", "PYTHONUNBUFFERED": "1", **parent_env()})
    args = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--worker"]
    args += ["--master-host", host, "--master-port", str(port), "--loglevel", "WARNING"]
    child = subprocess.Popen(
        args,
        env=env,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        # only a prctl call, resolved beforehand: no lock another thread could hold
        preexec_fn=death_signal_hook(),  # noqa: PLW1509
    )
    asked_at: list[float] = []

    def on_sigterm(*_: object) -> None:
        asked_at.append(time.monotonic())
        signal_group(child.pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, on_sigterm) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        return _wait(child, asked_at)
    except KeyboardInterrupt:
        asked_at.append(time.monotonic())
        signal_group(child.pid, signal.SIGTERM)
        _wait(child, asked_at)
        return 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        signal_group(child.pid, signal.SIGKILL)


def _wait(child: subprocess.Popen[bytes], asked_at: list[float]) -> int:
    """The child's exit code; SIGKILL once it was asked to stop `STOP_GRACE_S` ago."""
    while True:
        try:
            return child.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            if asked_at and time.monotonic() - asked_at[0] > STOP_GRACE_S:
                signal_group(child.pid, signal.SIGKILL)
