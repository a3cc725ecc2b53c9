"""Moving entries in and out of a chronicle: the format registry, records and exports.

The registry of formats is ``chronicle.formats`` (re-exported here as ``FORMATS``).
One module per format: ``jsonfmt`` (json, jsonl), ``csvfmt``, ``markdown``, ``ics`` and
``timelinejs``; html comes from ``chronicle.html_page``. Each exporter turns entries into
text; each parser turns a file's text into records, the entry fields of one event as an
entry file would hold them, or a reason the record cannot be read.

``serialise`` holds the plain serialisers ``list`` and ``search`` share with export;
``markup`` turns Markdown into HTML and back; ``importing`` is the import pipeline, all
or nothing: every record of every file is validated before anything is written.

An imported record keeps the id it has in the outside world (an iCalendar UID, a
TimelineJS ``unique_id``) in the entry's ``uid`` field, so importing the file again finds
it even after the entry's title or date was edited.

This package never imports typer or rich; format modules import their heavy libraries
(icalendar, markdown-it) inside the functions that need them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.errors import ChronicleError, UsageError
from chronicle.formats import FORMATS, Format, choices, load, writer
from chronicle.model import Entry

if TYPE_CHECKING:
    from chronicle.names import NameRegistry

#: The custom field holding the id an imported entry has in its source.
UID_FIELD = "uid"  # a documented optional key of an entry (model.OPTIONAL_KEYS)
#: Keys of ``Entry.to_dict()`` that chronicle works out; imports read them, never store them.
DERIVED_KEYS = ("id", "precision", "path")
GROUP_FIELDS = ("tag", "place", "person")


class ExchangeError(ChronicleError):
    """A file to import that cannot be read as the format it claims to be."""


# -- the registry ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportOptions:
    """What an exporter may need besides the entries."""

    title: str = "Chronicle"
    #: TimelineJS only: the field whose first value becomes each event's ``group``.
    group_by: str | None = None
    #: The moment written as the iCalendar DTSTAMP (default: now).
    now: datetime | None = None
    #: html only: the chronicle's ``names:`` aliases, so the page's search knows them.
    registry: NameRegistry | None = None


@dataclass
class Exported:
    """An exporter's text, and what the person should know about it."""

    text: str
    warnings: list[str] = field(default_factory=list)
    #: How many entries the text holds, when a format had to leave some out.
    written: int | None = None


@dataclass(frozen=True)
class Record:
    """One event read from a file to import, not yet validated."""

    #: Where the record stands, for messages: ``events.json: record 3``, ``data.csv:12``.
    position: str
    #: The entry's fields as an entry file would hold them (title, date, people, ...).
    data: dict[str, Any]
    #: Ids naming this record in its source (an iCalendar UID, a chronicle id, ...).
    source_ids: tuple[str, ...] = ()
    #: The id the record had in a chronicle, kept as the new entry's id when free.
    chronicle_id: str | None = None
    #: True when the source ids are unique only within one file (TimelineJS
    #: ``unique_id``): they then match an entry only if the date matches too.
    weak_source_ids: bool = False
    #: Things worth saying about how the record was read (a repeat rule ignored, ...).
    notes: tuple[str, ...] = ()
    #: What the source held that no field of an entry takes (``GEO``, ``media credit``),
    #: counted per file and reported in one line, so nothing is dropped unsaid.
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileNote:
    """What a file holds besides its records: its title, parts no entry takes."""

    source: str
    #: The document's own title (a TimelineJS title slide), for a chronicle without one.
    title: str | None = None
    left_out: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rejected:
    """A record that cannot become an entry, and why."""

    position: str
    reason: str


Exporter = Callable[[Sequence[Entry], ExportOptions], Exported]
Parser = Callable[[str, str], Iterator[Record | Rejected | FileNote]]


EXPORT_FORMATS = choices("export")
#: The formats `chronicle.api.Chronicle.stream` writes piece by piece from the catalog.
STREAMED_FORMATS = ("json", "jsonl", "csv", "markdown", "ics", "timelinejs", "html")
IMPORT_FORMATS = choices("import")


def exporter(name: str) -> Exporter:
    function: Exporter = writer("export", name)
    return function


def parser(name: str) -> Parser:
    info = FORMATS.get(name)
    if info is None or info.parser is None:
        raise UsageError(f"cannot import '{name}'; choose one of {', '.join(IMPORT_FORMATS)}")
    function: Parser = load(info.parser)
    return function


def export_entries(
    entries: Sequence[Entry], fmt: str, options: ExportOptions | None = None
) -> Exported:
    """Entries as the text of one format."""
    options = options or ExportOptions()
    if options.group_by is not None and options.group_by not in GROUP_FIELDS:
        raise UsageError(f"group_by takes {', '.join(GROUP_FIELDS)}, not '{options.group_by}'")
    return exporter(fmt)(entries, options)


def batched(pieces: Iterable[str], size: int = 256) -> Iterator[str]:
    """``pieces`` joined ``size`` at a time: fewer writes, and a bounded piece."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= size:
            yield "".join(batch)
            batch.clear()
    if batch:
        yield "".join(batch)


def export_html(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    from chronicle.html_page import html_page

    return Exported(html_page(list(entries), title=options.title, registry=options.registry))


def guess_format(path: Path | str, text: str | None = None) -> str | None:
    """The format a file name (and, for .json, its content) suggests; None if unknown."""
    name = str(path).lower()
    for info in FORMATS.values():
        if name.endswith(info.suffixes or ("\0",)):
            if info.name == "json" and text is not None and looks_like_timelinejs(text):
                return "timelinejs"
            return info.name
    return None


_EVENTS_KEY = re.compile(r'"events"\s*:')


def looks_like_timelinejs(text: str) -> bool:
    """A JSON object with an ``events`` list; chronicle's JSON is an array."""
    return text.lstrip("\ufeff \t\r\n").startswith("{") and bool(_EVENTS_KEY.search(text))


# -- records shared by the chronicle formats (json, jsonl, csv) ---------------------------------


def record_from_mapping(item: object, position: str) -> Record | Rejected:
    """A record from an object with the keys of ``Entry.to_dict()`` (json, jsonl, csv)."""
    if not isinstance(item, Mapping):
        return Rejected(position, f"expected an object with title and date, got {_kind(item)}")
    data = {str(key): value for key, value in item.items() if key not in DERIVED_KEYS}
    chronicle_id = item.get("id") if isinstance(item.get("id"), str) else None
    uid = data.get(UID_FIELD)
    source_ids = tuple(
        value for value in (chronicle_id, uid) if isinstance(value, str) and value.strip()
    )
    return Record(position, data, source_ids=source_ids, chronicle_id=chronicle_id)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


__all__ = [
    "DERIVED_KEYS",
    "EXPORT_FORMATS",
    "FORMATS",
    "Format",
    "GROUP_FIELDS",
    "IMPORT_FORMATS",
    "UID_FIELD",
    "ExchangeError",
    "ExportOptions",
    "Exported",
    "FileNote",
    "Record",
    "Rejected",
    "export_entries",
    "guess_format",
    "record_from_mapping",
]
