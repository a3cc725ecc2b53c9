"""What the front door's methods return: entries found, files written, an edit's target;
and the error an edit raises when the file changed under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.errors import ChronicleError
from chronicle.records import Record

if TYPE_CHECKING:
    from chronicle.model import Entry, Problem


class EditConflictError(ChronicleError):
    """The file changed on disk since the edit began; nothing was written."""

    def __init__(self, path: Path, shown: str) -> None:
        super().__init__(f"{shown} was changed by something else while it was being edited")
        self.path = path


class Found(Record):
    """The entries a query or filters keep, in chronicle order, and what to tell about them."""

    __slots__ = ("entries", "notes", "problems")
    entries: list[Entry]
    #: Notices for a person (index rebuilt, how a query was read, ...).
    notes: list[str]
    #: Invalid entry files left out.
    problems: list[Problem]

    def __init__(self, entries: list[Entry], notes: list[str] | None = None,
                 problems: list[Problem] | None = None) -> None:
        self.entries = entries
        self.notes = [] if notes is None else notes
        self.problems = [] if problems is None else problems


class Streamed(Record):
    """An export written piece by piece straight from the catalog (`Chronicle.stream`)."""

    __slots__ = ("chunks", "notes", "problems", "count", "warnings", "written", "encoded")
    chunks: Iterator[Any]  # text, or UTF-8 bytes when ``encoded``
    notes: list[str]
    problems: list[Problem]
    #: Entries written so far (all of them once ``chunks`` is exhausted).
    count: int
    #: What the person should know about the text, complete once ``chunks`` is exhausted.
    warnings: list[str]
    #: How many entries the text holds when a format left some out (iCalendar), set
    #: once ``chunks`` is exhausted.
    written: int | None
    #: The chunks are the text's UTF-8 bytes, not text (``Chronicle.stream(encoded=True)``).
    encoded: bool

    def __init__(self, chunks: Iterator[Any], notes: list[str], problems: list[Problem],
                 count: int = 0, warnings: list[str] | None = None,
                 written: int | None = None, encoded: bool = False) -> None:
        self.chunks = chunks
        self.notes = notes
        self.problems = problems
        self.count = count
        self.warnings = [] if warnings is None else warnings
        self.written = written
        self.encoded = encoded


class Written(Record):
    """What a write did: the files written or removed, and how the search index followed."""

    __slots__ = ("paths", "ids", "notices", "index_warning")
    paths: list[Path]
    ids: list[str]
    #: Notices from the index update (a rebuild, say).
    notices: list[str]
    #: Set when the files are written but the search index could not follow yet.
    index_warning: str | None

    def __init__(self, paths: list[Path], ids: list[str], notices: list[str] | None = None,
                 index_warning: str | None = None) -> None:
        self.paths = paths
        self.ids = ids
        self.notices = [] if notices is None else notices
        self.index_warning = index_warning


class EditTarget(Record):
    """The file an edit works on: a valid entry's, or an entry file given by its path."""

    __slots__ = ("path", "id", "entry", "original")
    path: Path
    id: str
    #: The entry as it was, or None for a file that is not a valid entry yet.
    entry: Entry | None
    #: The file's text when the edit began.
    original: str

    def __init__(self, path: Path, id: str, entry: Entry | None, original: str) -> None:
        self.path = path
        self.id = id
        self.entry = entry
        self.original = original
