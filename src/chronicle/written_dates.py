"""Dates as people write them at ``chronicle add``: parse into `PartialDate`s. No I/O.

"17 April 2014", "April 17-18, 2014", "March 2014", "5 March 2014 12:03", "15 March 44
BC", and every ISO form `PartialDate.parse` takes. Numeric day/month orders (03/05/2014)
differ between countries, so they are refused with a hint rather than guessed.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from chronicle.dates import ISO_DATE_RE, PartialDate
from chronicle.errors import DateError

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
    if ISO_DATE_RE.match(stripped):
        return PartialDate.parse(stripped), None
    halves = _ISO_RANGE_SPLIT_RE.split(stripped)
    if len(halves) == 2 and all(ISO_DATE_RE.match(half.strip()) for half in halves):
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
