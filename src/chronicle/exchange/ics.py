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

Import: every VEVENT becomes a record: SUMMARY the title, DTSTART/DTEND (or DURATION)
the dates (all-day events keep day precision, timed events keep the clock time they
were written with and drop the zone), DESCRIPTION the summary and body, LOCATION the
places, CATEGORIES the tags, URL and ATTACH sources, ORGANIZER and ATTENDEE (their names)
people, COMMENT a paragraph of the body, UID the source id, and the X-CHRONICLE
properties what they hold. When a calendar program changed a standard property, the
standard property wins. A repeating event is imported once, at its first occurrence.
Whatever else a calendar holds (GEO, STATUS, alarms, to-dos) is counted and reported.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

from chronicle.dates import PartialDate, Precision
from chronicle.errors import DateError
from chronicle.exchange import (
    UID_FIELD,
    ExchangeError,
    Exported,
    ExportOptions,
    FileNote,
    Record,
    Rejected,
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
    from icalendar import Calendar, Event, vText

    from chronicle import __version__
    from chronicle.exchange.markup import is_web_url

    calendar = Calendar()
    calendar.add("prodid", f"-//chronicle//chronicle {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", options.title)
    stamp = options.now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    left_out = 0
    written = 0
    for entry in entries:
        try:
            start, end = event_times(entry)
        except (ValueError, OverflowError):
            left_out += 1
            continue
        written += 1
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
            event.add(SOURCE_PROP, vText(json.dumps(fields, ensure_ascii=False)))
        custom = {k: v for k, v in entry.extra.items() if k != UID_FIELD}
        if custom:
            event.add(FIELDS_PROP, vText(json.dumps(custom, ensure_ascii=False)))
        event.add(ID_PROP, vText(entry.id))
        calendar.add_component(event)
    warnings = []
    if left_out:
        warnings.append(
            f"{left_out} {'entry' if left_out == 1 else 'entries'} dated before year 1 or "
            "after 9999 left out: iCalendar dates cannot hold them"
        )
    if not written:
        if entries:
            raise ExchangeError(
                f"none of the {len(entries)} entries can be written as iCalendar: they are "
                "dated before year 1 or after 9999, which iCalendar dates cannot hold; "
                "nothing was written"
            )
        raise ExchangeError(
            "no entries to write, and an iCalendar file needs at least one event; "
            "nothing was written"
        )
    lines = calendar.content_lines()
    text = "".join(fold_line(line) + "\r\n" for line in lines if line)
    return Exported(text, warnings, written=written)


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


# -- import ------------------------------------------------------------------------------------


# Bookkeeping of calendar programs, not the event's content: read without a word.
_BOOKKEEPING = frozenset({
    "DTSTAMP", "CREATED", "LAST-MODIFIED", "SEQUENCE", "TRANSP", "RECURRENCE-ID",
    "EXDATE", "RDATE", "X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INTENDEDSTATUS",
})
# What the record below takes from an event.
_READ = frozenset({
    "UID", "SUMMARY", "DTSTART", "DTEND", "DURATION", "DESCRIPTION", "LOCATION",
    "CATEGORIES", "URL", "ATTACH", "ORGANIZER", "ATTENDEE", "COMMENT", "RRULE",
    PRECISE_START, PRECISE_END, SUMMARY_PROP, PERSON_PROP, PLACE_PROP, SOURCE_PROP,
    FIELDS_PROP, ID_PROP,
})
_CALENDAR_PARTS = frozenset({"VEVENT", "VTIMEZONE", "STANDARD", "DAYLIGHT"})


def parse_ics(text: str, source: str) -> Iterator[Record | Rejected | FileNote]:
    from icalendar import Calendar

    try:
        calendars = Calendar.from_ical(text, multiple=True)
    except Exception as err:  # icalendar raises ValueError and, on odd input, others
        raise ExchangeError(f"{source}: not an iCalendar file: {err}") from None
    number = 0
    others: Counter[str] = Counter()
    for calendar in calendars:
        for component in calendar.walk():
            name = str(component.name).upper()
            if name == "VEVENT":
                number += 1
                yield _record(component, f"{source}: event {number}")
            elif name not in _CALENDAR_PARTS and name != "VCALENDAR":
                kind = {"VALARM": "alarm", "VTODO": "to-do", "VJOURNAL": "journal entry"}
                others[kind.get(name, name)] += 1
    if number == 0 and not calendars:
        raise ExchangeError(f"{source}: not an iCalendar file (no BEGIN:VCALENDAR)")
    if others:
        yield FileNote(source, left_out=tuple(
            what for what, count in others.items() for _ in range(count)
        ))


def _text(event: Any, name: str) -> str | None:
    text = (_texts(event, name) or [""])[0].strip()
    return text or None


def _texts(event: Any, name: str) -> list[str]:
    """Every value of property ``name`` as text, unescaped (X- properties included)."""
    from icalendar import vText

    value = event.get(name)
    if value is None:
        return []
    texts = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, vText) or not hasattr(item, "to_ical"):
            texts.append(str(item))
        else:  # an X- property icalendar keeps as written: undo TEXT escaping
            texts.append(_unescape(item.to_ical().decode("utf-8", "replace")))
    return texts


_ESCAPE = re.compile(r"\\([\\;,nN])")


def _unescape(raw: str) -> str:
    return _ESCAPE.sub(lambda m: "\n" if m[1] in "nN" else m[1], raw)


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
    summary, body = _summary_and_body(event)
    comments = [c for c in _texts(event, "comment") if c.strip()]
    body = "\n\n".join(part for part in (body, *comments) if part) or None
    fields_read = {
        "summary": summary, "body": body, "places": _places(event), "people": _people(event),
        "tags": _categories(event), "sources": _sources(event),
    }
    data.update({key: value for key, value in fields_read.items() if value})
    fields = _json(_text(event, FIELDS_PROP))
    if isinstance(fields, dict):
        for key, value in fields.items():
            if str(key) not in data:
                data[str(key)] = value
    uid = _text(event, "uid")
    chronicle_id = _text(event, ID_PROP)
    if uid and uid.endswith(UID_SUFFIX):
        chronicle_id = chronicle_id or uid[: -len(UID_SUFFIX)]
    elif uid:
        data[UID_FIELD] = uid
    notes: tuple[str, ...] = ()
    if event.get("rrule") is not None:
        notes = (f"{position}: a repeating event; imported once, at its first occurrence",)
    left_out = tuple(
        str(name).upper() for name in event
        if str(name).upper() not in _READ and str(name).upper() not in _BOOKKEEPING
    )
    source_ids = tuple(value for value in (uid, chronicle_id) if value)
    return Record(
        position, data, source_ids=source_ids, chronicle_id=chronicle_id, notes=notes,
        left_out=left_out,
    )


def _summary_and_body(event: Any) -> tuple[str | None, str | None]:
    """DESCRIPTION split at the summary chronicle wrote, if it still starts with it."""
    description = (_texts(event, "description") or [""])[0]
    summary = (_texts(event, SUMMARY_PROP) or [""])[0]
    if not summary:
        return None, description if description.strip() else None
    if description == summary:
        return summary, None
    if description.startswith(summary + "\n\n"):
        return summary, description[len(summary) + 2:] or None
    # Changed in a calendar program: keep its text whole as the body.
    return summary, description or None


def _places(event: Any) -> list[str]:
    location = _text(event, "location")
    exact = [place for place in _texts(event, PLACE_PROP) if place.strip()]
    if exact and (location or "") == "; ".join(exact):
        return exact
    return [place.strip() for place in (location or "").split(";") if place.strip()]


def _people(event: Any) -> list[str]:
    people = [person for person in _texts(event, PERSON_PROP) if person.strip()]
    for name in ("organizer", "attendee"):
        value = event.get(name)
        for item in value if isinstance(value, list) else [value] if value is not None else []:
            params = getattr(item, "params", {})
            person = str(params.get("CN") or "").strip() or re.sub(
                r"^mailto:", "", str(item), flags=re.IGNORECASE
            ).strip()
            if person and person not in people:
                people.append(person)
    return people


def _sources(event: Any) -> list[Any]:
    sources: list[Any] = []
    for text in _texts(event, SOURCE_PROP):
        value = _json(text)
        if isinstance(value, dict):
            sources.append(value)
    urls = {s.get("url") for s in sources if isinstance(s, dict)}
    for name in ("url", "attach"):
        for url in _texts(event, name):
            url = url.strip()
            if url and url not in urls and not url.startswith("data:"):
                sources.append({"url": url})
                urls.add(url)
    return sources


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


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
