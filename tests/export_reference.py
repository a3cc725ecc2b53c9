"""The exporters as they were before they wrote piece by piece: each builds the whole
document from a list of entries. The streamed exports are compared with these, byte for
byte. Helpers that did not change (an entry's lines, an event's times, line folding)
come from the package."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence
from typing import Any

from chronicle import jsontext
from chronicle.dates import year_label
from chronicle.exchange import UID_FIELD, ExchangeError, ExportOptions
from chronicle.exchange.csvfmt import encode_custom, join_list, neutralise
from chronicle.exchange.ics import (
    FIELDS_PROP,
    ID_PROP,
    PERSON_PROP,
    PLACE_PROP,
    PRECISE_END,
    PRECISE_START,
    SOURCE_PROP,
    SUMMARY_PROP,
    _description,
    event_times,
    event_uid,
    fold_line,
)
from chronicle.exchange.markdown import MONTH_NAMES, entry_lines, escape
from chronicle.exchange.markup import body_html, is_web_url, summary_html
from chronicle.exchange.timelinejs import (
    CARRIED,
    EXTENSION_KEY,
    HUMAN_SCALE_YEARS,
    _group,
    _unique_id,
    date_object,
    end_object,
    to_timelinejs_year,
)
from chronicle.model import DICT_KEYS, LIST_KEYS, Entry


def csv_columns(entries: Sequence[Entry]) -> list[str]:
    custom: list[str] = []
    for entry in entries:
        for key in entry.extra:
            if key not in custom:
                custom.append(key)
    return [*DICT_KEYS, *sorted(custom)]


def to_csv(entries: Sequence[Entry]) -> str:
    """RFC 4180 CSV with the list keys; lists joined by ``; ``, sources as JSON."""
    columns = csv_columns(entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(column) for column in columns])
    for entry in entries:
        row = entry.to_dict()
        cells: dict[str, str] = {}
        for key in columns:
            if key not in row:
                cells[key] = ""
                continue
            value = row[key]
            if key in LIST_KEYS:
                cells[key] = join_list(value or [])
            elif key == "sources":
                cells[key] = jsontext.dumps(value, ensure_ascii=False) if value else ""
            elif key not in DICT_KEYS:
                cells[key] = encode_custom(value)
            else:
                cells[key] = "" if value is None else str(value)
        writer.writerow([neutralise(cells[key]) for key in columns])
    return buffer.getvalue()


def export_markdown(entries: Sequence[Entry], options: ExportOptions) -> str:
    lines: list[str] = [f"# {escape(options.title)}", ""]
    if not entries:
        lines += ["No entries.", ""]
    year: int | None = None
    month: int | None = None
    for entry in sorted(entries, key=lambda entry: entry.sort_key):
        if entry.date.year != year:
            year, month = entry.date.year, None
            lines += [f"## {year_label(year)}", ""]
        if entry.date.month is not None and entry.date.month != month:
            month = entry.date.month
            lines += [f"### {MONTH_NAMES[month - 1]} {year_label(year)}", ""]
        lines += entry_lines(entry)
    return "\n".join(lines).rstrip("\n") + "\n"


def export_ics(entries: Sequence[Entry], options: ExportOptions) -> tuple[str, list[str], int]:
    from icalendar import Calendar, Event, vText

    from chronicle import __version__

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
            event.add(SOURCE_PROP, vText(jsontext.dumps(fields, ensure_ascii=False)))
        custom = {k: v for k, v in entry.extra.items() if k != UID_FIELD}
        if custom:
            event.add(FIELDS_PROP, vText(jsontext.dumps(custom, ensure_ascii=False)))
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
    return text, warnings, written


def export_timelinejs(entries: Sequence[Entry], options: ExportOptions) -> str:
    events: list[dict[str, Any]] = []
    used_ids: set[str] = set()
    cosmological = any(
        not HUMAN_SCALE_YEARS[0] <= to_timelinejs_year(date.year) <= HUMAN_SCALE_YEARS[1]
        for entry in entries
        for date in (entry.date, entry.end)
        if date is not None
    )
    for entry in entries:
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
        events.append(slide)
    document = {
        "title": {"text": {"headline": html.escape(options.title, quote=False)}},
        "events": events,
        "scale": "cosmological" if cosmological else "human",
    }
    return jsontext.dumps(document, ensure_ascii=False, indent=2) + "\n"
