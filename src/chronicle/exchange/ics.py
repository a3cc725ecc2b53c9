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
- Standard properties where RFC 5545 has one: SUMMARY the title; DESCRIPTION the summary
  and body as a calendar shows them (summary, a blank line, body); LOCATION the places
  joined by ``; ``; CATEGORIES the tags; URL the first source with an http(s) URL; UID
  the entry's ``uid`` field, else ``<id>@chronicle``.
- ``X-CHRONICLE-`` properties for the rest, so that importing the file gives back every
  field: ``-SUMMARY`` (where DESCRIPTION's summary ends), ``-PERSON`` and ``-PLACE`` (one
  a name; RFC 5545 has no property for a person who is not a calendar user), ``-SOURCE``
  (one a source, as JSON: title, url, date), ``-FIELDS`` (custom fields as a JSON object)
  and ``-ID`` (the entry's id). Calendar programs keep X- properties and ignore them.
- iCalendar dates cannot hold years before 1 or after 9999: such entries (BCE, deep
  time) are left out, with a warning; when no entry can be written, nothing is (a
  calendar without an event is not valid iCalendar).

Import is `chronicle.exchange.ics_reading`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from chronicle import jsontext
from chronicle.dates import PartialDate, Precision
from chronicle.exchange import (
    UID_FIELD,
    ExchangeError,
    Exported,
    ExportOptions,
)
from chronicle.model import Entry

UID_SUFFIX = "@chronicle"
PRECISE_START = "X-CHRONICLE-DATE"
PRECISE_END = "X-CHRONICLE-END"
SUMMARY_PROP = "X-CHRONICLE-SUMMARY"
PERSON_PROP = "X-CHRONICLE-PERSON"
PLACE_PROP = "X-CHRONICLE-PLACE"
SOURCE_PROP = "X-CHRONICLE-SOURCE"
FIELDS_PROP = "X-CHRONICLE-FIELDS"
ID_PROP = "X-CHRONICLE-ID"
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
    out = Exported("")
    out.text = "".join(ics_chunks(entries, options, out))
    return out


def ics_chunks(entries: Iterable[Entry], options: ExportOptions, out: Exported
               ) -> Iterator[str]:
    """`export_ics`'s text an event at a time; ``out`` takes its warnings and the count
    of events written once the last piece is taken.

    Raises `ExchangeError` before the first piece when no entry can be written (the
    calendar's own lines wait for the first event)."""
    from icalendar import Calendar

    from chronicle import __version__

    calendar = Calendar()
    calendar.add("prodid", f"-//chronicle//chronicle {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", options.title)
    # The calendar's lines without its END (and the empty line after it): events go there.
    *head, end_line, _ = calendar.content_lines()
    stamp = options.now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    left_out = 0
    written = 0
    for entry in entries:
        try:
            start, end = event_times(entry)
        except (ValueError, OverflowError):
            left_out += 1
            continue
        if not written:
            yield _lines(head)
        written += 1
        yield _lines(_event(entry, start, end, stamp).content_lines())
    if left_out:
        out.warnings.append(
            f"{left_out} {'entry' if left_out == 1 else 'entries'} dated before year 1 or "
            "after 9999 left out: iCalendar dates cannot hold them"
        )
    if not written:
        if left_out:
            raise ExchangeError(
                f"none of the {left_out} entries can be written as iCalendar: they are "
                "dated before year 1 or after 9999, which iCalendar dates cannot hold; "
                "nothing was written"
            )
        raise ExchangeError(
            "no entries to write, and an iCalendar file needs at least one event; "
            "nothing was written"
        )
    out.written = written
    yield _lines([end_line])


def _lines(lines: Iterable[str]) -> str:
    return "".join(fold_line(line) + "\r\n" for line in lines if line)


def _event(entry: Entry, start: dt.date, end: dt.date | None, stamp: dt.datetime) -> Any:
    from icalendar import Event, vText

    from chronicle.exchange.markup import is_web_url

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
    description = _description(entry.summary, entry.body)
    if description:
        event.add("description", description)
    if entry.summary:
        event.add(SUMMARY_PROP, vText(entry.summary))
    if entry.places:
        event.add("location", "; ".join(entry.places))
        for place in entry.places:
            event.add(PLACE_PROP, vText(place))
    for person in entry.people:
        event.add(PERSON_PROP, vText(person))
    if entry.tags:
        event.add("categories", list(entry.tags))
    url = next((source.url for source in entry.sources if is_web_url(source.url)), None)
    if url:
        event.add("url", url)
    for source in entry.sources:
        fields = {k: v for k, v in source.to_dict().items() if v is not None}
        event.add(SOURCE_PROP, vText(jsontext.dumps(fields, ensure_ascii=False)))
    custom = {k: v for k, v in entry.extra.items() if k != UID_FIELD}
    if custom:
        event.add(FIELDS_PROP, vText(jsontext.dumps(custom, ensure_ascii=False)))
    event.add(ID_PROP, vText(entry.id))
    return event


def _description(summary: str | None, body: str | None) -> str | None:
    """What a calendar shows: the summary, a blank line, the body."""
    parts = [text for text in (summary, body) if text]
    return "\n\n".join(parts) or None


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
