"""Partial dates and spans: parse, compare, format. No I/O.

A date keeps the precision it was written with: ``2014`` means "some time in 2014",
never 1 January. Years are astronomical (ISO 8601): year 0 is 1 BCE, -0043 is 44 BCE,
and there is no lower or upper bound, so deep-time years work too.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from enum import IntEnum

from chronicle.errors import DateError
from chronicle.records import FrozenRecord

#: A year has at most this many digits (a googol of years either way): every reader of
#: a date (SQLite's keys, Whoosh's float columns, the HTML page's numbers, Python's own
#: ``int`` of a text, which refuses over 4,300 digits) orders it, and no such reader
#: fails on one entry's year.
MAX_YEAR_DIGITS = 100

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_DASH = "\u2013"

ISO_DATE_RE = re.compile(
    r"""^(?P<year>[+-]?\d+)
        (?:-(?P<month>\d{1,2})
          (?:-(?P<day>\d{1,2})
            (?:[T\s](?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?
          )?
        )?$""",
    re.VERBOSE,
)


class Precision(IntEnum):
    """How much of a date was given. Lower is coarser."""

    YEAR = 1
    MONTH = 2
    DAY = 3
    MINUTE = 4
    SECOND = 5


def is_leap(year: int) -> bool:
    """Proleptic Gregorian leap year; correct for astronomical (zero and negative) years."""
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if is_leap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


_set = object.__setattr__


def _set_parts(date: Instant | PartialDate, year: int, month: int | None, day: int | None,
               hour: int | None, minute: int | None, second: int | None) -> None:
    """Set the fields an `Instant` and a `PartialDate` share (both are frozen)."""
    _set(date, "year", year)
    _set(date, "month", month)
    _set(date, "day", day)
    _set(date, "hour", hour)
    _set(date, "minute", minute)
    _set(date, "second", second)


class Instant(FrozenRecord):
    """One point in time to the second, with an unbounded astronomical year."""

    __slots__ = ("year", "month", "day", "hour", "minute", "second")
    year: int
    month: int
    day: int
    hour: int
    minute: int
    second: int

    def __init__(self, year: int, month: int = 1, day: int = 1, hour: int = 0,
                 minute: int = 0, second: int = 0) -> None:
        _set_parts(self, year, month, day, hour, minute, second)

    # Ordered as the tuple of its fields, as a dataclass with order=True.
    def __lt__(self, other: Instant) -> bool:
        if other.__class__ is self.__class__:
            return (self.year, self.month, self.day, self.hour, self.minute,
                    self.second) < (other.year, other.month, other.day, other.hour,
                                    other.minute, other.second)
        return NotImplemented

    def __le__(self, other: Instant) -> bool:
        if other.__class__ is self.__class__:
            return (self.year, self.month, self.day, self.hour, self.minute,
                    self.second) <= (other.year, other.month, other.day, other.hour,
                                     other.minute, other.second)
        return NotImplemented

    def __gt__(self, other: Instant) -> bool:
        if other.__class__ is self.__class__:
            return (self.year, self.month, self.day, self.hour, self.minute,
                    self.second) > (other.year, other.month, other.day, other.hour,
                                    other.minute, other.second)
        return NotImplemented

    def __ge__(self, other: Instant) -> bool:
        if other.__class__ is self.__class__:
            return (self.year, self.month, self.day, self.hour, self.minute,
                    self.second) >= (other.year, other.month, other.day, other.hour,
                                     other.minute, other.second)
        return NotImplemented

    def key(self) -> int:
        """An integer that orders like the instant (negative years included)."""
        return (
            self.year * 10**10
            + self.month * 10**8
            + self.day * 10**6
            + self.hour * 10**4
            + self.minute * 100
            + self.second
        )

    def next_second(self) -> Instant:
        """The instant one second later (into the next minute, day, month or year)."""
        if self.second < 59:
            return Instant(self.year, self.month, self.day, self.hour, self.minute,
                           self.second + 1)
        if self.minute < 59:
            return Instant(self.year, self.month, self.day, self.hour, self.minute + 1)
        if self.hour < 23:
            return Instant(self.year, self.month, self.day, self.hour + 1)
        if self.day < days_in_month(self.year, self.month):
            return Instant(self.year, self.month, self.day + 1)
        if self.month < 12:
            return Instant(self.year, self.month + 1)
        return Instant(self.year + 1)

    def previous_second(self) -> Instant:
        """The instant one second earlier (into the previous minute, day, month or year)."""
        if self.second:
            return Instant(self.year, self.month, self.day, self.hour, self.minute,
                           self.second - 1)
        if self.minute:
            return Instant(self.year, self.month, self.day, self.hour, self.minute - 1, 59)
        if self.hour:
            return Instant(self.year, self.month, self.day, self.hour - 1, 59, 59)
        if self.day > 1:
            return Instant(self.year, self.month, self.day - 1, 23, 59, 59)
        if self.month > 1:
            return Instant(self.year, self.month - 1, days_in_month(self.year, self.month - 1),
                           23, 59, 59)
        return Instant(self.year - 1, 12, 31, 23, 59, 59)

    @classmethod
    def from_key(cls, key: int) -> Instant:
        year, rest = divmod(key, 10**10)
        month, rest = divmod(rest, 10**8)
        day, rest = divmod(rest, 10**6)
        hour, rest = divmod(rest, 10**4)
        minute, second = divmod(rest, 100)
        return cls(year, month, day, hour, minute, second)


#: The ends of an open period (``--to 2014`` alone, ``date:[2014 to *]``): before and
#: after every year a date can hold.
EARLIEST = Instant(-(10**MAX_YEAR_DIGITS))
LATEST = Instant(10**MAX_YEAR_DIGITS, 12, 31, 23, 59, 59)


class Span(FrozenRecord):
    """Every instant from ``start`` to ``end``, both included: none when ``start`` comes
    after ``end`` (filters that cannot all hold)."""

    __slots__ = ("start", "end")
    start: Instant
    end: Instant

    def __init__(self, start: Instant, end: Instant) -> None:
        _set(self, "start", start)
        _set(self, "end", end)

    @property
    def is_empty(self) -> bool:
        return self.end < self.start

    def overlaps(self, other: Span) -> bool:
        return (self.start <= other.end and other.start <= self.end
                and self.start <= self.end and other.start <= other.end)

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def intersect(self, other: Span) -> Span | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Span(start, end) if start <= end else None


class PartialDate(FrozenRecord):
    """A date given to a year, a month, a day, a minute or a second."""

    __slots__ = ("year", "month", "day", "hour", "minute", "second")
    year: int
    month: int | None
    day: int | None
    hour: int | None
    minute: int | None
    second: int | None

    def __init__(self, year: int, month: int | None = None, day: int | None = None,
                 hour: int | None = None, minute: int | None = None,
                 second: int | None = None) -> None:
        _set_parts(self, year, month, day, hour, minute, second)
        _validate(self)

    # -- parsing -----------------------------------------------------------------

    @classmethod
    def parse(cls, value: object) -> PartialDate:
        """Read a date as YAML or a command line gives it: str, int, date or datetime.

        Raises DateError with a message that says what is wrong.
        """
        if isinstance(value, bool):
            raise DateError(f"expected a date, got {str(value).lower()}")
        if isinstance(value, int):
            return cls(value)
        if isinstance(value, _dt.datetime):
            if value.tzinfo is not None:
                raise DateError(
                    f"'{value.isoformat()}' has a time zone; write the local time without one"
                )
            return cls(value.year, value.month, value.day, value.hour, value.minute, value.second)
        if isinstance(value, _dt.date):
            return cls(value.year, value.month, value.day)
        if isinstance(value, str):
            return _parse_text_cached(value)
        raise DateError(f"expected a date like 2014-04-17, got {type(value).__name__}")

    @classmethod
    def _parse_text(cls, text: str) -> PartialDate:
        stripped = text.strip()
        match = ISO_DATE_RE.match(stripped)
        if not match:
            raise DateError(
                f"'{text}' is not a date; use 2014, 2014-04, 2014-04-17 or 2014-04-17T12:03"
            )
        parts = match.groupdict()
        if len(parts["year"].lstrip("+-")) > MAX_YEAR_DIGITS:
            raise DateError(f"'{_shortened(text)}': {_YEAR_TOO_LONG}")

        def number(name: str) -> int | None:
            raw = parts[name]
            return int(raw) if raw is not None else None

        try:
            return cls(
                int(parts["year"]),
                number("month"),
                number("day"),
                number("hour"),
                number("minute"),
                number("second"),
            )
        except DateError as err:
            raise DateError(f"'{text}': {err.message}") from None

    # -- properties --------------------------------------------------------------

    @property
    def precision(self) -> Precision:
        if self.second is not None:
            return Precision.SECOND
        if self.minute is not None:
            return Precision.MINUTE
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def first_instant(self) -> Instant:
        return Instant(
            self.year,
            self.month or 1,
            self.day or 1,
            self.hour or 0,
            self.minute or 0,
            self.second or 0,
        )

    def last_instant(self) -> Instant:
        month = self.month or 12
        day = self.day or days_in_month(self.year, month)
        if self.minute is None:
            return Instant(self.year, month, day, 23, 59, 59)
        second = self.second if self.second is not None else 59
        return Instant(self.year, month, day, self.hour or 0, self.minute, second)

    @property
    def span(self) -> Span:
        return Span(self.first_instant(), self.last_instant())

    # -- formatting --------------------------------------------------------------

    def isoformat(self) -> str:
        """ISO 8601 text with exactly the parts given (expanded form for BCE years)."""
        if self.year < 0:
            text = f"-{-self.year:04d}"
        elif self.year > 9999:
            text = f"+{self.year}"
        else:
            text = f"{self.year:04d}"
        if self.month is not None:
            text += f"-{self.month:02d}"
        if self.day is not None:
            text += f"-{self.day:02d}"
        if self.minute is not None:
            text += f"T{self.hour or 0:02d}:{self.minute:02d}"
        if self.second is not None:
            text += f":{self.second:02d}"
        return text

    def display(self) -> str:
        """Human form: ``2014``, ``Apr 2014``, ``17 Apr 2014``, ``12 Dec 2013 12:03``."""
        text = year_label(self.year)
        if self.month is not None:
            text = f"{MONTH_ABBR[self.month - 1]} {text}"
        if self.day is not None:
            text = f"{self.day} {text}"
        time = self.time_label()
        return f"{text} {time}" if time else text

    def time_label(self) -> str:
        if self.minute is None:
            return ""
        text = f"{self.hour or 0:02d}:{self.minute:02d}"
        if self.second:
            text += f":{self.second:02d}"
        return text

    def __str__(self) -> str:
        return self.isoformat()


@functools.lru_cache(maxsize=65536)
def _parse_text_cached(text: str) -> PartialDate:
    # Dates repeat across a chronicle and PartialDate is immutable, so reading the
    # catalog's 100k stored dates parses each distinct text once.
    return PartialDate._parse_text(text)


#: `PartialDate.parse` of a text known to be a string (as the catalog stores dates):
#: the same cached answer, without asking what kind of value it was given.
parse_text = _parse_text_cached


_YEAR_TOO_LONG = f"a year has at most {MAX_YEAR_DIGITS} digits"


def _shortened(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:20]}...{text[-10:]}"


def _validate(date: PartialDate) -> None:
    if not -(10**MAX_YEAR_DIGITS) < date.year < 10**MAX_YEAR_DIGITS:
        raise DateError(_YEAR_TOO_LONG)
    # A part may only be given when every coarser part is (no day without a month).
    chain = [date.month, date.day, date.minute, date.second]
    for coarser, finer in zip(chain, chain[1:], strict=False):
        if coarser is None and finer is not None:
            raise DateError("a finer part is given without the coarser ones")
    if (date.hour is None) != (date.minute is None):
        raise DateError("a time needs hours and minutes (12:03)")
    if date.month is not None and not 1 <= date.month <= 12:
        raise DateError(f"month {date.month} does not exist")
    if date.day is not None:
        assert date.month is not None
        last = days_in_month(date.year, date.month)
        if not 1 <= date.day <= last:
            raise DateError(
                f"day {date.day} does not exist in {MONTH_ABBR[date.month - 1]} "
                f"{year_label(date.year)} (it has {last} days)"
            )
    if date.hour is not None and not 0 <= date.hour <= 23:
        raise DateError(f"hour {date.hour} does not exist")
    if date.minute is not None and not 0 <= date.minute <= 59:
        raise DateError(f"minute {date.minute} does not exist")
    if date.second is not None and not 0 <= date.second <= 59:
        raise DateError(f"second {date.second} does not exist")


def year_label(year: int) -> str:
    """``2014``, ``44 BCE`` for astronomical -43, ``1 BCE`` for year 0.

    Years of five digits or more are written in digit groups (``13,800,000,000 BCE``),
    which no four-digit year needs.
    """
    if year <= 0:
        return f"{group_digits(1 - year)} BCE"
    return group_digits(year)


def group_digits(number: int) -> str:
    """``1914``, ``12,000``, ``13,800,000,000``."""
    return f"{number:,}" if abs(number) >= 10_000 else str(number)


def span_of(start: PartialDate, end: PartialDate | None = None) -> Span:
    """The span from the first instant of ``start`` to the last instant of ``end``."""
    return Span(start.first_instant(), (end or start).last_instant())


def format_range(start: PartialDate, end: PartialDate | None, *, dash: str = EN_DASH) -> str:
    """``17–18 Apr 2014``, ``Apr–Jun 2014``, ``30 Dec 2013 – 2 Jan 2014``, ``2013–2014``."""
    if end is None or end == start:
        return start.display()
    same_precision = start.precision == end.precision
    if same_precision and start.precision == Precision.YEAR:
        if start.year <= 0 and end.year <= 0:
            return f"{group_digits(1 - start.year)}{dash}{group_digits(1 - end.year)} BCE"
        if start.year > 0:
            return f"{group_digits(start.year)}{dash}{group_digits(end.year)}"
    if same_precision and start.precision in (Precision.MONTH, Precision.DAY):
        if start.year == end.year:
            suffix = year_label(start.year)
            if start.precision == Precision.MONTH:
                assert start.month and end.month
                return f"{MONTH_ABBR[start.month - 1]}{dash}{MONTH_ABBR[end.month - 1]} {suffix}"
            assert start.month and end.month
            if start.month == end.month:
                return f"{start.day}{dash}{end.day} {MONTH_ABBR[start.month - 1]} {suffix}"
            return (
                f"{start.day} {MONTH_ABBR[start.month - 1]} {dash} "
                f"{end.day} {MONTH_ABBR[end.month - 1]} {suffix}"
            )
    if (
        start.precision >= Precision.MINUTE
        and end.precision >= Precision.MINUTE
        and (start.year, start.month, start.day) == (end.year, end.month, end.day)
    ):
        return f"{start.display()}{dash}{end.time_label()}"
    return f"{start.display()} {dash} {end.display()}"


#: A date as the library takes one: text as a person writes it, a year, or a date.
DateValue = str | int | _dt.date


def date_text(keyword: str, value: DateValue | None) -> str | None:
    """A date given to the library as text for the parsers: a year (``-499``, written
    ``-0499`` as ISO 8601 does) or a `datetime.date`/`datetime` in ISO form; text as is.
    Anything else is a TypeError naming ``keyword``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        raise TypeError(f"{keyword} takes a date, not {value!r}")
    if isinstance(value, int):
        # A year, written as ISO 8601 writes it: -0499 is 500 BCE.
        return f"{value:04d}" if value >= 0 else f"-{-value:04d}"
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=None, microsecond=0).isoformat(timespec="minutes")
    if isinstance(value, _dt.date):
        return value.isoformat()
    raise TypeError(
        f"{keyword} takes a date as text ('2014-04'), a year or a datetime.date, "
        f"not {type(value).__name__}"
    )
