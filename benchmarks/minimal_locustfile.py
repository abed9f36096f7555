"""The baseline for bench_load.py: the least a Locust user can do to play a live HLS stream —
reload the playlist and fetch one chunk every 3 s on its own jittered timeline, nothing else."""

from __future__ import annotations

import os
import random
import time

import gevent
from locust import FastHttpUser, task

PLAYLIST = os.environ["BENCH_PLAYLIST_PATH"]
CADENCE_S = float(os.environ.get("BENCH_CADENCE_S", "3.0"))


class MinimalListener(FastHttpUser):
    max_retries = 0

    @task
    def play(self) -> None:
        next_t = time.time() + random.uniform(0, CADENCE_S)
        base = PLAYLIST.rsplit("/", 1)[0]
        while True:
            gevent.sleep(max(0.0, next_t - time.time()))
            next_t += CADENCE_S
            response = self.client.get(PLAYLIST, name="playlist")
            lines = [x for x in (response.text or "").splitlines() if x and not x.startswith("#")]
            if lines:
                self.client.get(f"{base}/{lines[-1]}", name="chunk")
