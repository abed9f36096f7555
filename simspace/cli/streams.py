"""Standard output that outlives its reader: `simspace run ... | head -1` closes the pipe after
one line, and a run must not end there (Click would exit 1 without a result). Once the pipe is
gone, what is printed goes to /dev/null and the run goes on to write its run directory."""

from __future__ import annotations

import os
import sys
from typing import TextIO, cast


class ReaderGoneStream:
    """A text stream that swallows a closed pipe: the first BrokenPipeError points the file
    descriptor at /dev/null (so the interpreter's last flush at exit is quiet too) and every
    later write is dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.reader_gone = False

    def write(self, text: str) -> int:
        if not self.reader_gone:
            try:
                return self._stream.write(text)
            except BrokenPipeError:
                self._drop()
        return len(text)

    def flush(self) -> None:
        if not self.reader_gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._drop()

    def _drop(self) -> None:
        self.reader_gone = True
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
            os.close(devnull)
        except (OSError, ValueError):  # no descriptor to redirect: the writes are dropped anyway
            pass

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def keep_running_without_reader() -> None:
    """Make stdout and stderr survive their reader going away (idempotent)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, ReaderGoneStream):
            setattr(sys, name, cast(TextIO, ReaderGoneStream(stream)))
