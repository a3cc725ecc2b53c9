"""The timeline: entries grouped into years, months and days, and counts per period.

Pure data, no Rich: ``render.timeline`` draws it, the CLI prints it. Years are
astronomical like everywhere in chronicle (-43 is 44 BCE); every label goes through
``dates.year_label``, so no heading or gutter ever shows a negative year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from chronicle.calendar import Unit
from chronicle.dates import (
    EN_DASH,
    MONTH_ABBR,
    PartialDate,
    Precision,
    format_range,
    year_label,
)
from chronicle.model import Entry, Listed

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
#: Marks a date given only to the year or month (it heads its period) in gutters.
IMPRECISE_MARK = "~"
LEGEND = f"{IMPRECISE_MARK} imprecise: dated only to the year or month"
class TimelineItem(NamedTuple):
    """One entry as the timeline shows it (a tuple: a timeline makes thousands)."""

    entry: Listed
    #: The date for the gutter, without the year the heading already gives (``17–18 Apr``).
    label: str
    #: Dated only to a year or a month, or only possibly inside the filtered period.
    imprecise: bool

    @property
    def gutter(self) -> str:
        return IMPRECISE_MARK + self.label if self.imprecise else self.label


@dataclass
class Period:
    """A year, month or day of the timeline: the entries that head it, then its parts."""

    unit: Unit
    year: int
    month: int | None = None
    day: int | None = None
    items: list[TimelineItem] = field(default_factory=list)
    children: list[Period] = field(default_factory=list)

    @property
    def key(self) -> str:
        """ISO form of the period: ``2014``, ``2014-04``, ``-0043-03-15``."""
        return PartialDate(self.year, self.month, self.day).isoformat()

    @property
    def label(self) -> str:
        """``2014``, ``April 2014``, ``17 April 2014``, ``44 BCE``."""
        text = year_label(self.year)
        if self.month is not None:
            text = f"{MONTH_NAMES[self.month - 1]} {text}"
        if self.day is not None:
            text = f"{self.day} {text}"
        return text

    @property
    def count(self) -> int:
        return len(self.items) + sum(child.count for child in self.children)


@dataclass
class Timeline:
    """Entries grouped by year (then month, then day, as ``by`` asks)."""

    by: Unit
    years: list[Period]
    total: int


# -- grouping --------------------------------------------------------------------------


def build_timeline(
    entries: Iterable[Listed],
    *,
    by: Unit = Unit.MONTH,
    is_imprecise: Callable[[Listed], bool] | None = None,
) -> Timeline:
    """Group entries (in chronicle order) into years, months and days by their start.

    An entry dated only to a year heads its year, one dated to a month heads its month;
    both are marked imprecise, as is any entry ``is_imprecise`` (the filter) says may lie
    outside the period asked for.
    """
    listed = _in_order(entries)
    years: list[Period] = []
    total = len(listed)
    # Labels by the dates' identities: the catalog hands out one object per distinct
    # date text, and a year of entries repeats a few hundred dates.
    labels: dict[tuple[int, int], str] = {}
    kept: list[Any] = []  # keeps each date labelled alive, so no id is reused
    item_of = TimelineItem._make
    by_year, by_month = by is Unit.YEAR, by is Unit.MONTH
    year = month = None
    for entry in listed:
        date, end = entry.date, entry.end
        label = labels.get((id(date), id(end)))
        if label is None:
            label = labels[id(date), id(end)] = _gutter_label(date, end)
            kept.append((date, end))
        day = date.day
        item = item_of((entry, label, day is None or bool(is_imprecise and is_imprecise(entry))))
        if date.year != year:
            year, month = date.year, None
            years.append(Period(Unit.YEAR, year))
        period = years[-1]
        if by_year or date.month is None:
            period.items.append(item)
            continue
        if month != date.month or not period.children:
            month = date.month
            period.children.append(Period(Unit.MONTH, year, month))
        period = period.children[-1]
        if by_month or day is None:
            period.items.append(item)
            continue
        if not period.children or period.children[-1].day != day:
            period.children.append(Period(Unit.DAY, year, month, day))
        period.children[-1].items.append(item)
    return Timeline(by, years, total)


def _in_order(entries: Iterable[Listed]) -> list[Listed]:
    """``entries`` in chronicle order: as they come when they come so (as the catalog and
    `Chronicle.find` give them), which one pass with each distinct date's key made once
    tells, else sorted."""
    listed = list(entries)
    keys: dict[int, tuple[int, ...]] = {}
    previous: tuple[Any, ...] | None = None
    for entry in listed:
        date = entry.date
        key = keys.get(id(date))
        if key is None:
            key = keys[id(date)] = _order(entry)[:-1]  # its date lives in ``listed``
        current = (key, entry.id)
        if previous is not None and current < previous:
            return sorted(listed, key=_order)
        previous = current
    return listed


def _order(entry: Listed) -> tuple[Any, ...]:
    """``entry.sort_key`` as a plain tuple that orders the same, without making an
    `Instant` per entry."""
    date = entry.date
    return (date.year, date.month or 1, date.day or 1, date.hour or 0, date.minute or 0,
            date.second or 0, date.precision, entry.id)


def gutter_label(entry: Listed) -> str:
    """The date as a timeline gutter shows it, leaving out the year its heading gives.

    ``2014``, ``Apr 2014`` and ranges of years or months are shown whole, so an
    imprecise entry reads as such; days read ``17 Apr``, ``17–18 Apr``, ``30 Mar – 2 Apr``,
    ``5 Mar 12:03``; a range into another year is shown whole (``30 Dec 2013 – 2 Jan 2014``).
    """
    return _gutter_label(entry.date, entry.end)


@lru_cache(maxsize=4096)  # a year of entries repeats the same few hundred dates
def _gutter_label(start: PartialDate, end: PartialDate | None) -> str:
    if start.precision < Precision.DAY or (end is not None and end.year != start.year):
        return format_range(start, end)
    if end is None or end == start:
        return _without_year(start)
    if start.precision == end.precision == Precision.DAY and start.month == end.month:
        assert start.month is not None
        return f"{start.day}{EN_DASH}{end.day} {MONTH_ABBR[start.month - 1]}"
    if (
        start.precision >= Precision.MINUTE
        and end.precision >= Precision.MINUTE
        and (start.month, start.day) == (end.month, end.day)
    ):
        return f"{_without_year(start)}{EN_DASH}{end.time_label()}"
    return f"{_without_year(start)} {EN_DASH} {_without_year(end)}"


def _without_year(date: PartialDate) -> str:
    if date.month is None:
        return year_label(date.year)
    text = MONTH_ABBR[date.month - 1]
    if date.day is not None:
        text = f"{date.day} {text}"
    time = date.time_label()
    return f"{text} {time}" if time else text


def iter_items(timeline: Timeline) -> Iterable[TimelineItem]:
    """Every item of the timeline, in order."""

    def walk(node: Period) -> Iterable[TimelineItem]:
        yield from node.items
        for child in node.children:
            yield from walk(child)

    for year in timeline.years:
        yield from walk(year)


# -- the plain form -----------------------------------------------------------------------


def to_data(timeline: Timeline) -> dict[str, Any]:
    """The JSON form: nested periods, each with its entries (``Entry.to_dict()`` keys plus
    ``date_label`` and ``imprecise``) and its parts."""

    def entry(item: TimelineItem) -> Entry:
        if not isinstance(item.entry, Entry):
            raise TypeError("the JSON form of a timeline needs whole entries, not listings")
        return item.entry

    def period(node: Period) -> dict[str, Any]:
        return {
            "period": node.key,
            "unit": node.unit.value,
            "label": node.label,
            "count": node.count,
            "entries": [
                {**entry(item).to_dict(), "date_label": item.label, "imprecise": item.imprecise}
                for item in node.items
            ],
            "periods": [period(child) for child in node.children],
        }

    return {
        "by": timeline.by.value,
        "total": timeline.total,
        "periods": [period(year) for year in timeline.years],
    }
