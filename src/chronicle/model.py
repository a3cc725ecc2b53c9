"""The entry: its fields, validation and plain-data form. No I/O."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any, Literal, NamedTuple

from chronicle.dates import (
    Instant,
    PartialDate,
    Precision,
    Span,
    format_range,
    parse_text,
    span_of,
)
from chronicle.errors import DateError
from chronicle.records import FrozenRecord

#: The documented keys of an entry file, in the order chronicle writes them.
KNOWN_KEYS: tuple[str, ...] = (
    "title",
    "date",
    "end",
    "summary",
    "body",
    "people",
    "places",
    "tags",
    "sources",
)
#: Optional keys kept with the custom fields but never warned about: ``uid`` is the id
#: an imported record had in its source (an iCalendar UID, a TimelineJS unique_id), so
#: importing the same file again finds it.
OPTIONAL_KEYS: frozenset[str] = frozenset({"uid"})
LIST_KEYS: tuple[str, ...] = ("people", "places", "tags")
TEXT_KEYS: tuple[str, ...] = ("summary", "body")
#: Keys of ``Entry.to_dict()``, the stable JSON/CSV form; custom fields follow them.
DICT_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "date",
    "end",
    "precision",
    "people",
    "places",
    "tags",
    "summary",
    "body",
    "sources",
    "path",
)
_DICT_KEY_SET = frozenset(DICT_KEYS)
SOURCE_KEYS: tuple[str, ...] = ("title", "url", "date")

Severity = Literal["error", "warning"]


_set = object.__setattr__


class Problem(FrozenRecord):
    """One thing wrong with one file, at one line when known."""

    __slots__ = ("path", "line", "message", "severity")
    path: str
    line: int | None
    message: str
    severity: Severity

    def __init__(self, path: str, line: int | None, message: str,
                 severity: Severity = "error") -> None:
        _set(self, "path", path)
        _set(self, "line", line)
        _set(self, "message", message)
        _set(self, "severity", severity)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {label}{self.message}"


class Source(FrozenRecord):
    """Where an entry's facts come from: a title, a URL, a date, or any of them."""

    __slots__ = ("title", "url", "date")
    title: str | None
    url: str | None
    date: str | None

    def __init__(self, title: str | None = None, url: str | None = None,
                 date: str | None = None) -> None:
        _set(self, "title", title)
        _set(self, "url", url)
        _set(self, "date", date)

    def to_dict(self) -> dict[str, str | None]:
        return {"title": self.title, "url": self.url, "date": self.date}

    def to_yaml(self) -> str | dict[str, str]:
        """A bare URL stays a bare string; anything more is a mapping.

        Only a string that reads back as a URL is written bare (``urn:isbn:...`` would
        read back as a title).
        """
        if self.url and not self.title and not self.date and _bare_url(self.url):
            return self.url
        return {key: value for key, value in self.to_dict().items() if value}

    def label(self) -> str:
        return self.title or self.url or ""


class Dated:
    """What `Entry` and `Listing` work out from their dates and id alike."""

    __slots__ = ()
    id: str
    date: PartialDate
    end: PartialDate | None

    @property
    def span(self) -> Span:
        return span_of(self.date, self.end)

    @property
    def precision(self) -> Precision:
        return self.date.precision

    @property
    def sort_key(self) -> tuple[Instant, int, str]:
        """By start, coarser precision first within the same start, then id."""
        return (self.date.first_instant(), int(self.date.precision), self.id)

    def date_label(self) -> str:
        return format_range(self.date, self.end)


class Entry(FrozenRecord, Dated):
    """One dated event of a chronicle."""

    __slots__ = ("id", "title", "date", "end", "summary", "body", "people", "places",
                 "tags", "sources", "extra", "path")
    id: str
    title: str
    date: PartialDate
    end: PartialDate | None
    summary: str | None
    body: str | None
    people: tuple[str, ...]
    places: tuple[str, ...]
    tags: tuple[str, ...]
    sources: tuple[Source, ...]
    extra: Mapping[str, Any]
    #: Path of the file relative to the chronicle's root, with forward slashes.
    path: str

    def __init__(self, id: str, title: str, date: PartialDate,
                 end: PartialDate | None = None, summary: str | None = None,
                 body: str | None = None, people: tuple[str, ...] = (),
                 places: tuple[str, ...] = (), tags: tuple[str, ...] = (),
                 sources: tuple[Source, ...] = (), extra: Mapping[str, Any] | None = None,
                 path: str = "") -> None:
        _set(self, "id", id)
        _set(self, "title", title)
        _set(self, "date", date)
        _set(self, "end", end)
        _set(self, "summary", summary)
        _set(self, "body", body)
        _set(self, "people", people)
        _set(self, "places", places)
        _set(self, "tags", tags)
        _set(self, "sources", sources)
        _set(self, "extra", {} if extra is None else extra)
        _set(self, "path", path)

    def listing(self) -> Listing:
        """What listings show of this entry (see `Listing`)."""
        return Listing(self.id, self.title, self.date, self.end, tuple(self.people),
                       tuple(self.places), tuple(self.tags), self.path)

    def to_dict(self) -> dict[str, Any]:
        """The stable plain form used by JSON, CSV and YAML output and by the catalog."""
        data: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "date": self.date.isoformat(),
            "end": self.end.isoformat() if self.end else None,
            "precision": self.date.precision.name.lower(),
            "people": list(self.people),
            "places": list(self.places),
            "tags": list(self.tags),
            "summary": self.summary,
            "body": self.body,
            "sources": [source.to_dict() for source in self.sources],
            "path": self.path,
        }
        for key, value in self.extra.items():
            data[key] = plain(value)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        """Rebuild an entry from ``to_dict()`` output (trusted: it was validated before).

        Every listing rebuilds thousands of these from the catalog: arguments are given
        by position, and custom fields looked for only when there are any.
        """
        get = data.get
        end = get("end")
        sources = get("sources")
        custom = data.keys() - _DICT_KEY_SET
        return cls(
            data["id"],
            data["title"],
            PartialDate.parse(data["date"]),
            PartialDate.parse(end) if end else None,
            get("summary"),
            get("body"),
            tuple(get("people") or ()),
            tuple(get("places") or ()),
            tuple(get("tags") or ()),
            tuple([Source(**source) for source in sources]) if sources else (),
            {key: value for key, value in data.items() if key in custom} if custom else {},
            get("path", ""),
        )

    def to_yaml_mapping(self) -> dict[str, Any]:
        """The mapping written to an entry file: documented key order, empty fields left out."""
        data: dict[str, Any] = {"title": self.title, "date": self.date.isoformat()}
        if self.end:
            data["end"] = self.end.isoformat()
        if self.summary:
            data["summary"] = self.summary
        if self.body:
            data["body"] = self.body
        for key in LIST_KEYS:
            values = getattr(self, key)
            if values:
                data[key] = list(values)
        if self.sources:
            data["sources"] = [source.to_yaml() for source in self.sources]
        for key, value in self.extra.items():
            data[key] = value
        return data


_new_tuple = tuple.__new__


class _ListingFields(NamedTuple):
    id: str
    title: str
    date: PartialDate
    end: PartialDate | None
    people: tuple[str, ...]
    places: tuple[str, ...]
    tags: tuple[str, ...]
    path: str


class Listing(_ListingFields, Dated):
    """What a listing (``list``, ``timeline``) shows of an entry: its id, title, dates,
    people, places, tags and file, with the same attributes and date methods as `Entry`.

    Read from the catalog's narrow listing column, so a listing of thousands of entries
    never unpacks a body, a source or a custom field. `Entry.listing` makes one.
    """

    __slots__ = ()

    def stored(self) -> tuple[Any, ...]:
        """The plain form the catalog keeps (marshal-able: strings, tuples, None)."""
        return (self.id, self.title, self.date.isoformat(),
                self.end.isoformat() if self.end else None,
                self.people, self.places, self.tags, self.path)

    @staticmethod
    def stored_of(data: Mapping[str, Any]) -> tuple[Any, ...]:
        """`stored` of the entry whose ``Entry.to_dict()`` is ``data``, without
        rebuilding the entry."""
        get = data.get
        return (data["id"], data["title"], data["date"], get("end") or None,
                tuple(get("people") or ()), tuple(get("places") or ()),
                tuple(get("tags") or ()), get("path", ""))

    @classmethod
    def from_stored(cls, data: tuple[Any, ...]) -> Listing:
        """Rebuild a listing from `stored` output (trusted: validated when read)."""
        entry_id, title, date, end, people, places, tags, path = data
        parse = parse_text  # each distinct date text is parsed once (cached)
        # tuple.__new__ is what the named tuple's own __new__ calls, a frame less.
        return _new_tuple(cls, (entry_id, title, parse(date), parse(end) if end else None,
                                people, places, tags, path))


#: An entry as listings show it: a whole `Entry`, or its `Listing`.
Listed = Entry | Listing


def plain(value: Any) -> Any:
    """Make YAML-loaded values JSON-safe (dates become ISO strings)."""
    if isinstance(value, _dt.date | _dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def entry_from_mapping(
    data: object,
    *,
    id: str,
    path: str,
    lines: Mapping[str, int] | None = None,
    declared: frozenset[str] = frozenset(),
) -> tuple[Entry | None, list[Problem]]:
    """Validate an entry file's content into an Entry, collecting every problem.

    ``lines`` maps top-level keys to the line they stand on, so each problem names
    its line. Returns ``(None, problems)`` when any problem is an error; warnings
    (unknown keys) come back alongside a valid entry.
    """
    lines = lines or {}
    problems: list[Problem] = []

    def error(key: str | None, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 1) if key else 1, message))

    def warn(key: str, message: str) -> None:
        problems.append(Problem(path, lines.get(key, 1), message, "warning"))

    if data is None:
        error(None, "the file is empty; an entry needs at least a title and a date")
        return None, problems
    if not isinstance(data, Mapping):
        error(None, f"expected a mapping of fields (title:, date:, ...), got {_kind(data)}")
        return None, problems

    title = _text(data, "title", error, required=True)
    date = _date(data, "date", error, required=True)
    end = _date(data, "end", error, required=False)
    if date is not None and end is not None and end.last_instant() < date.first_instant():
        error("end", f"end {end.isoformat()} is before date {date.isoformat()}")
    texts = {key: _text(data, key, error, required=False) for key in TEXT_KEYS}
    lists = {key: _string_list(data, key, error) for key in LIST_KEYS}
    sources = _sources(data, error)

    extra: dict[str, Any] = {}
    for key, value in data.items():
        if key in KNOWN_KEYS:
            continue
        if not isinstance(key, str):
            error(None, f"field names must be text, got {key!r}")
            continue
        if key in DICT_KEYS:
            error(key, f"'{key}' is worked out by chronicle and cannot be set in the file")
            continue
        extra[key] = value
        if key not in declared and key not in OPTIONAL_KEYS:
            hint = _near_known(key)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            warn(
                key,
                f"unknown field '{key}'{suggestion}; declare it under 'fields:' in "
                "chronicle.yaml to keep it quietly",
            )

    if any(problem.severity == "error" for problem in problems):
        return None, problems
    assert title is not None and date is not None
    entry = Entry(
        id=id,
        title=title,
        date=date,
        end=end,
        summary=texts["summary"],
        body=texts["body"],
        people=lists["people"],
        places=lists["places"],
        tags=lists["tags"],
        sources=sources,
        extra=extra,
        path=path,
    )
    return entry, problems


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "nothing"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, _dt.date):
        return f"the date {value.isoformat()}"
    return f"'{value}'"


def _text(data: Mapping[str, Any], key: str, error: Any, *, required: bool) -> str | None:
    value = data.get(key)
    if value is None:
        if required:
            error(None if key not in data else key, f"'{key}' is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        error(key, f"'{key}' must be text, got {_kind(value)}")
        return None
    text = str(value).strip() if key == "title" else str(value)
    if required and not text:
        error(key, f"'{key}' is empty")
        return None
    return text


def _date(data: Mapping[str, Any], key: str, error: Any, *, required: bool) -> PartialDate | None:
    value = data.get(key)
    if value is None:
        if required:
            error(None if key not in data else key, f"'{key}' is missing")
        return None
    try:
        return PartialDate.parse(value)
    except DateError as err:
        error(key, f"{key}: {err.message}")
        return None


def _string_list(data: Mapping[str, Any], key: str, error: Any) -> tuple[str, ...]:
    value = data.get(key)
    if value is None:
        return ()
    if not isinstance(value, list):
        error(key, f"'{key}' must be a list, like {key}: [A, B]; got {_kind(value)}")
        return ()
    items: list[str] = []
    for item in value:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            error(key, f"each of '{key}' must be text, got {_kind(item)}")
            continue
        text = str(item).strip()
        if not text:
            error(key, f"'{key}' holds an empty name")
            continue
        if text not in items:
            items.append(text)
    return tuple(items)


def _sources(data: Mapping[str, Any], error: Any) -> tuple[Source, ...]:
    value = data.get("sources")
    if value is None:
        return ()
    if not isinstance(value, list):
        error("sources", f"'sources' must be a list, got {_kind(value)}")
        return ()
    sources: list[Source] = []
    for item in value:
        if isinstance(item, str):
            text = item.strip()
            is_url = _bare_url(text)
            sources.append(Source(url=text) if is_url else Source(title=text))
            continue
        if not isinstance(item, Mapping):
            error("sources", f"each source must be a URL or a mapping, got {_kind(item)}")
            continue
        unknown = sorted(str(key) for key in item if key not in SOURCE_KEYS)
        if unknown:
            error("sources", f"a source has unknown keys {unknown}; use title, url, date")
            continue
        fields: dict[str, str | None] = {}
        for key in SOURCE_KEYS:
            raw = item.get(key)
            if raw is None:
                fields[key] = None
            elif key == "date":
                try:
                    fields[key] = PartialDate.parse(raw).isoformat()
                except DateError as err:
                    error("sources", f"source date: {err.message}")
                    fields[key] = None
            elif isinstance(raw, str | int | float) and not isinstance(raw, bool):
                fields[key] = str(raw)
            else:
                error("sources", f"a source's {key} must be text, got {_kind(raw)}")
        if not any(fields.values()):
            error("sources", "a source needs a title or a url")
            continue
        sources.append(Source(**fields))
    return tuple(sources)


def _bare_url(text: str) -> bool:
    """A source given as a bare string is a URL when it looks like one, else a title."""
    return "://" in text or text.startswith("www.")


def _near_known(key: str) -> str | None:
    """The documented key a typo most likely meant (``peple`` -> ``people``)."""
    import difflib

    matches = difflib.get_close_matches(key.lower(), KNOWN_KEYS, n=1, cutoff=0.7)
    return matches[0] if matches else None
