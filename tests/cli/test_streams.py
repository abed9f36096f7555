"""Standard output whose reader went away: writes are dropped, the process goes on."""

from __future__ import annotations

import io
import os
from typing import TextIO, cast

from simspace.cli.streams import ReaderGoneStream


def test_a_closed_pipe_is_swallowed_and_later_writes_dropped() -> None:
    read_fd, write_fd = os.pipe()
    os.close(read_fd)  # the reader is gone before the first write
    with os.fdopen(write_fd, "w") as pipe:
        stream = ReaderGoneStream(cast(TextIO, pipe))
        assert stream.write("plan ...\n") == 9
        stream.flush()
        assert stream.reader_gone
        assert stream.write("more\n") == 5
        stream.flush()
        pipe.write("after\n")  # the descriptor now points at /dev/null
        pipe.flush()


def test_a_live_stream_passes_everything_through() -> None:
    buffer = io.StringIO()
    stream = ReaderGoneStream(buffer)
    stream.write("one\n")
    stream.flush()
    assert buffer.getvalue() == "one\n"
    assert not stream.reader_gone
    assert stream.closed is False  # everything else is the wrapped stream's
