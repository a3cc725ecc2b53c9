"""iCalendar (RFC 5545) events, made and read with the icalendar library.

Export: one VEVENT an entry, for calendar programs (khal, Thunderbird, ...).

- An entry dated to the day is an all-day event; a range is a multi-day all-day event
  (DTEND is the day after the last day, as RFC 5545 wants).
- An entry dated only to a month is an all-day event covering the whole month; one
  dated only to a year covers the whole year (1 January to 31 December). The exact
  dates as chronicle wrote them travel in ``X-CHRONICLE-DATE`` / ``X-CHRONICLE-END``,
  so importing the file back restores "April 2014" rather than 1-30 April.
- An entry with a time (and an end with a time, or none) is a timed event in floating
  time, the clock time as written: entries have no time zone.
- SUMMARY is the title; DESCRIPTION the summary and body; LOCATION the places joined by
  ``; ``; CATEGORIES the tags; URL the first source with a URL; UID the entry's ``uid``
  field, else ``<id>@chronicle``.
- iCalendar dates cannot hold years before 1 or after 9999: such entries (BCE, deep
  time) are left out, with a warning.

Import: every VEVENT becomes a record: SUMMARY the title, DTSTART/DTEND (or DURATION)
the dates (all-day events keep day precision, timed events keep the clock time they
were written with and drop the zone), DESCRIPTION the body, LOCATION the places,
CATEGORIES the tags, URL a source, UID the source id. A repeating event is imported
once, at its first occurrence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from chronicle.dates import PartialDate, Precision
from chronicle.errors import DateError
from chronicle.exchange import (
    UID_FIELD,
    ExchangeError,
    Exported,
    ExportOptions,
    Record,
    Rejected,
)
from chronicle.model import Entry

UID_SUFFIX = "@chronicle"
PRECISE_START = "X-CHRONICLE-DATE"
PRECISE_END = "X-CHRONICLE-END"
_ONE_DAY = dt.timedelta(days=1)


def event_uid(entry: Entry) -> str:
    uid = entry.extra.get(UID_FIELD)
    return uid if isinstance(uid, str) and uid.strip() else f"{entry.id}{UID_SUFFIX}"


def _is_timed(entry: Entry) -> bool:
    return entry.date.precision >= Precision.MINUTE and (
        entry.end is None or entry.end.precision >= Precision.MINUTE
    )


def _moment(date: PartialDate) -> dt.datetime:
    return dt.datetime(
        date.year, date.month or 1, date.day or 1, date.hour or 0, date.minute or 0,
        date.second or 0,
    )


def event_times(entry: Entry) -> tuple[dt.date, dt.date | None]:
    """DTSTART and DTEND; raises ValueError or OverflowError outside years 1-9999."""
    if _is_timed(entry):
        return _moment(entry.date), _moment(entry.end) if entry.end else None
    first = entry.date.first_instant()
    last = (entry.end or entry.date).last_instant()
    start = dt.date(first.year, first.month, first.day)
    return start, dt.date(last.year, last.month, last.day) + _ONE_DAY


def export_ics(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    from icalendar import Calendar, Event

    from chronicle import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//chronicle//chronicle {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", options.title)
    stamp = options.now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    left_out = 0
    for entry in entries:
        try:
            start, end = event_times(entry)
        except (ValueError, OverflowError):
            left_out += 1
            continue
        event = Event()
        event.add("uid", event_uid(entry))
        event.add("dtstamp", stamp)
        event.add("summary", entry.title)
        event.add("dtstart", start)
        if end is not None:
            event.add("dtend", end)
        event.add(PRECISE_START, entry.date.isoformat())
        if entry.end is not None:
            event.add(PRECISE_END, entry.end.isoformat())
        description = "\n\n".join(
            text.strip() for text in (entry.summary, entry.body) if text and text.strip()
        )
        if description:
            event.add("description", description)
        if entry.places:
            event.add("location", "; ".join(entry.places))
        if entry.tags:
            event.add("categories", list(entry.tags))
        url = next((source.url for source in entry.sources if source.url), None)
        if url:
            event.add("url", url)
        calendar.add_component(event)
    warnings = []
    if left_out:
        warnings.append(
            f"{left_out} {'entry' if left_out == 1 else 'entries'} dated before year 1 or "
            "after 9999 left out: iCalendar dates cannot hold them"
        )
    lines = calendar.content_lines()
    return Exported("".join(fold_line(line) + "\r\n" for line in lines if line), warnings)


_FOLD_BYTES = 74


def fold_line(line: str) -> str:
    """An RFC 5545 content line folded at 75 octets, as icalendar folds it.

    icalendar's own folding walks the line a character at a time and takes about half
    the export's time on long descriptions; this cuts the UTF-8 bytes in slices instead,
    never inside a character nor right after a backslash (some clients misread an
    escape split across lines).
    """
    if len(line) <= _FOLD_BYTES and line.isascii():
        return line
    data = line.encode("utf-8")
    parts: list[bytes] = []
    start = 0
    while len(data) - start > _FOLD_BYTES:
        end = start + _FOLD_BYTES
        while end > start + 1 and data[end] & 0xC0 == 0x80:  # a UTF-8 continuation byte
            end -= 1
        if data[end - 1] in b"\\^" and end - 1 > start:
            end -= 1
        parts.append(data[start:end])
        start = end
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode("utf-8")


# -- import ------------------------------------------------------------------------------------


def parse_ics(text: str, source: str) -> Iterator[Record | Rejected]:
    from icalendar import Calendar

    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as err:  # icalendar raises ValueError and, on odd input, others
        raise ExchangeError(f"{source}: not an iCalendar file: {err}") from None
    number = 0
    for calendar in calendars:
        for event in calendar.walk("VEVENT"):
            number += 1
            yield _record(event, f"{source}: event {number}")
    if number == 0 and not calendars:
        raise ExchangeError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")


def _text(event: Any, name: str) -> str | None:
    value = event.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    text = str(value).strip()
    return text or None


def _record(event: Any, position: str) -> Record | Rejected:
    try:
        date, end = _dates(event)
    except DateError as err:
        return Rejected(position, err.message)
    title = _text(event, "summary")
    # A title is one line, whatever the calendar allowed.
    data: dict[str, Any] = {"title": " ".join(title.split()) if title else None}
    data["date"] = date.isoformat()
    if end is not None:
        data["end"] = end.isoformat()
    body = _text(event, "description")
    if body:
        data["body"] = body
    location = _text(event, "location")
    if location:
        data["places"] = [place.strip() for place in location.split(";") if place.strip()]
    tags = _categories(event)
    if tags:
        data["tags"] = tags
    url = _text(event, "url")
    if url:
        data["sources"] = [{"url": url}]
    uid = _text(event, "uid")
    chronicle_id = None
    if uid and uid.endswith(UID_SUFFIX):
        chronicle_id = uid[: -len(UID_SUFFIX)]
    elif uid:
        data[UID_FIELD] = uid
    notes: tuple[str, ...] = ()
    if event.get("rrule") is not None:
        notes = (f"{position}: a repeating event; imported once, at its first occurrence",)
    source_ids = tuple(value for value in (uid, chronicle_id) if value)
    return Record(position, data, source_ids=source_ids, chronicle_id=chronicle_id, notes=notes)


def _categories(event: Any) -> list[str]:
    value = event.get("categories")
    if value is None:
        return []
    tags: list[str] = []
    for group in value if isinstance(value, list) else [value]:
        for item in getattr(group, "cats", [group]):
            text = str(item).strip()
            if text and text not in tags:
                tags.append(text)
    return tags


def _value(event: Any, name: str) -> dt.date | dt.datetime | None:
    prop = event.get(name)
    if prop is None:
        return None
    try:
        value = prop.dt
    except Exception:  # icalendar keeps unreadable values as "broken" properties
        value = None
    if not isinstance(value, dt.date):
        raise DateError(f"{name.upper()} is not a date or date-time: {_raw(prop)!r}")
    return value


def _raw(prop: Any) -> str:
    try:
        return str(prop.to_ical().decode())
    except Exception:
        return str(prop)


def _as_date(value: dt.date) -> PartialDate:
    if isinstance(value, dt.datetime):
        # Entries have no time zone: keep the clock time the event was written with.
        value = value.replace(tzinfo=None, microsecond=0)
        second = value.second or None
        return PartialDate(value.year, value.month, value.day, value.hour, value.minute, second)
    return PartialDate(value.year, value.month, value.day)


def _dates(event: Any) -> tuple[PartialDate, PartialDate | None]:
    start = _value(event, "dtstart")
    if start is None:
        raise DateError("no DTSTART: an event needs a start date")
    end = _value(event, "dtend")
    if end is None and event.get("duration") is not None:
        duration = getattr(event.get("duration"), "dt", None)
        if isinstance(duration, dt.timedelta):
            end = start + duration
    all_day = not isinstance(start, dt.datetime)
    if all_day and end is not None:
        # DTEND of an all-day event is the day after the last day.
        end_day = end.date() if isinstance(end, dt.datetime) else end
        end = max(end_day - _ONE_DAY, start)
    date = _as_date(start)
    last = _as_date(end) if end is not None else None
    if last == date:
        last = None  # a one-day event, or a moment: no range
    return _precise(event, date, last, timed=not all_day)


def _precise(
    event: Any, date: PartialDate, end: PartialDate | None, *, timed: bool
) -> tuple[PartialDate, PartialDate | None]:
    """The X-CHRONICLE dates, when the event still lies where chronicle put it.

    A calendar program that moves the event keeps the X- properties unchanged, so they
    count only while DTSTART and DTEND still agree with them.
    """
    exact_start = _parse(_text(event, PRECISE_START))
    if exact_start is None:
        return date, end
    exact_end = _parse(_text(event, PRECISE_END))

    def agree(exact: PartialDate, given: PartialDate, *, last: bool) -> bool:
        if timed:
            return exact.first_instant() == given.first_instant()
        a = exact.last_instant() if last else exact.first_instant()
        b = given.last_instant() if last else given.first_instant()
        return (a.year, a.month, a.day) == (b.year, b.month, b.day)

    if not agree(exact_start, date, last=False):
        return date, end
    if agree(exact_end or exact_start, end or date, last=True):
        return exact_start, exact_end
    return date, end


def _parse(text: str | None) -> PartialDate | None:
    if text is None:
        return None
    try:
        return PartialDate.parse(text)
    except DateError:
        return None
