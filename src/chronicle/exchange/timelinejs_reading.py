"""TimelineJS3 JSON read into records (the export, and the ``chronicle`` extension
key it writes, are `chronicle.exchange.timelinejs`).

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

from collections.abc import Iterator
from typing import Any

from chronicle.errors import DateError
from chronicle.exchange import (
    UID_FIELD,
    ExchangeError,
    FileNote,
    Record,
    Rejected,
)
from chronicle.exchange.markup import (
    html_to_text,
    media_url,
    split_summary,
)
from chronicle.exchange.timelinejs import (
    CARRIED,
    DATE_PARTS,
    EXTENSION_KEY,
    read_date,
    read_end,
)

#: Longest title taken from a caption, credit or text; longer ones are cut at a word.
_TITLE_LIMIT = 80

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
        extension_value = slide.get(EXTENSION_KEY)
        written = extension_value.get("end") if isinstance(extension_value, dict) else None
        end = read_end(end_value, date, written) if _given(end_value) else None
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
            if key not in ("id", *CARRIED):
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
