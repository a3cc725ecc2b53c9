"""iCalendar (RFC 5545) events read into records, with the icalendar library (the
export, and the ``X-CHRONICLE-`` properties it writes, are `chronicle.exchange.ics`).

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
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from chronicle import jsontext
from chronicle.dates import PartialDate
from chronicle.errors import DateError
from chronicle.exchange import (
    UID_FIELD,
    ExchangeError,
    FileNote,
    Record,
    Rejected,
)
from chronicle.exchange.ics import (
    FIELDS_PROP,
    ID_PROP,
    PERSON_PROP,
    PLACE_PROP,
    PRECISE_END,
    PRECISE_START,
    SOURCE_PROP,
    SUMMARY_PROP,
    UID_SUFFIX,
)

_ONE_DAY = dt.timedelta(days=1)

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
        if "BEGIN:VCALENDAR" in text.upper():
            raise ExchangeError(f"{source}: the calendar is cut short (BEGIN:VCALENDAR is "
                                "never ended with END:VCALENDAR)")
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
        return jsontext.loads(text)
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
