"""`python -m simspace.server`: the stub platform as its own process, as the run starts it
(flags: `simspace.wire.server_args.ServerArgs`).

Exit codes: 0 after a clean SIGTERM/SIGINT shutdown (or once the run that started it, named by
`SIMSPACE_PARENT_PID`, is gone); 2 bad input (scenario, options, unsafe host).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

from pydantic import ValidationError

from simspace.clock import EventClock
from simspace.errors import SimspaceError, UsageError
from simspace.scenario.model import Scenario
from simspace.server.app import create_app
from simspace.server.runner import run_server
from simspace.server.weights import MAX_WEIGHT
from simspace.wire.lifeline import die_with_parent, expected_parent
from simspace.wire.server_args import ServerArgs

logger = logging.getLogger("simspace.server")

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _load(path: Path) -> Scenario:
    try:
        return Scenario.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(f"{path}: not a valid scenario dump: {exc}") from None


def _serve(args: ServerArgs, parent_pid: int | None) -> None:
    scenario = _load(args.scenario_json)
    wall0 = time.time() if args.wall0 is None else args.wall0
    t_begin = scenario.window.start if args.t_begin is None else args.t_begin
    clock = EventClock(wall0=wall0, t_begin=t_begin, speedup=args.speedup)
    app = create_app(
        scenario,
        clock,
        seed=args.seed,
        live=args.live,
        session_timeout_s=args.session_timeout_s,
        utilisation_window_s=args.utilisation_window_s,
        max_weight=MAX_WEIGHT if args.max_weight is None else args.max_weight,
    )
    asyncio.run(
        run_server(
            app,
            host=args.host,
            port=args.port,
            allow_remote=args.allow_remote,
            ready_file=args.ready_file,
            dump_dir=args.dump_dir,
            parent_pid=parent_pid,
        )
    )


def main(argv: list[str] | None = None) -> int:
    try:
        args = ServerArgs.parse(argv)
    except ValidationError as exc:
        logging.basicConfig()
        logger.error("%s", "; ".join(str(e["msg"]) for e in exc.errors()))
        return EXIT_BAD_INPUT
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    parent_pid = expected_parent()
    if parent_pid is not None and not die_with_parent(parent_pid):
        logger.warning("the process that started this server (pid %d) is gone", parent_pid)
        return EXIT_OK
    try:
        _serve(args, parent_pid)
    except SimspaceError as exc:
        logger.error("%s", exc)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
