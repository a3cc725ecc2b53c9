"""The front door's write path below `Chronicle`: finding the file an edit works on,
deleting entries, and bringing the catalog and the search index along after a write.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from chronicle.errors import ChronicleError
from chronicle.outcomes import EditConflictError, EditTarget, Written

if TYPE_CHECKING:
    from chronicle.api import Chronicle
    from chronicle.model import Entry


def edit_target(book: Chronicle, ref: str | os.PathLike[str] | Entry) -> EditTarget:
    """The file to edit: the entry ``ref`` names, or an entry file given by its path
    (which also reaches files that are not valid yet, the ones most in need of one)."""
    from chronicle.errors import NotFoundError
    from chronicle.store import ENTRY_SUFFIXES, entry_id

    location = book.location
    if isinstance(ref, os.PathLike):
        ref = os.fspath(ref)
    try:
        entry = book.get(ref)
        path, the_id = location.root / entry.path, entry.id
    except NotFoundError:
        entries = location.entries_dir.resolve()
        assert isinstance(ref, str)  # an Entry not found is not a path either
        for candidate in (Path(ref), location.root / ref, location.entries_dir / ref):
            path = candidate.resolve()
            if (path.suffix in ENTRY_SUFFIXES and path.is_file()
                    and path.is_relative_to(entries)):
                break
        else:
            raise
        entry, the_id = None, entry_id(entries, path)
    return EditTarget(path, the_id, entry, path.read_text(encoding="utf-8-sig"))


def edit_file(book: Chronicle, target: EditTarget, text: str) -> Written:
    """Replace the target's file with ``text``, unless it changed since it was read."""
    from chronicle.fileio import atomic_write_text

    if target.path.read_text(encoding="utf-8-sig") != target.original:
        raise EditConflictError(target.path, book.location.relative(target.path))
    atomic_write_text(target.path, text)
    return index_written(book, [target.path])


def remove_entries(book: Chronicle, entries: list[Entry]) -> Written:
    """Delete the entries' files; the index follows whatever was deleted, even when a
    later deletion fails."""
    from chronicle.authoring import delete_entry

    deleted: list[Path] = []
    try:
        for entry in entries:
            deleted.append(delete_entry(book.location, entry))
    except BaseException:
        if deleted:
            index_written(book, deleted)
        raise
    return index_written(book, deleted)


def index_written(book: Chronicle, paths: list[Path]) -> Written:
    """Refresh the files just written or removed, and bring the index up to date.

    The one place writes update the index. Only ``paths`` are looked at, not every
    file (a full check stats every entry: most of an add's cost at 100k entries).
    """
    import sqlite3

    from chronicle import index
    from chronicle.errors import IndexBusyError
    from chronicle.index.lifecycle import is_write_failure
    from chronicle.store import entry_id

    entries_dir = Path(os.path.abspath(book.location.entries_dir))
    # As the scan names them: through links (an entry kept as a link to a file elsewhere,
    # a linked folder), not where they lead.
    under = [_under(entries_dir, Path(path)) for path in paths]
    relpaths = [path.relative_to(entries_dir).as_posix() for path in under]
    written = Written(paths, [entry_id(entries_dir, path) for path in under])
    try:
        report = index.sync(book.location, book.catalog, paths=relpaths,
                            lock_timeout=book.lock_timeout)
    except (ChronicleError, OSError, sqlite3.OperationalError) as err:
        # SQLite says a full disk as "database or disk is full", no OSError; any other
        # SQLite failure is no reason to think the index will catch up.
        if isinstance(err, sqlite3.OperationalError) and not is_write_failure(err):
            raise
        # The files are written; a later search brings the index up to date.
        why = err.message if isinstance(err, ChronicleError) else str(err)
        busy = "busy" if isinstance(err, IndexBusyError) else "not updated"
        written.index_warning = (f"The change is saved, but the search index is {busy} "
                                 f"({why}); it will catch up on the next search.")
        return written
    written.notices = book._notices() + report.notices
    return written


def _under(entries_dir: Path, path: Path) -> Path:
    """``path`` as a path below ``entries_dir`` (absolute, links kept where they lie
    inside it; else resolved, as a path given through another way in)."""
    written = Path(os.path.abspath(path))
    if written.is_relative_to(entries_dir):
        return written
    return entries_dir / path.resolve().relative_to(entries_dir.resolve())
