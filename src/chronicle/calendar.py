"""The calendar: day numbers for any year, and counting entries per period.

Years are astronomical (-43 is 44 BCE) and the calendar is the proleptic Gregorian one
for every year, deep time included. Two kinds of period: the chart bins of ``timeline``
(days, months, or runs of years, as fine as fit a width) and the breakdown rows of
``stats`` (year, month, decade, century). No I/O.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING

from chronicle.dates import MONTH_ABBR, PartialDate, Precision, year_label

if TYPE_CHECKING:
    from chronicle.model import Listed

#: Bins of several years, tried in turn when one bin per year would not fit.
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


class Unit(StrEnum):
    """How finely the timeline is grouped, and the width of a chart bin."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True)
class Bin:
    """One bar of the count chart."""

    start: PartialDate
    count: int


@dataclass(frozen=True)
class Counts:
    """Entries per period, by start date, in bins of ``step`` ``unit``s."""

    unit: Unit
    step: int
    bins: list[Bin]
    #: Entries dated too coarsely for the bins (a year-only entry in a chart by month).
    uncounted: int
    #: The latest year counted, so the chart's range covers its last entry, not only the
    #: start of the last bin.
    last_year: int | None = None

    @property
    def unit_label(self) -> str:
        if self.unit is Unit.YEAR and self.step > 1:
            return f"{self.step} years"
        return self.unit.value

    @property
    def peak(self) -> int:
        return max((b.count for b in self.bins), default=0)

    def bin_label(self, item: Bin, *, short: bool = False) -> str:
        """``2014``, ``Apr 2014`` (``Apr`` when short), ``17 Apr``, ``1940``, ``50 BCE``."""
        date = item.start
        if self.unit is Unit.DAY:
            assert date.month is not None
            return f"{date.day} {MONTH_ABBR[date.month - 1]}"
        if self.unit is Unit.MONTH:
            assert date.month is not None
            month = MONTH_ABBR[date.month - 1]
            return month if short else f"{month} {year_label(date.year)}"
        return year_label(date.year)


# -- chart bins --------------------------------------------------------------------------


def count_periods(
    entries: Sequence[Listed],
    *,
    max_bins: int,
    finest: Unit = Unit.MONTH,
) -> Counts:
    """Entries per period by start date, in the finest bins (no finer than ``finest``)
    that keep the chart to ``max_bins`` bars (at least 2): days, months, then years in
    steps of 1, 2, 5, 10, ... Empty periods between the first and last entry count zero.
    """
    # Bins are aligned on multiples of their width (so ticks fall on round years), and two
    # neighbouring years can always straddle a boundary: two bins is the least that fits.
    max_bins = max(2, max_bins)
    candidates: list[tuple[Unit, int]] = []
    if finest is Unit.DAY:
        candidates.append((Unit.DAY, 1))
    if finest in (Unit.DAY, Unit.MONTH):
        candidates.append((Unit.MONTH, 1))
    candidates.extend((Unit.YEAR, step) for step in YEAR_STEPS)
    if not entries:
        return Counts(candidates[0][0], candidates[0][1], [], 0)
    tally = _tally(entries)
    first = min(date.year for date, _ in tally)
    last = max(date.year for date, _ in tally)
    # Beyond the fixed steps (deep time), keep multiplying by ten.
    step = YEAR_STEPS[-1]
    while _historical(last) // step - _historical(first) // step + 1 > max_bins:
        step *= 10
        candidates.append((Unit.YEAR, step))
    for unit, step in candidates:
        counts = _count(tally, unit, step, max_bins)
        if counts is not None:
            return counts
    raise AssertionError("the coarsest bin always fits")  # pragma: no cover


def _tally(entries: Sequence[Listed]) -> list[tuple[PartialDate, int]]:
    """Each distinct start date of ``entries`` (by identity: the catalog hands out one
    object per distinct date text, and a year of entries repeats a few hundred) and how
    many entries start on it, so the bins are worked out per date, not per entry."""
    dates = list(map(attrgetter("date"), entries))
    counted = Counter(map(id, dates))
    by_id = dict(zip(map(id, dates), dates, strict=True))
    return [(by_id[key], count) for key, count in counted.items()]


def _count(tally: list[tuple[PartialDate, int]], unit: Unit, step: int,
           max_bins: int) -> Counts | None:
    counted: dict[int, int] = {}
    uncounted = 0
    need = {Unit.YEAR: Precision.YEAR, Unit.MONTH: Precision.MONTH, Unit.DAY: Precision.DAY}[unit]
    for date, count in tally:
        if date.precision < need:
            uncounted += count
            continue
        index = _bin_index(date, unit, step)
        counted[index] = counted.get(index, 0) + count
    if not counted:
        return Counts(unit, step, [], uncounted) if unit is Unit.YEAR else None
    low, high = min(counted), max(counted)
    if high - low + 1 > max_bins:
        return None
    bins = [Bin(_bin_start(i, unit, step), counted.get(i, 0)) for i in range(low, high + 1)]
    last_year = max(date.year for date, _ in tally if date.precision >= need)
    return Counts(unit, step, bins, uncounted, last_year)


def _bin_index(date: PartialDate, unit: Unit, step: int) -> int:
    if unit is Unit.YEAR:
        # Bins are aligned on round historical years (3200 BCE, 3150 BCE, ... 1950, 2000),
        # so BCE years count in their own numbering: 500 BCE is -500 here, 1 BCE is -1.
        return _historical(date.year) // step
    assert date.month is not None
    if unit is Unit.MONTH:
        return date.year * 12 + date.month - 1
    assert date.day is not None
    return day_number(date.year, date.month, date.day)


def _historical(year: int) -> int:
    """Astronomical year to historical numbering without a year 0 (1 BCE is -1)."""
    return year if year >= 1 else year - 1


def _bin_start(index: int, unit: Unit, step: int) -> PartialDate:
    if unit is Unit.YEAR:
        start = index * step
        # Back to astronomical; the bin from historical "year 0" starts at the year 1.
        return PartialDate(start if start >= 1 else 1 if start == 0 else start + 1)
    if unit is Unit.MONTH:
        year, month = divmod(index, 12)
        return PartialDate(year, month + 1)
    return PartialDate(*civil_from_days(index))


def day_number(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar, for any year (BCE too)."""
    # H. Hinnant's days_from_civil: eras of 400 years make it exact for negative years.
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def civil_from_days(days: int) -> tuple[int, int, int]:
    """The inverse of `day_number`: ``(year, month, day)``."""
    days += 719468
    era = days // 146097
    day_of_era = days - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = shifted_month + (3 if shifted_month < 10 else -9)
    return year_of_era + era * 400 + (month <= 2), month, day


# -- breakdown rows --------------------------------------------------------------

PeriodKey = tuple[int, int]


def period_of(by: str) -> Callable[[PartialDate], PeriodKey]:
    """The sortable bucket of a date for a period breakdown.

    Month buckets of year-only dates use month 0, so "some time in 2014" sorts before
    January 2014 and is never mistaken for it.
    """
    if by == "year":
        return lambda date: (date.year, 0)
    if by == "month":
        return lambda date: (date.year, date.month or 0)
    size = 10 if by == "decade" else 100
    return lambda date: (period_start(date.year, size), 0)


def period_start(year: int, size: int) -> int:
    """The first astronomical year of the decade (10) or century (100) holding ``year``.

    Periods are counted in historical years, so their labels are round on both sides of
    the era and no period holds years of both eras: centuries run 1-100, 101-200 and
    100 BCE-1 BCE, 200 BCE-101 BCE; decades run 1990-1999 (1-9 for the first) and
    49 BCE-40 BCE (9 BCE-1 BCE for the last).
    """
    if year >= 1:
        if size == 100:
            return (year - 1) // size * size + 1
        return max(1, year // size * size)
    bce = 1 - year  # 1 BCE is astronomical year 0
    if size == 100:
        last = (bce - 1) // size * size + size  # 100 BCE, 200 BCE, ...
    else:
        last = bce // size * size + size - 1  # 9 BCE, 19 BCE, 49 BCE ...
    return 1 - last


def period_end(start: int, size: int) -> int:
    """The last astronomical year of the period ``period_start`` began at ``start``."""
    if start >= 1:
        if size == 100:
            return start + size - 1
        return start // size * size + size - 1
    last_bce = 1 - start
    first_bce = (last_bce - size + 1) if size == 100 else last_bce // size * size
    return 1 - max(first_bce, 1)


def period_label(by: str, bucket: PeriodKey) -> tuple[str, str]:
    """``(key, label)`` of a period bucket: ``("2014-04", "Apr 2014")``, ``("-0043", "44 BCE")``."""
    year, month = bucket
    # PartialDate(year).isoformat(), without making a date: a chart by month labels
    # thousands of buckets.
    year_key = f"-{-year:04d}" if year < 0 else f"+{year}" if year > 9999 else f"{year:04d}"
    if by == "year":
        return year_key, year_label(year)
    if by == "month":
        if month == 0:
            return year_key, f"{year_label(year)} (month unknown)"
        return f"{year_key}-{month:02d}", f"{MONTH_ABBR[month - 1]} {year_label(year)}"
    size = 10 if by == "decade" else 100
    last = period_end(year, size)
    if by == "decade" and year >= 10:
        return f"{year_key}s", f"{year}s"
    return f"{year_key}s", f"{year_label(year)}\u2013{year_label(last)}"


def tally_periods(dates: Iterable[PartialDate], by: str) -> list[tuple[str, str, int]]:
    """``(key, label, count)`` per period of a breakdown, in date order."""
    bucket_of = period_of(by)
    counts: Counter[PeriodKey] = Counter(bucket_of(date) for date in dates)
    return [(*period_label(by, bucket), counts[bucket]) for bucket in sorted(counts)]
