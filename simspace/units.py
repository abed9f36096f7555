"""Human units used in scenario files: durations, signed event offsets, clock times, counts, ratios.

Each `parse_*` accepts what a person writes (`2h15m`, `-15m`, `20:42`, `1.3M`, `2.5%`) and raises
ValueError with a message fit to show next to the file position; each `format_*` prints a value back
so that parsing the printed text gives the same value.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_DURATION_FULL = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|h|m|s))+")
_UNIT_S = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_UNIT_ORDER = ("h", "m", "s", "ms")
_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?")
_COUNT = re.compile(r"(\d[\d_]*(?:\.\d+)?)\s*([kKmMbB]?)")
_COUNT_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}
_MAX_MAGNITUDE = 1e15


def _finite(value: float, what: str) -> float:
    if not math.isfinite(value) or abs(value) > _MAX_MAGNITUDE:
        raise ValueError(f"{what} out of range (got {value!r})")
    return value


def _plain_number(value: object) -> float | None:
    # bool is an int subclass; `true` is never a duration or a count.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def parse_duration_s(value: object) -> float:
    """`90s`, `40m`, `2h15m`, `1.5s`, `250ms` or a plain number of seconds -> seconds (>= 0)."""
    number = _plain_number(value)
    if number is not None:
        if number < 0:
            raise ValueError(f"a duration cannot be negative (got {value!r})")
        return _finite(number, "duration")
    if not isinstance(value, str):
        raise ValueError(f"expected a duration like 90s, 40m or 2h15m (got {value!r})")
    text = value.strip().replace(" ", "")
    if text.startswith("-"):
        raise ValueError(f"a duration cannot be negative (got {value!r})")
    if not _DURATION_FULL.fullmatch(text):
        raise ValueError(f"expected a duration like 90s, 40m or 2h15m (got {value!r})")
    units = [unit for _, unit in _DURATION_PART.findall(text)]
    if len(set(units)) != len(units) or units != sorted(units, key=_UNIT_ORDER.index):
        raise ValueError(f"duration units must each appear once, largest first (got {value!r})")
    total = sum(float(n) * _UNIT_S[unit] for n, unit in _DURATION_PART.findall(text))
    return _finite(total, "duration")


def format_duration_s(seconds: float) -> str:
    """Seconds -> `2h15m`, `40m`, `90s` -> `1m30s`, `0.25s`, to the millisecond; parses back."""
    if seconds < 0:
        return "-" + format_duration_s(-seconds)
    total_ms = round(seconds * 1000)
    if total_ms == 0:
        return "0s"
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    parts = []
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if millis:
        parts.append(f"{secs}.{millis:03d}".rstrip("0") + "s")
    elif secs:
        parts.append(f"{secs}s")
    return "".join(parts)


def parse_offset_s(value: object) -> float:
    """A signed offset from the scheduled start: `-15m`, `+1h40m`, `0`, or plain seconds."""
    number = _plain_number(value)
    if number is not None:
        return _finite(number, "offset")
    if not isinstance(value, str):
        raise ValueError(f"expected an offset like -15m or +1h40m (got {value!r})")
    text = value.strip()
    sign = -1.0 if text.startswith("-") else 1.0
    body = text[1:] if text[:1] in "+-" else text
    try:
        return sign * parse_duration_s(body)
    except ValueError:
        raise ValueError(
            f"expected an offset like -15m or +1h40m, or a clock time like 20:42 (got {value!r})"
        ) from None


def format_offset_s(seconds: float) -> str:
    """Seconds from the scheduled start -> `-15m`, `+1h40m`, `0s`."""
    if seconds == 0:
        return "0s"
    return ("-" if seconds < 0 else "+") + format_duration_s(abs(seconds))


def is_clock_time(value: object) -> bool:
    """Whether the value reads as a wall-clock time like `20:42` or `20:42:30`."""
    return isinstance(value, str) and _CLOCK.fullmatch(value.strip()) is not None


def parse_clock_time(value: object) -> time:
    """`20:42` or `20:42:30` -> a time of day."""
    match = _CLOCK.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError(f"expected a clock time like 20:42 (got {value!r})")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def format_clock_time(clock: time) -> str:
    """A time of day -> `20:42`, or `20:42:30` when it has seconds."""
    return f"{clock:%H:%M:%S}" if clock.second else f"{clock:%H:%M}"


def clock_to_offset_s(clock: time, day: date, scheduled_start: time, time_zone: str) -> float:
    """A clock time in the event's zone -> seconds from the scheduled start, nearest day chosen.

    Events cross midnight: `00:10` for a `23:30` start means 40 minutes later, not 23 hours before.
    Real elapsed time is used, so a daylight-saving change in between counts.
    """
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, scheduled_start, tzinfo=zone).timestamp()
    candidates = (
        datetime.combine(day + timedelta(days=shift), clock, tzinfo=zone).timestamp()
        for shift in (-1, 0, 1)
    )
    return min((c - start for c in candidates), key=abs)


def offset_to_clock_time(offset_s: float, day: date, scheduled_start: time, time_zone: str) -> time:
    """Seconds from the scheduled start -> the clock time in the event's zone (whole seconds)."""
    zone = ZoneInfo(time_zone)
    start = datetime.combine(day, scheduled_start, tzinfo=zone).timestamp()
    moment = datetime.fromtimestamp(round(start + offset_s), tz=zone)
    return moment.time().replace(tzinfo=None)


def parse_count(value: object) -> float:
    """`878k`, `1.3M`, `8_000_000`, `2B` or a plain number -> a count (>= 0, may be fractional)."""
    number = _plain_number(value)
    if number is not None:
        if number < 0:
            raise ValueError(f"a count cannot be negative (got {value!r})")
        return _finite(number, "count")
    match = _COUNT.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None or match[1].endswith("_") or "__" in match[1]:
        raise ValueError(f"expected a count like 878k, 1.3M or 8_000_000 (got {value!r})")
    return _finite(float(match[1].replace("_", "")) * _COUNT_SUFFIX[match[2].lower()], "count")


def format_count(count: float) -> str:
    """A count -> an exact human form: `1.3M`, `878k`, `915.5k`, `1_234_567`, `0.5`."""
    for suffix, factor in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(count) >= factor:
            text = f"{count / factor:.3f}".rstrip("0").rstrip(".")
            if float(text) * factor == count:
                return text + suffix
            break  # `1234.567k` reads worse than `1_234_567`
    if count == int(count):
        return f"{int(count):_}"
    return format(Decimal(repr(count)), "f")  # never an exponent, which counts do not accept


def format_approx_count(count: float) -> str:
    """A count for reading, to three significant digits: `972k`, `1.3M`, `18.6k`, `42`, `0.5`."""
    rounded = float(f"{count:.3g}")
    for suffix, factor in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if abs(rounded) >= factor:
            return f"{rounded / factor:g}{suffix}"
    return f"{rounded:g}"


def parse_ratio(value: object) -> float:
    """`2.5%` or a plain fraction like 0.025 -> a fraction in [0, 1]."""
    number = _plain_number(value)
    if number is None and isinstance(value, str):
        text = value.strip()
        try:
            number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise ValueError(
            f"expected a percentage like 2.5% or a fraction like 0.025 (got {value!r})"
        )
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"a ratio must be between 0% and 100% (got {value!r})")
    return number


def format_ratio(ratio: float) -> str:
    """A fraction -> `2.5%`; a fraction no short percentage gives back exactly stays a fraction."""
    for digits in (6, 12, 17):
        text = f"{ratio * 100:.{digits}g}%"
        if "e" not in text and float(text[:-1]) / 100 == ratio:
            return text
    return repr(ratio)


def parse_fraction(value: object) -> float:
    """A population scale like `1/5000`, `0.0002` or `2e-4` -> a fraction in (0, 1]."""
    number = _plain_number(value)
    if number is None and isinstance(value, str):
        text = value.strip()
        try:
            if "/" in text:
                num, den = text.split("/", 1)
                number = float(num) / float(den)
            else:
                number = float(text)
        except (ValueError, ZeroDivisionError):
            number = None
    if number is None or not math.isfinite(number) or not 0.0 < number <= 1.0:
        raise ValueError(f"expected a fraction in (0, 1] like 1/5000 (got {value!r})")
    return number


def parse_event_time_s(value: object, day: date, scheduled_start: time, time_zone: str) -> float:
    """An event offset (`+10m`, `-5m`, `0`) or a clock time in the event's zone (`20:30`) ->
    event seconds from the scheduled start."""
    if is_clock_time(value):
        return clock_to_offset_s(parse_clock_time(value), day, scheduled_start, time_zone)
    return parse_offset_s(value)
