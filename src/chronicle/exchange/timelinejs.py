"""Knight Lab TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html).

Export: ``{"title": ..., "events": [...], "scale": ...}`` with one slide an entry.

- ``start_date``/``end_date`` hold only the parts the entry has (an entry dated 2014
  gives ``{"year": 2014}``), and ``display_date`` the date as chronicle shows it. An end
  of a year or a month means "through the end of it", but TimelineJS reads
  ``{"year": 1918}`` as 1 January 1918: such an end is written as the period's last day
  (``{"year": 1918, "month": 12, "day": 31}``) so the bar covers the whole of 1918, and
  the chronicle's own end travels in the ``chronicle`` object (on the cosmological scale,
  where TimelineJS counts in years alone, the end stays as it is).
- Years: TimelineJS writes BCE years as negative numbers with no year zero (-500 is
  500 BCE); chronicle counts astronomically (-0499 is 500 BCE). Years convert both ways.
  ``scale`` is ``cosmological`` when a year lies beyond TimelineJS's human scale.
- ``text.headline`` is the title; ``text.text`` the summary, as a paragraph of class
  ``chronicle-summary``, then the body rendered from Markdown to HTML.
- ``media`` is the first source with an http(s) URL (never ``javascript:`` or another
  scheme a browser would run or read locally); ``group`` the first tag, place or person
  (``--group-by``); ``unique_id`` the entry's ``uid`` field, else its id.
- The fields TimelineJS has no place for (id, people, places, tags, every source,
  custom fields) travel in a ``chronicle`` object on each slide, which TimelineJS
  ignores; importing the file restores them. Title, dates, summary and body are read
  from the TimelineJS fields, so edits made to those in the file are kept.

Import is `chronicle.exchange.timelinejs_reading`.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chronicle import jsontext
from chronicle.dates import PartialDate, days_in_month
from chronicle.errors import DateError
from chronicle.exchange import (
    UID_FIELD,
    Exported,
    ExportOptions,
)
from chronicle.exchange.markup import (
    body_html,
    is_web_url,
    summary_html,
)
from chronicle.model import Entry

EXTENSION_KEY = "chronicle"
#: TimelineJS's human scale ends here (JavaScript dates); beyond, only "cosmological" works.
HUMAN_SCALE_YEARS = (-271_821, 275_760)
DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")
#: Keys the TimelineJS fields carry; everything else of ``to_dict()`` goes in the extension.
CARRIED = ("title", "date", "end", "precision", "summary", "body", "path")


# -- years ---------------------------------------------------------------------------------


def to_timelinejs_year(year: int) -> int:
    """Astronomical year (0 = 1 BCE) to TimelineJS's (-1 = 1 BCE, no year 0)."""
    return year if year > 0 else year - 1


def from_timelinejs_year(year: int) -> int:
    if year == 0:
        raise DateError("year 0 does not exist in TimelineJS (1 BCE is -1)")
    return year if year > 0 else year + 1


def date_object(date: PartialDate) -> dict[str, int]:
    """A TimelineJS date object with exactly the parts ``date`` has."""
    parts: dict[str, int] = {"year": to_timelinejs_year(date.year)}
    for name in DATE_PARTS[1:]:
        value = getattr(date, name)
        if value is not None:
            parts[name] = value
    return parts


def period_end(date: PartialDate) -> PartialDate:
    """A range's end as TimelineJS must be given it: a year or a month as its last day."""
    if date.day is not None:
        return date
    month = date.month or 12
    return PartialDate(date.year, month, days_in_month(date.year, month))


def end_object(end: PartialDate, cosmological: bool) -> dict[str, int]:
    """``end_date`` for a range ending at ``end``: through the whole of its last period."""
    return date_object(end if cosmological else period_end(end))


def read_end(value: object, start: PartialDate, written: object) -> PartialDate:
    """An ``end_date`` as the range's end.

    ``written`` is the end chronicle exported (the ``chronicle`` object's ``end``): when
    ``end_date`` is still what was exported for it, that end comes back with its own
    precision. Otherwise a last day of a year or month reads as that period when the start
    names no finer part, as a year-long or month-long range is written for TimelineJS.
    """
    end = read_date(value, "end_date")
    if isinstance(written, str):
        try:
            original = PartialDate.parse(written)
        except DateError:
            original = None
        if original is not None and end in (original, period_end(original)):
            return original
    if end.hour is not None or end.day is None or end.month is None:
        return end
    if end.day != days_in_month(end.year, end.month):
        return end
    if end.month == 12 and start.month is None:
        return PartialDate(end.year)
    if start.day is None:
        return PartialDate(end.year, end.month)
    return end


def read_date(value: object, what: str) -> PartialDate:
    """A TimelineJS date object as a partial date; raises DateError saying what is wrong."""
    if not isinstance(value, dict):
        raise DateError(f"{what} must be an object with a year, like {{\"year\": 1963}}")
    numbers = {name: _whole_number(value.get(name), f"{what}.{name}") for name in DATE_PARTS}
    if numbers["year"] is None:
        raise DateError(f"{what} has no year")
    try:
        year = from_timelinejs_year(numbers["year"])
    except DateError as err:
        raise DateError(f"{what}: {err.message}") from None
    hour, minute, second = numbers["hour"], numbers["minute"], numbers["second"]
    if second is not None and minute is None:
        minute = 0
    if minute is not None and hour is None:
        hour = 0
    if hour is not None and minute is None:
        minute = 0
    try:
        return PartialDate(year, numbers["month"], numbers["day"], hour, minute, second)
    except DateError as err:
        raise DateError(f"{what}: {err.message}") from None


_NUMBER = re.compile(r"^[+-]?\d+$")


def _whole_number(value: object, what: str) -> int | None:
    """Numbers as TimelineJS files hold them: 1963, "1963", "" (absent), -4.54e9."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise DateError(f"{what} must be a number, got {str(value).lower()}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("_", "").replace(" ", "")
        if _NUMBER.match(text):
            return int(text)
        try:
            number = float(text)
        except ValueError:
            number = None
        if number is not None and number.is_integer():
            return int(number)
    raise DateError(f"{what} must be a whole number, got {value!r}")


# -- export --------------------------------------------------------------------------------


def export_timelinejs(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    cosmological = is_cosmological(
        date for entry in entries for date in (entry.date, entry.end) if date is not None)
    return Exported("".join(timelinejs_chunks(entries, options, cosmological)))


def is_cosmological(dates: Iterable[PartialDate]) -> bool:
    """True when a date lies beyond TimelineJS's human scale."""
    return any(
        not HUMAN_SCALE_YEARS[0] <= to_timelinejs_year(date.year) <= HUMAN_SCALE_YEARS[1]
        for date in dates
    )


def timelinejs_chunks(entries: Iterable[Entry], options: ExportOptions, cosmological: bool
                      ) -> Iterator[str]:
    """`export_timelinejs`'s text a slide at a time; ``cosmological`` is `is_cosmological`
    of every date of the entries."""
    encode = jsontext.encoder(ensure_ascii=False, indent=2)
    document = {
        "title": {"text": {"headline": html.escape(options.title, quote=False)}},
        "events": [],
        "scale": "cosmological" if cosmological else "human",
    }
    # The document with no events, cut where they go: json.dumps indents each slide
    # by its depth, so a slide written alone and indented by two levels is the same text.
    head, tail = encode(document).split('"events": []', 1)
    used_ids: set[str] = set()
    first = True
    for entry in entries:
        text = encode(_slide(entry, options, cosmological, used_ids)).replace("\n", "\n    ")
        yield (head + '"events": [\n    ' if first else ",\n    ") + text
        first = False
    yield (head + '"events": []' if first else "\n  ]") + tail + "\n"


def _slide(entry: Entry, options: ExportOptions, cosmological: bool, used_ids: set[str]
           ) -> dict[str, Any]:
    parts: list[str] = []
    if entry.summary and entry.summary.strip():
        parts.append(summary_html(entry.summary))
    if entry.body and entry.body.strip():
        parts.append(body_html(entry.body))
    slide: dict[str, Any] = {"unique_id": _unique_id(entry, used_ids)}
    slide["start_date"] = date_object(entry.date)
    if entry.end is not None:
        slide["end_date"] = end_object(entry.end, cosmological)
    slide["display_date"] = entry.date_label()
    slide["text"] = {"headline": html.escape(entry.title, quote=False)}
    if parts:
        slide["text"]["text"] = "\n".join(parts)
    # TimelineJS loads or links media.url; only a web address may reach it.
    media = next((source for source in entry.sources if is_web_url(source.url)), None)
    if media is not None:
        slide["media"] = {"url": media.url}
        if media.title:
            slide["media"]["caption"] = html.escape(media.title, quote=False)
    group = _group(entry, options.group_by)
    if group:
        # TimelineJS shows the group as HTML, like the text: a tag is escaped.
        slide["group"] = html.escape(group, quote=False)
    slide[EXTENSION_KEY] = {
        key: value for key, value in entry.to_dict().items() if key not in CARRIED
    }
    if entry.end is not None:
        # The end as chronicle holds it, so import restores its precision.
        slide[EXTENSION_KEY]["end"] = entry.end.isoformat()
    return slide


def _unique_id(entry: Entry, used: set[str]) -> str:
    uid = entry.extra.get(UID_FIELD)
    chosen = uid if isinstance(uid, str) and uid.strip() and uid not in used else entry.id
    used.add(chosen)
    return chosen


def _group(entry: Entry, field: str | None) -> str | None:
    values = {"tag": entry.tags, "place": entry.places, "person": entry.people}.get(field or "")
    return values[0] if values else None
