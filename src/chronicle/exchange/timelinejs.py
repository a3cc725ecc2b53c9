"""Knight Lab TimelineJS3 JSON (https://timeline.knightlab.com/docs/json-format.html).

Export: ``{"title": ..., "events": [...], "scale": ...}`` with one slide an entry.

- ``start_date``/``end_date`` hold only the parts the entry has (an entry dated 2014
  gives ``{"year": 2014}``), and ``display_date`` the date as chronicle shows it.
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

Import: every event becomes a record. Dates keep their precision (year-only stays
year-only), BCE years convert, deep-time years (millions and billions of years ago)
are kept as they are; a lone ``hour`` gets minute 0 and milliseconds are dropped.
HTML in the text becomes Markdown-ish plain text (paragraphs, line breaks, bold,
italics, links, lists); the media URL (and its link) become sources; ``group``
becomes a tag; ``unique_id`` is kept in the entry's ``uid`` field. A slide without a
headline takes its title from its media caption or credit, else its text; a quotation
given as media (``<blockquote>``) becomes a quote in the body; a map ``location``
becomes a place (its name, else "lat, lon"). Eras become entries with their range,
tagged ``era``. The title slide's headline becomes the chronicle's title when it has
none. Whatever else a file holds (a slide nothing can title, display settings,
thumbnails) is counted and reported in one line, never dropped unsaid.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator, Sequence
from typing import Any

from chronicle.dates import PartialDate
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
from chronicle.exchange.markup import (
    body_html,
    html_to_text,
    is_web_url,
    media_url,
    split_summary,
    summary_html,
)
from chronicle.model import Entry

EXTENSION_KEY = "chronicle"
#: TimelineJS's human scale ends here (JavaScript dates); beyond, only "cosmological" works.
HUMAN_SCALE_YEARS = (-271_821, 275_760)
DATE_PARTS = ("year", "month", "day", "hour", "minute", "second")
#: Keys the TimelineJS fields carry; everything else of ``to_dict()`` goes in the extension.
_CARRIED = ("title", "date", "end", "precision", "summary", "body", "path")
_TITLE_LIMIT = 80


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
    events: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    cosmological = False
    for entry in entries:
        parts: list[str] = []
        if entry.summary and entry.summary.strip():
            parts.append(summary_html(entry.summary))
        if entry.body and entry.body.strip():
            parts.append(body_html(entry.body))
        slide: dict[str, Any] = {"unique_id": _unique_id(entry, used_ids)}
        slide["start_date"] = date_object(entry.date)
        if entry.end is not None:
            slide["end_date"] = date_object(entry.end)
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
            key: value for key, value in entry.to_dict().items() if key not in _CARRIED
        }
        events.append(slide)
        for date in (entry.date, entry.end):
            if date is not None:
                year = to_timelinejs_year(date.year)
                cosmological |= not HUMAN_SCALE_YEARS[0] <= year <= HUMAN_SCALE_YEARS[1]
    document = {
        "title": {"text": {"headline": html.escape(options.title, quote=False)}},
        "events": events,
        "scale": "cosmological" if cosmological else "human",
    }
    return Exported(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


def _unique_id(entry: Entry, used: set[str]) -> str:
    uid = entry.extra.get(UID_FIELD)
    chosen = uid if isinstance(uid, str) and uid.strip() and uid not in used else entry.id
    used.add(chosen)
    return chosen


def _group(entry: Entry, field: str | None) -> str | None:
    values = {"tag": entry.tags, "place": entry.places, "person": entry.people}.get(field or "")
    return values[0] if values else None


# -- import --------------------------------------------------------------------------------


# What import reads of a slide, of its media and of the document; the rest is reported.
_SLIDE_KEYS = frozenset({
    "start_date", "end_date", "text", "media", "group", "unique_id", "location", EXTENSION_KEY,
})
_MEDIA_KEYS = frozenset({"url", "caption", "credit", "link"})
_DOCUMENT_KEYS = frozenset({"title", "events", "eras", "scale"})
_ERA_TAG = "era"


def parse_timelinejs(text: str, source: str) -> Iterator[Record | Rejected | FileNote]:
    from chronicle.exchange.jsonfmt import load_json

    document = load_json(text, source)
    events = document.get("events") if isinstance(document, dict) else None
    if not isinstance(events, list):
        raise ExchangeError(f"{source}: expected a TimelineJS object with an 'events' list")
    left_out: list[str] = [key for key in document if key not in _DOCUMENT_KEYS]
    title = _title_slide(document.get("title"), left_out)
    for number, slide in enumerate(events, 1):
        record = _record(slide, f"{source}: event {number}")
        if isinstance(record, Record) and not record.data.get("title"):
            # Nothing can give it a title: the rest imports, and this slide is reported.
            left_out.append(f"event {number} (no headline, text or media caption for a title)")
            continue
        yield record
    eras = document.get("eras")
    for number, era in enumerate(eras if isinstance(eras, list) else [], 1):
        record = _record(era, f"{source}: era {number}")
        if isinstance(record, Record):
            data = dict(record.data)
            data["tags"] = [*data.get("tags", []), _ERA_TAG]
            record = Record(record.position, data, record.source_ids, record.chronicle_id,
                            record.weak_source_ids, record.notes, record.left_out)
            if not data.get("title"):
                left_out.append(f"era {number} (no headline for a title)")
                continue
        yield record
    if title or left_out:
        yield FileNote(source, title=title, left_out=tuple(left_out))


def _title_slide(slide: object, left_out: list[str]) -> str | None:
    """The title slide's headline, for the chronicle's title; the rest is reported."""
    if not isinstance(slide, dict):
        return None
    text_value = slide.get("text")
    text: dict[str, Any] = text_value if isinstance(text_value, dict) else {}
    headline = html_to_text(_string(text.get("headline")), inline=True) or None
    if html_to_text(_string(text.get("text"))):
        left_out.append("the title slide's text")
    if isinstance(slide.get("media"), dict) and media_sources(slide["media"]):
        left_out.append("the title slide's media")
    return headline


def _record(slide: object, position: str) -> Record | Rejected:
    if not isinstance(slide, dict):
        return Rejected(position, "an event must be an object with a start_date")
    try:
        date = read_date(slide.get("start_date"), "start_date")
        end_value = slide.get("end_date")
        end = read_date(end_value, "end_date") if _given(end_value) else None
    except DateError as err:
        return Rejected(position, err.message)
    text = slide.get("text")
    if not isinstance(text, dict):
        text = {}
    headline = html_to_text(_string(text.get("headline")), inline=True)
    summary, body = split_summary(_string(text.get("text")))
    media_value = slide.get("media")
    media: dict[str, Any] = media_value if isinstance(media_value, dict) else {}
    caption = html_to_text(_string(media.get("caption")), inline=True)
    credit = html_to_text(_string(media.get("credit")), inline=True)
    # A slide without a headline is named by what TimelineJS shows of it: its media's
    # caption or credit (a short label), else the start of its text.
    title = headline or _title_from(caption) or _title_from(credit) or _title_from(
        summary or body
    )
    notes: tuple[str, ...] = ()
    if title and not headline:
        took = "media caption" if caption else "media credit" if credit else "text"
        notes = (f"{position}: no headline; the title is taken from the {took}",)
    data: dict[str, Any] = {"title": title or None, "date": date.isoformat()}
    if end is not None:
        data["end"] = end.isoformat()
    quote = _blockquote(media.get("url"))
    if quote:
        body = "\n\n".join(part for part in (body, quote) if part)
    if summary:
        data["summary"] = summary
    if body:
        data["body"] = body
    unique_id = _string(slide.get("unique_id")).strip()
    extension = slide.get(EXTENSION_KEY)
    if isinstance(extension, dict):
        for key, value in extension.items():
            if key not in ("id", *_CARRIED):
                data[str(key)] = value
        chronicle_id = extension.get("id") if isinstance(extension.get("id"), str) else None
        uid = data.get(UID_FIELD)
        source_ids = tuple(v for v in (chronicle_id, uid) if isinstance(v, str) and v)
        return Record(
            position, data, source_ids=source_ids, chronicle_id=chronicle_id, notes=notes
        )
    group = html_to_text(_string(slide.get("group")), inline=True)
    if group:
        data["tags"] = [group]
    place = _place(slide.get("location"))
    if place:
        data["places"] = [place]
    sources = media_sources(media)
    if sources:
        data["sources"] = sources
    if unique_id:
        data[UID_FIELD] = unique_id
    return Record(
        position,
        data,
        source_ids=(unique_id,) if unique_id else (),
        weak_source_ids=True,
        notes=notes,
        left_out=_left_out(slide, media),
    )


def _left_out(slide: dict[str, Any], media: dict[str, Any]) -> tuple[str, ...]:
    """The slide's keys import has no field for, when they hold something."""
    names = [key for key, value in slide.items() if key not in _SLIDE_KEYS and _held(value)]
    names += [
        f"media {key}" for key, value in media.items() if key not in _MEDIA_KEYS and _held(value)
    ]
    for key in ("start_date", "end_date"):
        value = slide.get(key)
        if isinstance(value, dict):
            names += [f"{key} {name}" for name, part in value.items()
                      if name not in DATE_PARTS and _held(part)]
    if _held(media.get("url")) and not media_sources(media) and not _blockquote(media["url"]):
        names.append("media url")
    return tuple(names)


def _held(value: object) -> bool:
    return value not in (None, "", [], {})


def _place(location: object) -> str | None:
    """A TimelineJS map location as a place: its name, else "lat, lon"."""
    if not isinstance(location, dict):
        return None
    name = html_to_text(_string(location.get("name")), inline=True)
    if name:
        return name
    lat, lon = location.get("lat"), location.get("lon")
    if isinstance(lat, int | float | str) and isinstance(lon, int | float | str):
        if _string(lat).strip() and _string(lon).strip():
            return f"{_string(lat).strip()}, {_string(lon).strip()}"
    return None


def _blockquote(url: object) -> str | None:
    """A quotation given as media (``<blockquote>...``) as a Markdown quote."""
    text = _string(url).strip()
    if not text.lower().startswith("<blockquote"):
        return None
    quoted = html_to_text(text).strip()  # a <blockquote> comes back as "> " lines
    if not quoted:
        return None
    if quoted.startswith(">"):
        return quoted
    return "\n".join(f"> {line}" if line else ">" for line in quoted.split("\n"))


def _given(value: object) -> bool:
    """An end_date counts when it names a year (spreadsheet exports write empty ones)."""
    if value is None:
        return False
    if isinstance(value, dict):
        return any(_string(value.get(name)).strip() for name in DATE_PARTS)
    return True


def _string(value: object) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _title_from(text: str | None) -> str | None:
    line = (text or "").strip().split("\n", 1)[0].strip(" *#>-")
    if len(line) <= _TITLE_LIMIT:
        return line or None
    return line[:_TITLE_LIMIT].rsplit(" ", 1)[0] + "\u2026"


def media_sources(media: object) -> list[dict[str, str | None]]:
    if not isinstance(media, dict):
        return []
    sources: list[dict[str, str | None]] = []
    url = media_url(media.get("url"))
    caption = html_to_text(_string(media.get("caption")), inline=True)
    credit = html_to_text(_string(media.get("credit")), inline=True)
    if url:
        title = f"{caption} (credit: {credit})" if caption and credit else caption or credit
        sources.append({"title": title or None, "url": url})
    elif credit or caption:
        # Media that is not a URL (a quotation): its caption and credit are still a source.
        sources.append({"title": f"{caption} (credit: {credit})" if caption and credit
                        else caption or credit, "url": None})
    link = media_url(media.get("link"))
    if link and link != url:
        sources.append({"title": None, "url": link})
    return sources
