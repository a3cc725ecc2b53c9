"""Every format chronicle writes or reads, in one registry.

The ``--format`` choices of ``list``, ``show``, ``timeline``, ``search``, ``export`` and
``import`` all come from here, and so does the serialiser each choice runs. A format
names, per use, the ``module:function`` that writes it; the function is imported only
when first used, and this module imports nothing but the standard library, so the CLI
builds its option choices from it at start-up for free. The Rich views (``table``,
``text``) are the CLI's own, not formats.

What each use's writer takes:

- ``list``: the entries; ``show``: one entry; ``search``: a `SearchResult`, giving
  the text a piece at a time (an iterator of strings);
  ``timeline``: a `Timeline` and the chronicle's title;
- ``export``: the entries and `ExportOptions`, returning `Exported`;
- import: ``parser`` turns a file's text into records (see ``chronicle.exchange``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

from chronicle.records import FrozenRecord

USES = ("list", "show", "timeline", "search", "export")


class Format(FrozenRecord):
    __slots__ = ("name", "description", "suffixes", "writers", "parser")
    name: str
    description: str
    #: File name endings that name the format, for guessing it.
    suffixes: tuple[str, ...]
    #: ``use -> module:function`` of what writes the format for that use.
    writers: Mapping[str, str]
    #: ``module:function`` of the import parser.
    parser: str | None

    def __init__(self, name: str, description: str, suffixes: tuple[str, ...] = (),
                 writers: Mapping[str, str] | None = None, parser: str | None = None) -> None:
        _set = object.__setattr__
        _set(self, "name", name)
        _set(self, "description", description)
        _set(self, "suffixes", suffixes)
        _set(self, "writers", {} if writers is None else writers)
        _set(self, "parser", parser)

    @property
    def exporter(self) -> str | None:
        return self.writers.get("export")


_SERIALISE = "chronicle.exchange.serialise"

FORMATS: dict[str, Format] = {
    info.name: info
    for info in (
        Format(
            "json", "a JSON array of entries (the keys of list)", (".json",),
            {
                "list": f"{_SERIALISE}:to_json",
                "show": f"{_SERIALISE}:entry_json",
                "timeline": f"{_SERIALISE}:timeline_json",
                "search": f"{_SERIALISE}:results_json",
                "export": "chronicle.exchange.jsonfmt:export_json",
            },
            "chronicle.exchange.jsonfmt:parse_json",
        ),
        Format(
            "jsonl", "one JSON entry a line", (".jsonl", ".ndjson"),
            {"export": "chronicle.exchange.jsonfmt:export_jsonl"},
            "chronicle.exchange.jsonfmt:parse_jsonl",
        ),
        Format(
            "csv", "a CSV row an entry, lists joined by '; '", (".csv",),
            {
                "list": "chronicle.exchange.csvfmt:to_csv",
                "export": "chronicle.exchange.csvfmt:export_csv",
            },
            "chronicle.exchange.csvfmt:parse_csv",
        ),
        Format(
            "yaml", "YAML, as entry files are written", (),
            {"list": f"{_SERIALISE}:to_yaml", "show": f"{_SERIALISE}:entry_yaml"},
        ),
        Format(
            "ids", "one id a line", (),
            {"list": f"{_SERIALISE}:to_ids", "search": f"{_SERIALISE}:results_ids"},
        ),
        Format(
            "markdown", "a readable document grouped by year and month", (".md", ".markdown"),
            {
                "timeline": "chronicle.exchange.markdown:timeline_markdown",
                "export": "chronicle.exchange.markdown:export_markdown",
            },
        ),
        Format(
            "ics", "iCalendar (RFC 5545) events", (".ics", ".ical", ".icalendar", ".ifb"),
            {"export": "chronicle.exchange.ics:export_ics"},
            "chronicle.exchange.ics_reading:parse_ics",
        ),
        Format(
            "timelinejs", "Knight Lab TimelineJS3 JSON", (),
            {"export": "chronicle.exchange.timelinejs:export_timelinejs"},
            "chronicle.exchange.timelinejs_reading:parse_timelinejs",
        ),
        Format(
            "html", "one self-contained web page", (".html", ".htm"),
            {"export": "chronicle.exchange:export_html"},
        ),
    )
}


def choices(use: str) -> tuple[str, ...]:
    """The formats ``use`` can write (``import`` for the ones that can be read)."""
    if use == "import":
        return tuple(name for name, info in FORMATS.items() if info.parser)
    if use not in USES:
        raise ValueError(f"no such use: {use!r}")
    return tuple(name for name, info in FORMATS.items() if use in info.writers)


def load(target: str) -> Any:
    """The function a ``module:function`` target names."""
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


def writer(use: str, name: str) -> Any:
    """The function writing format ``name`` for ``use``; a UsageError names the choices."""
    info = FORMATS.get(name)
    if info is None or use not in info.writers:
        from chronicle.errors import UsageError

        verb = "export as" if use == "export" else f"write {use} as"
        raise UsageError(f"cannot {verb} '{name}'; choose one of {', '.join(choices(use))}")
    return load(info.writers[use])
