"""Human units: what people write parses, what is printed parses back to the same value, and a
bad value gets a message that names it."""

from __future__ import annotations

import math
import re
from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simspace import units

PROPERTY = settings(max_examples=200, deadline=None, database=None)
NY = "America/New_York"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("40m", 2400),
        ("2h15m", 8100),
        ("2h15m30s", 8130),
        ("1.5s", 1.5),
        ("250ms", 0.25),
        ("1h 30m", 5400),
        (" 3s ", 3),
        ("0s", 0),
        (90, 90),
        (1.5, 1.5),
        (0, 0),
    ],
)
def test_parse_duration(text: object, seconds: float) -> None:
    assert units.parse_duration_s(text) == seconds


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 hour", "expected a duration like 90s, 40m or 2h15m (got '1 hour')"),
        ("90", "expected a duration like 90s, 40m or 2h15m (got '90')"),
        ("", "expected a duration like 90s, 40m or 2h15m (got '')"),
        ("-5m", "a duration cannot be negative (got '-5m')"),
        (-5, "a duration cannot be negative (got -5)"),
        ("30m2h", "duration units must each appear once, largest first (got '30m2h')"),
        ("1h1h", "duration units must each appear once, largest first (got '1h1h')"),
        (True, "expected a duration like 90s, 40m or 2h15m (got True)"),
        (None, "expected a duration like 90s, 40m or 2h15m (got None)"),
        ([1], "expected a duration like 90s, 40m or 2h15m (got [1])"),
        (math.inf, "duration out of range (got inf)"),
        (math.nan, "duration out of range (got nan)"),
    ],
)
def test_bad_duration(text: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        units.parse_duration_s(text)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.25, "0.25s"),
        (90, "1m30s"),
        (2400, "40m"),
        (8100, "2h15m"),
        (3600.5, "1h0.5s"),
        (119.9996, "2m"),  # to the millisecond
        (-900, "-15m"),
    ],
)
def test_format_duration(seconds: float, text: str) -> None:
    assert units.format_duration_s(seconds) == text


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("-15m", -900), ("+1h40m", 6000), ("1h40m", 6000), ("0m", 0), ("- 15m", -900), (-30, -30)],
)
def test_parse_offset(text: object, seconds: float) -> None:
    assert units.parse_offset_s(text) == seconds


@pytest.mark.parametrize("text", ["later", "--5m", "+-5m", "20:42x", "5"])
def test_bad_offset(text: str) -> None:
    expected = f"expected an offset like -15m or +1h40m, or a clock time like 20:42 (got {text!r})"
    with pytest.raises(ValueError, match="^" + re.escape(expected) + "$"):
        units.parse_offset_s(text)


def test_offset_of_the_wrong_type() -> None:
    with pytest.raises(ValueError, match=r"^expected an offset like -15m or \+1h40m \(got \[\]\)$"):
        units.parse_offset_s([])


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (-900, "-15m"), (6000, "+1h40m"), (0.5, "+0.5s")]
)
def test_format_offset(seconds: float, text: str) -> None:
    assert units.format_offset_s(seconds) == text


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("20:42", time(20, 42)),
        ("20:42:30", time(20, 42, 30)),
        ("7:05", time(7, 5)),
        ("00:00", time()),
    ],
)
def test_parse_clock_time(text: str, clock: time) -> None:
    assert units.is_clock_time(text)
    assert units.parse_clock_time(text) == clock


@pytest.mark.parametrize("text", ["24:00", "20:60", "2042", "20:42:60", "8pm", 2042, None])
def test_bad_clock_time(text: object) -> None:
    assert not units.is_clock_time(text)
    expected = f"expected a clock time like 20:42 (got {text!r})"
    with pytest.raises(ValueError, match="^" + re.escape(expected) + "$"):
        units.parse_clock_time(text)


def test_clock_times_resolve_to_the_nearest_day() -> None:
    day = date(2024, 8, 12)
    assert units.clock_to_offset_s(time(20, 42), day, time(20, 0), NY) == 42 * 60
    assert units.clock_to_offset_s(time(19, 45), day, time(20, 0), NY) == -15 * 60
    assert units.clock_to_offset_s(time(0, 10), day, time(23, 30), NY) == 40 * 60
    assert units.clock_to_offset_s(time(23, 50), day, time(0, 30), NY) == -40 * 60


def test_clock_times_count_a_daylight_saving_change() -> None:
    # 2024-11-03 02:00 EDT became 01:00 EST: 00:30 to 03:00 took three and a half hours.
    assert units.clock_to_offset_s(time(3), date(2024, 11, 3), time(0, 30), NY) == 3.5 * 3600
    # 2024-03-10 02:00 EST became 03:00 EDT: 01:30 to 03:30 took one hour.
    assert units.clock_to_offset_s(time(3, 30), date(2024, 3, 10), time(1, 30), NY) == 3600


def test_offsets_print_back_as_clock_times() -> None:
    day = date(2024, 8, 12)
    assert units.offset_to_clock_time(42 * 60, day, time(20), NY) == time(20, 42)
    assert units.offset_to_clock_time(40 * 60, day, time(23, 30), NY) == time(0, 10)
    assert units.format_clock_time(time(20, 42)) == "20:42"
    assert units.format_clock_time(time(20, 42, 30)) == "20:42:30"


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("878k", 878_000),
        ("1.3M", 1_300_000),
        ("8_000_000", 8_000_000),
        ("2B", 2_000_000_000),
        ("1.5K", 1500),
        ("878 k", 878_000),
        ("0.5", 0.5),
        (42, 42),
        (0.5, 0.5),
    ],
)
def test_parse_count(text: object, count: float) -> None:
    assert units.parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,000", "expected a count like 878k, 1.3M or 8_000_000 (got '1,000')"),
        ("many", "expected a count like 878k, 1.3M or 8_000_000 (got 'many')"),
        ("8__000", "expected a count like 878k, 1.3M or 8_000_000 (got '8__000')"),
        ("8_", "expected a count like 878k, 1.3M or 8_000_000 (got '8_')"),
        ("-5", "expected a count like 878k, 1.3M or 8_000_000 (got '-5')"),
        ("1e6", "expected a count like 878k, 1.3M or 8_000_000 (got '1e6')"),
        (-5, "a count cannot be negative (got -5)"),
        (True, "expected a count like 878k, 1.3M or 8_000_000 (got True)"),
        (1e300, "count out of range (got 1e+300)"),
    ],
)
def test_bad_count(text: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        units.parse_count(text)


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (0, "0"),
        (1_300_000, "1.3M"),
        (878_000, "878k"),
        (915_500, "915.5k"),
        (1_234_567, "1_234_567"),
        (2e9, "2B"),
        (999, "999"),
        (0.5, "0.5"),
        (1e-5, "0.00001"),
    ],
)
def test_format_count(count: float, text: str) -> None:
    assert units.format_count(count) == text


@pytest.mark.parametrize(
    ("text", "ratio"), [("2.5%", 0.025), ("0.025", 0.025), (1, 1.0), ("0%", 0)]
)
def test_parse_ratio(text: object, ratio: float) -> None:
    assert units.parse_ratio(text) == pytest.approx(ratio)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("150%", "a ratio must be between 0% and 100% (got '150%')"),
        (-0.1, "a ratio must be between 0% and 100% (got -0.1)"),
        ("half", "expected a percentage like 2.5% or a fraction like 0.025 (got 'half')"),
        (math.nan, "expected a percentage like 2.5% or a fraction like 0.025 (got nan)"),
    ],
)
def test_bad_ratio(text: object, message: str) -> None:
    with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
        units.parse_ratio(text)


@pytest.mark.parametrize(
    ("ratio", "text"), [(0.025, "2.5%"), (0.07, "7%"), (1.0, "100%"), (0, "0%")]
)
def test_format_ratio(ratio: float, text: str) -> None:
    assert units.format_ratio(ratio) == text


@pytest.mark.parametrize(
    ("text", "fraction"), [("1/5000", 0.0002), ("0.0002", 0.0002), ("2e-4", 0.0002), (1, 1.0)]
)
def test_parse_fraction(text: object, fraction: float) -> None:
    assert units.parse_fraction(text) == pytest.approx(fraction)


@pytest.mark.parametrize("text", ["0", "1/0", "2", "abc", -1, "5000/1"])
def test_bad_fraction(text: object) -> None:
    expected = f"expected a fraction in (0, 1] like 1/5000 (got {text!r})"
    with pytest.raises(ValueError, match="^" + re.escape(expected) + "$"):
        units.parse_fraction(text)


def test_the_issue_examples_print_back_as_written() -> None:
    assert units.format_count(units.parse_count("1.3M")) == "1.3M"
    assert units.format_offset_s(units.parse_offset_s("-15m")) == "-15m"
    assert units.format_clock_time(units.parse_clock_time("20:42")) == "20:42"
    assert units.format_duration_s(units.parse_duration_s("2h15m")) == "2h15m"
    assert units.format_ratio(units.parse_ratio("2.5%")) == "2.5%"


milliseconds = st.integers(min_value=0, max_value=10**12)


@PROPERTY
@given(milliseconds)
def test_duration_round_trip(ms: int) -> None:
    seconds = ms / 1000
    text = units.format_duration_s(seconds)
    assert units.parse_duration_s(text) == pytest.approx(seconds, rel=1e-12, abs=1e-9)
    assert units.format_duration_s(units.parse_duration_s(text)) == text


@PROPERTY
@given(st.floats(min_value=0, max_value=1e9))
def test_any_duration_prints_to_the_millisecond(seconds: float) -> None:
    assert units.parse_duration_s(units.format_duration_s(seconds)) == pytest.approx(
        seconds, abs=0.0005 + seconds * 1e-12
    )


@PROPERTY
@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_offset_round_trip(ms: int) -> None:
    seconds = ms / 1000
    text = units.format_offset_s(seconds)
    assert units.parse_offset_s(text) == pytest.approx(seconds, rel=1e-12, abs=1e-9)
    assert units.format_offset_s(units.parse_offset_s(text)) == text


@PROPERTY
@given(
    st.integers(min_value=0, max_value=10**15)
    | st.floats(min_value=0, max_value=1e15, allow_nan=False, allow_infinity=False)
)
def test_count_round_trip_is_exact(count: float) -> None:
    text = units.format_count(count)
    assert units.parse_count(text) == count
    assert units.format_count(units.parse_count(text)) == text


@PROPERTY
@given(st.floats(min_value=0, max_value=1))
def test_ratio_round_trip_is_exact(ratio: float) -> None:
    assert units.parse_ratio(units.format_ratio(ratio)) == ratio


@PROPERTY
@given(st.times().map(lambda t: t.replace(microsecond=0)))
def test_clock_time_round_trip(clock: time) -> None:
    assert units.parse_clock_time(units.format_clock_time(clock)) == clock


@PROPERTY
@given(st.integers(min_value=-11 * 3600, max_value=11 * 3600), st.times())
def test_offset_and_clock_time_are_inverse(offset: int, start: time) -> None:
    day = date(2024, 8, 12)  # no daylight-saving change within a day either side
    start = start.replace(microsecond=0)
    clock = units.offset_to_clock_time(offset, day, start, NY)
    assert units.clock_to_offset_s(clock, day, start, NY) == offset
