"""A distributed run over Locust's own master/worker mode, simspace's part of it.

The master (beside the stub and the run directory) hands each worker the load configuration when
it connects, answers its clock probes, writes the observation batches it sends into the run
directory (one file per worker), and ends the run, saying which worker, when one never connects,
goes missing, or whose clock is too far off. A worker needs only the simspace package: it gets
its configuration, measures its clock against the master's and sends its observations back.

Locust's runner and environment are used through their documented methods only
(`send_message`, `register_message`, `events`), so this module does not import Locust itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import gevent
import gevent.event

from simspace.clock import EventClock
from simspace.fileio import write_json
from simspace.load.message_recorder import MessageRecorder, clock_offset
from simspace.wire.distributed import (
    CLOCK_PING,
    CLOCK_PONG,
    CLOCK_PROBES,
    CLOCK_REPORT,
    CONFIG_MESSAGE,
    FAILURE_FILE,
    FLUSH_MESSAGE,
    HELLO_MESSAGE,
    MAX_BATCH_BYTES,
    OBSERVATIONS_MESSAGE,
    WORKERS_FILE,
    ClockProbe,
    ClockReport,
    DistributedFailure,
    ObservationBatch,
    WorkerConfig,
    WorkerRecord,
    WorkersFile,
)
from simspace.wire.load_config import LoadConfig, MasterSettings

log = logging.getLogger(__name__)
__all__ = ["MasterHooks", "MessageRecorder", "WorkerHooks", "clock_offset"]

WATCH_INTERVAL_S = 1.0
FINAL_FLUSH_WAIT_S = 5.0
MASTER_SILENCE_S = 10.0
"""A worker that has not heard the master's heartbeat for this long quits (Locust's own
limit is a minute): a master that died must not leave load running on other hosts."""


# --- the master ---------------------------------------------------------------------------


@dataclass
class _Worker:
    record: WorkerRecord
    out: IO[str]
    final: bool = False


@dataclass
class MasterHooks:
    """The master's side: configuration out, observations in, workers watched."""

    config: LoadConfig
    settings: MasterSettings
    environment: Any
    run_dir: Path
    clock: EventClock
    workers: dict[str, _Worker] = field(default_factory=dict)
    failed: bool = False
    finished: bool = False  # the event window is over: workers leaving is expected
    written: WorkersFile | None = None  # what workers.json holds

    def install(self) -> None:
        runner = self.environment.runner
        runner.register_message(HELLO_MESSAGE, self._on_hello)
        runner.register_message(OBSERVATIONS_MESSAGE, self._on_batch)
        runner.register_message(CLOCK_PING, self._on_ping)
        runner.register_message(CLOCK_REPORT, self._on_clock_report)
        self.environment.events.quitting.add_listener(self._on_quitting)
        gevent.spawn(self._watch)

    def _on_hello(self, environment: Any, msg: Any, **_: Any) -> None:
        """A worker is ready for its configuration (Locust's own `worker_connect` fires before
        the worker's handlers exist, so the worker asks instead)."""
        client_id = str(msg.node_id)
        if client_id in self.workers:
            return
        runner = self.environment.runner
        index = int(runner.get_worker_index(client_id))
        if index >= self.settings.expect_workers:
            # Locust would hand it users, and slots index, index + N... are another's
            self._fail(
                f"worker {index} ({client_id}) joined beyond --expect-workers "
                f"{self.settings.expect_workers}: listeners would be played twice or never",
                client_id,
            )
            return
        path = Path(self.config.observations_dir) / f"observations-w{index}.jsonl"
        record = WorkerRecord(index=index, client_id=client_id, connected_at=self.clock.now())
        self.workers[client_id] = _Worker(record, path.open("a", encoding="utf-8"))
        host = str(self.environment.host or "")
        message = WorkerConfig(load=self.config, host=host).model_dump(mode="json")
        runner.send_message(CONFIG_MESSAGE, message, client_id)
        self._write_workers()

    def _on_ping(self, environment: Any, msg: Any, **_: Any) -> None:
        probe = ClockProbe.model_validate(msg.data)
        answer = ClockProbe(worker_sent_s=probe.worker_sent_s, master_s=time.time())
        environment.runner.send_message(CLOCK_PONG, answer.model_dump(), msg.node_id)

    def _on_clock_report(self, environment: Any, msg: Any, **_: Any) -> None:
        worker = self.workers.get(msg.node_id)
        if worker is None:
            return
        report = ClockReport.model_validate(msg.data)
        worker.record = worker.record.model_copy(
            update={"clock_offset_s": report.offset_s, "round_trip_s": report.round_trip_s}
        )
        self._write_workers()
        bound = self.settings.max_clock_offset_s
        if bound is not None and abs(report.offset_s) > bound:
            self._fail(
                f"worker {worker.record.index} ({msg.node_id}) has its clock "
                f"{report.offset_s * 1000:+.0f} ms off the master's, more than the "
                f"{bound * 1000:.0f} ms allowed (--max-clock-offset)",
                msg.node_id,
            )

    def _on_batch(self, environment: Any, msg: Any, **_: Any) -> None:
        worker = self.workers.get(msg.node_id)
        data = msg.data if isinstance(msg.data, dict) else {}
        size = sum(len(line) for line in data.get("lines", []) if isinstance(line, str))
        if worker is None or size > MAX_BATCH_BYTES:
            self._fail(f"an observation batch from {msg.node_id} was refused", msg.node_id)
            return
        batch = ObservationBatch.model_validate(data)
        worker.out.write(
            "".join(line if line.endswith("\n") else line + "\n" for line in batch.lines)
        )
        worker.out.flush()
        count = worker.record.observation_lines + len(batch.lines)
        worker.record = worker.record.model_copy(update={"observation_lines": count})
        worker.final = worker.final or batch.final

    def _watch(self) -> None:
        """A worker that never connects, or one that goes missing mid-run, ends the run."""
        deadline = time.monotonic() + self.settings.connect_timeout_s
        runner = self.environment.runner
        while not self.failed and not self.finished:
            gevent.sleep(WATCH_INTERVAL_S)
            self._write_workers()  # a master stopped by SIGTERM mid-shape runs no handler
            if len(self.workers) < self.settings.expect_workers:
                if time.monotonic() > deadline:
                    self._fail(
                        f"{len(self.workers)} of {self.settings.expect_workers} workers connected "
                        f"in {self.settings.connect_timeout_s:.0f}s (start them with "
                        "`simspace worker --master HOST:PORT`)"
                    )
                continue
            present = {client.id for client in runner.clients.all} - {
                client.id for client in runner.clients.missing
            }
            for client_id, worker in self.workers.items():
                if client_id not in present:
                    self._fail(
                        f"worker {worker.record.index} ({client_id}) stopped answering (no "
                        f"heartbeat) at {self.clock.now():+.0f}s event time",
                        client_id,
                    )
                    break

    def _fail(self, message: str, worker: str | None = None) -> None:
        if self.failed:
            return
        self.failed = True
        failure = DistributedFailure(message=message, worker=worker, at=self.clock.now())
        write_json(self.run_dir / FAILURE_FILE, failure)

    def finish(self) -> None:
        """At the end of the event window: ask every worker for its last batch and wait,
        bounded, for them (Locust's master stops receiving soon after it quits)."""
        self.finished = True
        runner = self.environment.runner
        for client_id, worker in self.workers.items():
            if not worker.final:
                runner.send_message(FLUSH_MESSAGE, None, client_id)
        deadline = time.monotonic() + FINAL_FLUSH_WAIT_S
        while time.monotonic() < deadline and not self._all_final():
            gevent.sleep(0.05)
        self._write_workers()

    def _all_final(self) -> bool:
        present = {client.id for client in self.environment.runner.clients.all}
        return all(w.final for client_id, w in self.workers.items() if client_id in present)

    def _on_quitting(self, **_: Any) -> None:
        for worker in self.workers.values():
            worker.out.close()
        self._write_workers()

    def _write_workers(self) -> None:
        records = sorted((w.record for w in self.workers.values()), key=lambda r: r.index)
        settings = self.settings
        workers = WorkersFile(
            expected=settings.expect_workers,
            max_clock_offset_s=settings.max_clock_offset_s,
            workers=records,
        )
        if workers != self.written:  # the watch calls this every second
            write_json(self.run_dir / WORKERS_FILE, workers)
            self.written = workers


# --- a worker -------------------------------------------------------------------------------


@dataclass
class WorkerHooks:
    """A worker's side: wait for the configuration, settle the clock, then play."""

    environment: Any
    on_config: Callable[[WorkerConfig, EventClock, MessageRecorder], None]
    skew_s: float = 0.0
    """Added to this worker's clock readings: a fault injected by tests (see docs)."""
    ready: gevent.event.Event = field(default_factory=gevent.event.Event)
    recorder: MessageRecorder | None = None
    _config: WorkerConfig | None = None
    _probes: list[tuple[float, float, float]] = field(default_factory=list)

    def install(self) -> None:
        runner = self.environment.runner
        runner.register_message(CONFIG_MESSAGE, self._on_config)
        runner.register_message(CLOCK_PONG, self._on_pong)
        runner.register_message(FLUSH_MESSAGE, self._on_flush)
        self.environment.events.test_stop.add_listener(self._on_test_stop)
        self._send(HELLO_MESSAGE, None)
        gevent.spawn(self._watch_master)

    def _watch_master(self) -> None:
        runner = self.environment.runner
        while True:
            gevent.sleep(WATCH_INTERVAL_S)
            heard = getattr(runner, "last_heartbeat_timestamp", None)
            if heard and heard < time.time() - MASTER_SILENCE_S:
                log.error("no word from the master for %.0fs: quitting", MASTER_SILENCE_S)
                runner.quit()
                return

    def _now(self) -> float:
        return time.time() + self.skew_s

    def _send(self, message: str, data: Any) -> None:
        self.environment.runner.send_message(message, data)

    def _on_config(self, environment: Any, msg: Any, **_: Any) -> None:
        self._config = WorkerConfig.model_validate(msg.data)
        self._probes = []
        self._send(CLOCK_PING, ClockProbe(worker_sent_s=self._now()).model_dump())

    def _on_pong(self, environment: Any, msg: Any, **_: Any) -> None:
        probe = ClockProbe.model_validate(msg.data)
        if self._config is None or probe.master_s is None:
            return
        self._probes.append((probe.worker_sent_s, probe.master_s, self._now()))
        if len(self._probes) < CLOCK_PROBES:
            self._send(CLOCK_PING, ClockProbe(worker_sent_s=self._now()).model_dump())
            return
        report = clock_offset(self._probes)
        self._send(CLOCK_REPORT, report.model_dump())
        load = self._config.load
        # the master's wall0, on this worker's clock (and its skew, when one is injected)
        master = load.clock
        clock = EventClock(master.wall0 - report.offset_s - self.skew_s, master.t_begin,
                           master.speedup)  # fmt: skip
        self.recorder = MessageRecorder(self._send_batch, bucket_s=load.plan.speedup)
        self.on_config(self._config, clock, self.recorder)
        self.ready.set()

    def _send_batch(self, batch: ObservationBatch) -> None:
        self._send(OBSERVATIONS_MESSAGE, batch.model_dump())

    def _on_flush(self, environment: Any, msg: Any, **_: Any) -> None:
        self._flush_final()

    def _on_test_stop(self, **_: Any) -> None:
        self._flush_final()

    def _flush_final(self) -> None:
        if self.recorder is not None:
            self.recorder.flush(final=True)
        else:
            self._send_batch(ObservationBatch(lines=[], final=True))
