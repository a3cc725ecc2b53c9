"""Partial dates and spans: parse, compare, format. No I/O.

A date keeps the precision it was written with: ``2014`` means "some time in 2014",
never 1 January. Years are astronomical (ISO 8601): year 0 is 1 BCE, -0043 is 44 BCE,
and there is no lower or upper bound, so deep-time years work too.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass
from enum import IntEnum

from chronicle.errors import DateError

MONTH_ABBR = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
EN_DASH = "\u2013"

_ISO_RE = re.compile(
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


@dataclass(frozen=True, order=True, slots=True)
class Instant:
    """One point in time to the second, with an unbounded astronomical year."""

    year: int
    month: int = 1
    day: int = 1
    hour: int = 0
    minute: int = 0
    second: int = 0

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

    @classmethod
    def from_key(cls, key: int) -> Instant:
        year, rest = divmod(key, 10**10)
        month, rest = divmod(rest, 10**8)
        day, rest = divmod(rest, 10**6)
        hour, rest = divmod(rest, 10**4)
        minute, second = divmod(rest, 100)
        return cls(year, month, day, hour, minute, second)


@dataclass(frozen=True, slots=True)
class Span:
    """Every instant from ``start`` to ``end``, both included."""

    start: Instant
    end: Instant

    def overlaps(self, other: Span) -> bool:
        return self.start <= other.end and other.start <= self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end

    def intersect(self, other: Span) -> Span | None:
        start, end = max(self.start, other.start), min(self.end, other.end)
        return Span(start, end) if start <= end else None


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A date given to a year, a month, a day, a minute or a second."""

    year: int
    month: int | None = None
    day: int | None = None
    hour: int | None = None
    minute: int | None = None
    second: int | None = None

    def __post_init__(self) -> None:
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
        match = _ISO_RE.match(stripped)
        if not match:
            raise DateError(
                f"'{text}' is not a date; use 2014, 2014-04, 2014-04-17 or 2014-04-17T12:03"
            )
        parts = match.groupdict()

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


def _validate(date: PartialDate) -> None:
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
    """``2014``, ``44 BCE`` for astronomical -43, ``1 BCE`` for year 0."""
    if year <= 0:
        return f"{1 - year} BCE"
    return str(year)


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
            return f"{1 - start.year}{dash}{1 - end.year} BCE"
        if start.year > 0:
            return f"{start.year}{dash}{end.year}"
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


def filter_span(
    *,
    year: str | None = None,
    month: str | None = None,
    on: str | None = None,
    from_: str | None = None,
    to: str | None = None,
) -> tuple[Span | None, Precision | None]:
    """The span a set of date filters asks for, and the finest precision they name.

    Each filter takes any partial date; ``--from``/``--to`` include the whole period
    given. Several filters intersect. Returns ``(None, None)`` when no date filter is
    given, and an empty span (start after end) when the filters cannot all hold.
    """
    spans: list[Span] = []
    precisions: list[Precision] = []

    def take(option: str, text: str | None) -> PartialDate | None:
        if text is None:
            return None
        try:
            date = PartialDate.parse(text)
        except DateError as err:
            raise DateError(f"{option}: {err.message}") from None
        precisions.append(date.precision)
        return date

    for option, text in (("--year", year), ("--month", month), ("--on", on)):
        date = take(option, text)
        if date is not None:
            spans.append(date.span)
    start = take("--from", from_)
    end = take("--to", to)
    if start is not None or end is not None:
        spans.append(
            Span(
                start.first_instant() if start else Instant(-(10**12)),
                end.last_instant() if end else Instant(10**12, 12, 31, 23, 59, 59),
            )
        )
    if not spans:
        return None, None
    result: Span | None = spans[0]
    for span in spans[1:]:
        result = result.intersect(span) if result else None
    if result is None:
        # Keep an impossible span rather than None: "no filter" and "nothing can match"
        # must stay different.
        result = Span(Instant(1, 1, 1, 0, 0, 1), Instant(1))
    return result, max(precisions)


# -- written dates ---------------------------------------------------------------------
# What people type at `chronicle add`: "17 April 2014", "April 17-18, 2014", "March 2014",
# "5 March 2014 12:03", "15 March 44 BC". Numeric day/month orders (03/05/2014) differ
# between countries, so they are refused with a hint rather than guessed.

WRITTEN_DATE_HINT = (
    "write 2014-04-17, or in words: 17 April 2014; April 17-18, 2014; March 2014; "
    "5 March 2014 12:03; 15 March 44 BC"
)
_MONTHS_FULL = (
    "january february march april may june july august september october november december"
).split()
_MONTH_WORDS: dict[str, int] = {
    **{name: number for number, name in enumerate(_MONTHS_FULL, 1)},
    **{name[:3]: number for number, name in enumerate(_MONTHS_FULL, 1)},
    "sept": 9,
}
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
_WEEKDAY_WORDS = {
    **{day: number for number, day in enumerate(_WEEKDAYS)},
    **{day[:3]: number for number, day in enumerate(_WEEKDAYS)},
}
_ERA_WORDS = {"bc": "bce", "bce": "bce", "ad": "ce", "ce": "ce"}
_RANGE_WORDS = {"-", "to", "until", "till", "through", "thru"}
_FILLER_WORDS = {"of", "the", "on", "at"}
_NUMERIC_DATE_RE = re.compile(r"^(\d{1,4})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{1,4})$")
_ISO_RANGE_SPLIT_RE = re.compile(r"\s*/\s*|\s+(?:[-\u2013\u2014]|to|until|till|through)\s+", re.I)
_WRITTEN_TOKEN_RE = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?|\d+(?:st|nd|rd|th)?|[^\W\d_]+|-|\S")


@dataclass
class _WrittenSide:
    """One side of a written range, as far as it was given."""

    day: int | None = None
    month: int | None = None
    year: int | None = None
    era: str | None = None  # "bce", "ce", or "short" for a two-digit year without an era
    time: tuple[int, int, int | None] | None = None
    weekday: int | None = None
    #: A bare number with no month beside it: a day or a year, settled by the other side.
    loose: int | None = None


def parse_written_range(text: str) -> tuple[PartialDate, PartialDate | None]:
    """Read a date or a range as a person writes it, and every form `PartialDate.parse` takes.

    Returns ``(start, end)``; ``end`` is None unless a range was written
    ("April 17-18, 2014", "30 Dec 2013 - 2 Jan 2014", "2014-04-17/2014-04-18").
    Raises DateError with a hint.
    """
    stripped = " ".join(text.split())
    if not stripped:
        raise _written_error(text, "no date given")
    numeric = _NUMERIC_DATE_RE.match(stripped)
    if numeric and len(numeric.group(1)) < 4:
        # ISO would read 03-05-14 as 14 May of the year 3; people mean something else.
        return _numeric_date(text, numeric), None
    if _ISO_RE.match(stripped):
        return PartialDate.parse(stripped), None
    halves = _ISO_RANGE_SPLIT_RE.split(stripped)
    if len(halves) == 2 and all(_ISO_RE.match(half.strip()) for half in halves):
        start, end = (PartialDate.parse(half.strip()) for half in halves)
        return _ordered_range(text, start, end)
    if numeric:
        return _numeric_date(text, numeric), None
    sides = _written_sides(text, stripped)
    if len(sides) == 1:
        return _written_date(text, sides[0]), None
    left, right = sides
    if right.year is None and right.month is None and right.day is None and right.time:
        # "5 March 2014 12:03-14:00": the end is a time on the same day.
        right.day, right.month, right.year, right.era = left.day, left.month, left.year, left.era
    if right.loose is not None:
        right.year, right.loose = right.loose, None
    if right.year is None:
        raise _written_error(text, "the end of the range needs a year")
    if right.day is not None and right.month is None:
        right.month = left.month  # "April 17-18, 2014"
    if left.loose is not None:
        if right.day is not None:
            left.day = left.loose  # "17-18 April 2014"
        else:
            left.year = left.loose  # "2013-2014", "44-30 BC"
        left.loose = None
    if left.year is None:
        left.year, left.era = right.year, right.era
        if left.month is None and left.day is not None:
            left.month = right.month
    elif left.era is None and right.era == "bce":
        left.era = "bce"  # "44-30 BC": the era is written once, after both years
    return _ordered_range(text, _written_date(text, left), _written_date(text, right))


def parse_written(text: str) -> PartialDate:
    """One date as a person writes it (see `parse_written_range`); a range is an error."""
    start, end = parse_written_range(text)
    if end is not None:
        raise DateError(f"'{text}' is a range; give a single date here")
    return start


def _written_error(text: str, why: str, hint: str = WRITTEN_DATE_HINT) -> DateError:
    return DateError(f"'{text}': {why}" if text.strip() else why, hint=hint)


def _ordered_range(
    text: str, start: PartialDate, end: PartialDate
) -> tuple[PartialDate, PartialDate | None]:
    if end.last_instant() < start.first_instant():
        raise DateError(f"'{text}': the end {end.display()} is before the start {start.display()}")
    return start, (None if end == start else end)


def _numeric_date(text: str, match: re.Match[str]) -> PartialDate:
    first, _separator, second, third = match.groups()
    if len(first) == 4:
        # Year first (2014/04/17) is read the same way everywhere.
        try:
            return PartialDate(int(first), int(second), int(third))
        except DateError as err:
            raise DateError(f"'{text}': {err.message}") from None
    if len(third) < 3:
        raise _written_error(text, "ambiguous: the year is not written in full, and the order "
                             "of day and month differs between countries")
    year, a, b = int(third), int(first), int(second)
    readings: list[PartialDate] = []
    for day, month in ((a, b), (b, a)):
        try:
            readings.append(PartialDate(year, month, day))
        except DateError:
            continue
    unique = list(dict.fromkeys(readings))
    shown = " or ".join(f"{date.isoformat()} ({date.display()})" for date in unique)
    raise _written_error(text, "ambiguous: the order of day and month differs between countries",
                         hint=f"write {shown}" if shown else WRITTEN_DATE_HINT)


def _written_sides(text: str, stripped: str) -> list[_WrittenSide]:
    """Split a written date at its range dash and read the words and numbers of each side."""
    normal = stripped.lower().replace(",", " ")
    for dash in ("\u2013", "\u2014", "\u2212"):
        normal = normal.replace(dash, "-")
    # "B.C.", "a.d." and "Apr." lose their dots; a dot is never part of a written date.
    normal = re.sub(r"\b([a-z])\.(?=[a-z]\.)", r"\1", normal).replace(".", " ")
    sides = [_WrittenSide()]
    after_time = False
    for token in _WRITTEN_TOKEN_RE.findall(normal):
        side = sides[-1]
        if token in _RANGE_WORDS:
            if len(sides) == 2:
                raise _written_error(text, "more than one range")
            sides.append(_WrittenSide())
        elif ":" in token:
            numbers = [int(number) for number in token.split(":")]
            side.time = (numbers[0], numbers[1], numbers[2] if len(numbers) > 2 else None)
        elif token in ("am", "pm"):
            if not after_time or side.time is None or not 1 <= side.time[0] <= 12:
                raise _written_error(text, f"write the time as 3:05 {token} or 15:05")
            hour, minute, second = side.time
            side.time = (hour % 12 + (12 if token == "pm" else 0), minute, second)
        elif token[0].isdigit():
            _take_number(text, side, token)
        elif token in _MONTH_WORDS:
            if side.month is not None:
                raise _written_error(text, "two months on one side")
            side.month = _MONTH_WORDS[token]
            if side.loose is not None:
                side.day, side.loose = side.loose, None  # "17 April"
        elif token in _ERA_WORDS:
            side.era = _ERA_WORDS[token]
            if side.loose is not None:
                side.year, side.loose = side.loose, None  # "44 BC"
            elif side.year is None and side.day is not None:
                side.year, side.day = side.day, None  # "March 44 BC"
        elif token in _WEEKDAY_WORDS:
            side.weekday = _WEEKDAY_WORDS[token]
        elif token not in _FILLER_WORDS:
            import difflib

            close = difflib.get_close_matches(token, [*_MONTHS_FULL, *_WEEKDAYS], n=1)
            guess = f" (did you mean '{close[0]}'?)" if close else ""
            what = "is not a month" if token.isalpha() else "is not part of a date"
            raise _written_error(text, f"'{token}' {what}{guess}")
        after_time = ":" in token
    return sides


def _take_number(text: str, side: _WrittenSide, token: str) -> None:
    digits = token.rstrip("stndrh")
    ordinal = digits != token
    number = int(digits)
    if side.month is None:
        if side.loose is None and side.day is None and side.year is None:
            side.loose = number
        elif side.loose is not None and side.year is None and len(digits) >= 3:
            side.day, side.loose, side.year = side.loose, None, number  # "18, 2014" in a range
        else:
            raise _written_error(text, "too many numbers")
    elif side.day is None and side.year is None and (ordinal or len(digits) <= 2):
        side.day = number
    elif side.year is None and not ordinal:
        side.year = number
        if len(digits) <= 2:
            side.era = side.era or "short"
    else:
        raise _written_error(text, "too many numbers")


def _written_date(text: str, side: _WrittenSide) -> PartialDate:
    if side.loose is not None:
        side.year, side.loose = side.loose, None
    if side.year is None:
        raise _written_error(text, "a year is needed")
    if side.era == "short":
        raise _written_error(text, "a two-digit year is ambiguous; write it in full (2014), "
                             "or add AD or BC to a year that short")
    year = side.year
    if side.era is not None and year < 1:
        raise _written_error(text, "there is no year 0 in BC or AD; 1 BC is followed by AD 1")
    if side.era == "bce":
        year = 1 - year
    if side.day is not None and side.month is None:
        raise _written_error(text, "a day needs a month")
    if side.time is not None and side.day is None:
        raise _written_error(text, "a time needs a day")
    hour, minute, second = side.time if side.time else (None, None, None)
    try:
        date = PartialDate(year, side.month, side.day, hour, minute, second)
    except DateError as err:
        raise DateError(f"'{text}': {err.message}") from None
    if side.weekday is not None and date.day is not None and date.year >= 1:
        actual = _dt.date(date.year, date.month or 1, date.day).weekday()
        if actual != side.weekday:
            raise DateError(
                f"'{text}': {date.display()} was a {_WEEKDAYS[actual].capitalize()}, "
                f"not a {_WEEKDAYS[side.weekday].capitalize()}"
            )
    return date
