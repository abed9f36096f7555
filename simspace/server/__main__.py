"""`python -m simspace.server`: the stub platform as its own process, as the orchestrator runs it.

Exit codes: 0 after a clean SIGTERM/SIGINT shutdown; 2 bad input (scenario, options, unsafe host).
"""

from __future__ import annotations

import argparse
import asyncio
import json
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

logger = logging.getLogger("simspace.server")

EXIT_OK, EXIT_BAD_INPUT = 0, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m simspace.server", description=__doc__)
    parser.add_argument("--scenario-json", required=True, type=Path, help="validated scenario dump")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--wall0", type=float, help="wall time (epoch s) of t_begin; default now")
    parser.add_argument("--t-begin", type=float, help="event time at wall0; default window start")
    parser.add_argument("--speedup", type=float, default=1.0, help="event seconds per wall second")
    parser.add_argument("--seed", type=int, help="default: the scenario's simulation.seed")
    parser.add_argument("--ready-file", type=Path, help='write {"url","port","pid"} when listening')
    parser.add_argument("--dump-dir", type=Path, help="write timeline.json, ledger.json on exit")
    parser.add_argument("--live", action="store_true", help="start the first Space at once")
    parser.add_argument(
        "--session-timeout", type=float, help="event s without a ping before a listener expires"
    )
    parser.add_argument("--allow-remote", action="store_true", help="allow a non-loopback host")
    parser.add_argument("--log-level", default="INFO")
    return parser


def _load(path: Path) -> Scenario:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Scenario.model_validate(data)
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (ValueError, ValidationError) as exc:
        raise UsageError(f"{path}: not a valid scenario dump: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        if not (0 < args.speedup <= 10_000):
            raise UsageError(f"--speedup must be in (0, 10000] (got {args.speedup})")
        scenario = _load(args.scenario_json)
        wall0 = time.time() if args.wall0 is None else args.wall0
        t_begin = scenario.window.start if args.t_begin is None else args.t_begin
        clock = EventClock(wall0=wall0, t_begin=t_begin, speedup=args.speedup)
        app = create_app(
            scenario, clock, seed=args.seed, live=args.live, session_timeout_s=args.session_timeout
        )
        asyncio.run(
            run_server(
                app,
                host=args.host,
                port=args.port,
                allow_remote=args.allow_remote,
                ready_file=args.ready_file,
                dump_dir=args.dump_dir,
            )
        )
    except SimspaceError as exc:
        logger.error("%s", exc)
        return EXIT_BAD_INPUT
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
