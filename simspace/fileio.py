"""Files that readers never see half-written (atomic replace, JSON of models and plain data),
and files read back safely: a regular file only, under a size cap, UTF-8, strict JSON."""

from __future__ import annotations

import json
import math
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from simspace.errors import FileTooLargeError, UnreadableFileError, os_reason

M = TypeVar("M", bound=BaseModel)

_KINDS: tuple[tuple[Callable[[int], bool], str], ...] = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the new, never half. An OSError
    (read-only directory, no space left) names `path`, not the temporary file."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; these are plain results
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """The same error (errno, subclass) about `path`."""
    return OSError(exc.errno, exc.strerror, str(path)) if exc.errno is not None else exc


def write_json(
    path: Path, value: BaseModel | dict[str, Any] | list[Any], indent: int | None = 2
) -> None:
    """JSON of a model or plain data; `indent=None` for large machine-read files."""
    text = (
        value.model_dump_json(indent=indent)
        if isinstance(value, BaseModel)
        else json.dumps(value, indent=indent)
    )
    write_atomic(path, text + "\n")


def read_small_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file of at most `max_bytes` (UnreadableFileError otherwise).

    A FIFO, a device (a link to /dev/zero) or a directory is refused before a byte is read: it
    could block forever or never end. Opened non-blocking, so a FIFO that appears between the
    check and the open cannot block either."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableFileError(path, _not_regular(mode))
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot read: {os_reason(exc)}") from None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFileError(path, _not_regular(info.st_mode))
            if info.st_size > max_bytes:
                raise FileTooLargeError(path, _too_large(info.st_size, max_bytes))
            data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise UnreadableFileError(path, f"cannot read: {os_reason(exc)}") from None
    if len(data) > max_bytes:  # it grew after the check
        raise FileTooLargeError(path, _too_large(len(data), max_bytes))
    return data


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "not a regular file")
    return f"{kind}, not a regular file: refused"


def _too_large(size_bytes: int, max_bytes: int) -> str:
    return f"{size_bytes} bytes, more than the {max_bytes} bytes such a file may have"


def strict_json_text(path: Path, max_bytes: int) -> str:
    """A small file's text, checked to be UTF-8 and strict JSON: no NaN, Infinity or number too
    large for a float, which Python's and pydantic's parsers would accept."""
    data = read_small_file(path, max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(
            path, f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except ValueError as exc:
        raise UnreadableFileError(path, f"not strict JSON: {exc}") from None
    except RecursionError:
        raise UnreadableFileError(path, "not strict JSON: nested too deeply") from None
    return text


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is beyond a float's range")
    return value


def read_model(path: Path, model: type[M], max_bytes: int) -> M:
    """A model from a small strict JSON file; any problem is an UnreadableFileError naming it."""
    text = strict_json_text(path, max_bytes)
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        raise UnreadableFileError(
            path,
            f"not a valid {model.__name__} ({exc.error_count()} problems, the first at "
            f"{_location(exc)}; written by another simspace version?)",
        ) from None


def _location(exc: ValidationError) -> str:
    first = exc.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or "the top level"
