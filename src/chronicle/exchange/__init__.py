"""Moving entries in and out of a chronicle: the format registry and the import pipeline.

One module per format: ``jsonfmt`` (json, jsonl), ``csvfmt``, ``markdown``, ``ics`` and
``timelinejs``; html comes from ``chronicle.html_page``. Each exporter turns entries into
text; each parser turns a file's text into records, the entry fields of one event as an
entry file would hold them, or a reason the record cannot be read.

Importing is all or nothing. ``plan_import`` reads every record of every file, validates
each as an entry file is validated, and sorts it into *create*, *skip* (already present,
by source id or by date plus title) or *invalid* (with its position and the reason);
nothing is written. ``write_import`` then writes the planned entries, each atomically;
if one write fails, the files this import wrote are removed again.

An imported record keeps the id it has in the outside world (an iCalendar UID, a
TimelineJS ``unique_id``) in the entry's ``uid`` field, so importing the file again finds
it even after the entry's title or date was edited.

This package never imports typer or rich; format modules import their heavy libraries
(icalendar, markdown-it) inside the functions that need them.
"""

from __future__ import annotations

import importlib
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from chronicle.errors import ChronicleError, NotFoundError, UsageError
from chronicle.model import Entry

if TYPE_CHECKING:
    from chronicle.config import Chronicle
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


@dataclass(frozen=True)
class Rejected:
    """A record that cannot become an entry, and why."""

    position: str
    reason: str


Exporter = Callable[[Sequence[Entry], ExportOptions], Exported]
Parser = Callable[[str, str], Iterator[Record | Rejected]]


@dataclass(frozen=True)
class FormatInfo:
    name: str
    #: File name endings that name the format, for guessing it.
    suffixes: tuple[str, ...]
    #: ``module:function`` of the exporter and the parser, imported when first used.
    exporter: str | None
    parser: str | None
    description: str


FORMATS: dict[str, FormatInfo] = {
    info.name: info
    for info in (
        FormatInfo(
            "json", (".json",), "chronicle.exchange.jsonfmt:export_json",
            "chronicle.exchange.jsonfmt:parse_json", "a JSON array of entries (the keys of list)",
        ),
        FormatInfo(
            "jsonl", (".jsonl", ".ndjson"), "chronicle.exchange.jsonfmt:export_jsonl",
            "chronicle.exchange.jsonfmt:parse_jsonl", "one JSON entry a line",
        ),
        FormatInfo(
            "csv", (".csv",), "chronicle.exchange.csvfmt:export_csv",
            "chronicle.exchange.csvfmt:parse_csv", "a CSV row an entry, lists joined by '; '",
        ),
        FormatInfo(
            "markdown", (".md", ".markdown"), "chronicle.exchange.markdown:export_markdown",
            None, "a readable document grouped by year and month",
        ),
        FormatInfo(
            "ics", (".ics", ".ical", ".icalendar", ".ifb"), "chronicle.exchange.ics:export_ics",
            "chronicle.exchange.ics:parse_ics", "iCalendar (RFC 5545) events",
        ),
        FormatInfo(
            "timelinejs", (), "chronicle.exchange.timelinejs:export_timelinejs",
            "chronicle.exchange.timelinejs:parse_timelinejs", "Knight Lab TimelineJS3 JSON",
        ),
        FormatInfo(
            "html", (".html", ".htm"), "chronicle.exchange:export_html", None,
            "one self-contained web page",
        ),
    )
}
EXPORT_FORMATS = tuple(name for name, info in FORMATS.items() if info.exporter)
IMPORT_FORMATS = tuple(name for name, info in FORMATS.items() if info.parser)


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def exporter(name: str) -> Exporter:
    info = FORMATS.get(name)
    if info is None or info.exporter is None:
        raise UsageError(f"cannot export as '{name}'; choose one of {', '.join(EXPORT_FORMATS)}")
    function: Exporter = _load(info.exporter)
    return function


def parser(name: str) -> Parser:
    info = FORMATS.get(name)
    if info is None or info.parser is None:
        raise UsageError(f"cannot import '{name}'; choose one of {', '.join(IMPORT_FORMATS)}")
    function: Parser = _load(info.parser)
    return function


def export_entries(
    entries: Sequence[Entry], fmt: str, options: ExportOptions | None = None
) -> Exported:
    """Entries as the text of one format."""
    options = options or ExportOptions()
    if options.group_by is not None and options.group_by not in GROUP_FIELDS:
        raise UsageError(f"--group-by takes {', '.join(GROUP_FIELDS)}, not '{options.group_by}'")
    return exporter(fmt)(entries, options)


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


# -- the import pipeline -----------------------------------------------------------------------

Status = Literal["create", "skip", "invalid"]


@dataclass
class Outcome:
    """What importing one record does."""

    position: str
    status: Status
    entry: Entry | None = None
    #: Why the record is skipped or invalid.
    reason: str = ""
    #: The id the record had in a chronicle: the new entry takes it when it is free.
    preferred_id: str | None = None
    #: The existing entry's id when skipped; the new entry's id once written.
    id: str | None = None
    notes: tuple[str, ...] = ()
    #: The file written, once written.
    path: Path | None = None


@dataclass
class ImportPlan:
    """Every record of an import, sorted into create, skip and invalid, in file order."""

    outcomes: list[Outcome]
    warnings: list[str] = field(default_factory=list)

    def _with(self, status: Status) -> list[Outcome]:
        return [outcome for outcome in self.outcomes if outcome.status == status]

    @property
    def to_create(self) -> list[Outcome]:
        return self._with("create")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skip")

    @property
    def invalid(self) -> list[Outcome]:
        return self._with("invalid")


@dataclass(frozen=True)
class ImportSource:
    """A file to import, and the format to read it as (None: guess)."""

    path: Path
    fmt: str | None = None


def read_records(source: ImportSource) -> list[Record | Rejected]:
    """Every record of one file; a file that cannot be read at all raises."""
    path = source.path
    shown = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotFoundError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{shown} is a folder; give the files to import") from None
    except OSError as err:
        raise ExchangeError(f"{shown}: cannot be read: {err.strerror or err}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ExchangeError(f"{shown}:{line}: is not UTF-8 text") from None
    fmt = source.fmt or guess_format(path, text)
    if fmt is None:
        raise UsageError(
            f"{shown}: cannot tell the format from the file name",
            hint=f"give --format ({', '.join(IMPORT_FORMATS)})",
        )
    return list(parser(fmt)(text, shown))


class _Known:
    """What the chronicle already holds, keyed every way a record can match it."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.ids: dict[str, str] = {}
        self.uids: dict[str, list[tuple[str, str]]] = {}
        self.date_titles: dict[tuple[str, str], str] = {}
        for entry in entries:
            self.add(entry, entry.id)

    def add(self, entry: Entry, name: str) -> None:
        if entry.id:
            self.ids.setdefault(entry.id, name)
        uid = entry.extra.get(UID_FIELD)
        if isinstance(uid, str):
            self.uids.setdefault(uid, []).append((name, entry.date.isoformat()))
        self.date_titles.setdefault(_date_title(entry), name)

    def find(self, record: Record, entry: Entry) -> str | None:
        """The name of what this record repeats, or None."""
        date = entry.date.isoformat()
        for source_id in record.source_ids:
            if source_id in self.ids and not record.weak_source_ids:
                return self.ids[source_id]
            for name, uid_date in self.uids.get(source_id, ()):
                if not record.weak_source_ids or uid_date == date:
                    return name
        return self.date_titles.get(_date_title(entry))


def _date_title(entry: Entry) -> tuple[str, str]:
    return (entry.date.isoformat(), " ".join(entry.title.casefold().split()))


def plan_import(
    chronicle: Chronicle,
    sources: Sequence[ImportSource],
    existing: Iterable[Entry] | None = None,
) -> ImportPlan:
    """Read, validate and check every record of ``sources``; write nothing.

    ``existing`` defaults to the chronicle's entries (from the catalog).
    """
    from chronicle.model import entry_from_mapping

    records = [record for source in sources for record in read_records(source)]
    if existing is None:
        from chronicle.catalog import select

        existing = select(chronicle).entries
    known = _Known(existing)
    in_import = _Known(())
    declared = chronicle.config.fields
    warnings: Counter[str] = Counter()
    plan = ImportPlan([])
    for record in records:
        if isinstance(record, Rejected):
            plan.outcomes.append(Outcome(record.position, "invalid", reason=record.reason))
            continue
        entry, problems = entry_from_mapping(
            record.data, id=record.chronicle_id or "", path=record.position, declared=declared
        )
        errors = [problem.message for problem in problems if problem.severity == "error"]
        if entry is None or errors:
            plan.outcomes.append(Outcome(record.position, "invalid", reason="; ".join(errors)))
            continue
        for problem in problems:
            warnings[problem.message] += 1
        present = known.find(record, entry)
        if present is not None:
            plan.outcomes.append(
                Outcome(
                    record.position, "skip", entry, f"already present as {present}", id=present
                )
            )
            continue
        repeated = in_import.find(record, entry)
        if repeated is not None:
            plan.outcomes.append(
                Outcome(record.position, "skip", entry, f"repeats {repeated} of this import")
            )
            continue
        in_import.add(entry, record.position)
        plan.outcomes.append(
            Outcome(
                record.position,
                "create",
                entry,
                preferred_id=record.chronicle_id,
                notes=record.notes,
            )
        )
    plan.warnings = [
        f"{count} records: {message}" if count > 1 else message
        for message, count in warnings.items()
    ]
    return plan


def write_import(chronicle: Chronicle, plan: ImportPlan) -> list[Outcome]:
    """Write every entry ``plan`` creates; on any failure remove what was written.

    Each file is written atomically and never replaces another. A record that had an
    id in a chronicle keeps it when that name is free; every other entry is named as
    ``add`` names it (``YEAR/DATE-slug``).
    """
    from chronicle.authoring import write_new_entry
    from chronicle.store import entry_id

    written: list[Path] = []
    created = plan.to_create
    try:
        for outcome in created:
            assert outcome.entry is not None
            path = _write_at(chronicle, outcome.entry, outcome.preferred_id)
            if path is None:
                path = write_new_entry(chronicle, outcome.entry)
            written.append(path)
            outcome.path = path
            outcome.id = entry_id(chronicle.entries_dir, path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return created


_SAFE_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def safe_entry_id(value: str | None) -> str | None:
    """``value`` when it can name a file under entries/ on every system, else None.

    Ids come from files to import, so they are untrusted: no ``..``, no absolute paths,
    no names Windows refuses, nothing outside plain ASCII letters, digits, ``._-``.
    """
    from chronicle.authoring import safe_name

    if not value or len(value) > 200:
        return None
    for part in value.split("/"):
        if not _SAFE_PART.match(part) or part.endswith(".") or safe_name(part) != part:
            return None
    return value


def _write_at(chronicle: Chronicle, entry: Entry, preferred_id: str | None) -> Path | None:
    """Write ``entry`` as ``entries/<preferred_id>.yaml`` if that name is free, else None."""
    from chronicle.store import atomic_write_text, dump_entry

    wanted = safe_entry_id(preferred_id)
    if wanted is None:
        return None
    path = chronicle.entries_dir / f"{wanted}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    taken = {name.rsplit(".", 1)[0].casefold() for name in os.listdir(path.parent)}
    if path.stem.casefold() in taken:
        return None
    try:
        # O_EXCL claims the name against another process writing at the same moment.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    except FileExistsError:
        return None
    try:
        atomic_write_text(path, dump_entry(entry))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


__all__ = [
    "DERIVED_KEYS",
    "EXPORT_FORMATS",
    "FORMATS",
    "GROUP_FIELDS",
    "IMPORT_FORMATS",
    "UID_FIELD",
    "ExchangeError",
    "ExportOptions",
    "Exported",
    "ImportPlan",
    "ImportSource",
    "Outcome",
    "Record",
    "Rejected",
    "export_entries",
    "guess_format",
    "plan_import",
    "read_records",
    "record_from_mapping",
    "write_import",
]
