"""What the front door's methods return: entries found, files written, an edit's target;
and the error an edit raises when the file changed under it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.errors import ChronicleError

if TYPE_CHECKING:
    from chronicle.model import Entry, Problem


class EditConflictError(ChronicleError):
    """The file changed on disk since the edit began; nothing was written."""

    def __init__(self, path: Path, shown: str) -> None:
        super().__init__(f"{shown} was changed by something else while it was being edited")
        self.path = path


@dataclass
class Found:
    """The entries a query or filters keep, in chronicle order, and what to tell about them."""

    entries: list[Entry]
    #: Notices for a person (index rebuilt, how a query was read, ...).
    notes: list[str] = field(default_factory=list)
    #: Invalid entry files left out.
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Streamed:
    """An export written piece by piece straight from the catalog (`Chronicle.stream`)."""

    chunks: Iterator[Any]  # text, or UTF-8 bytes when ``encoded``
    notes: list[str]
    problems: list[Problem]
    #: Entries written so far (all of them once ``chunks`` is exhausted).
    count: int = 0
    #: What the person should know about the text, complete once ``chunks`` is exhausted.
    warnings: list[str] = field(default_factory=list)
    #: How many entries the text holds when a format left some out (iCalendar), set
    #: once ``chunks`` is exhausted.
    written: int | None = None
    #: The chunks are the text's UTF-8 bytes, not text (``Chronicle.stream(encoded=True)``).
    encoded: bool = False


@dataclass
class Written:
    """What a write did: the files written or removed, and how the search index followed."""

    paths: list[Path]
    ids: list[str]
    #: Notices from the index update (a rebuild, say).
    notices: list[str] = field(default_factory=list)
    #: Set when the files are written but the search index could not follow yet.
    index_warning: str | None = None


@dataclass
class EditTarget:
    """The file an edit works on: a valid entry's, or an entry file given by its path."""

    path: Path
    id: str
    #: The entry as it was, or None for a file that is not a valid entry yet.
    entry: Entry | None
    #: The file's text when the edit began.
    original: str
