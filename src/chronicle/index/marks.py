"""The search index's bookkeeping in the catalog: what the Whoosh index holds for each
entry file (``files.indexed``, the content digest of the entry it was given) and which
removed files it still holds (``removed``), so ``lifecycle.sync`` applies exactly the
difference.

The mark is a digest of the entry, not the file's stat signature: a file rewritten with
the same entry (copied with ``cp -a``, restored, touched, checked out again) is read
again by the catalog but is no work for the index, while any change to what the index
would hold (a field, the path, the id) is.
"""

from __future__ import annotations

import sqlite3
from array import array
from collections.abc import Iterator
from typing import TYPE_CHECKING

from chronicle.catalog.schema import Transaction, load_entry
from chronicle.records import Record

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.model import Entry


#: The length of `chronicle.catalog.reading.content_digest`'s digests (hexadecimal text).
DIGEST_WIDTH = 32


class HandedOut:
    """``(rowid, digest)`` of each catalog row handed to the index, held compactly.

    A first build hands out every entry and records them all until its commit: as a list
    of tuples of strings, 100,000 of them took about 25 MB of the building process (which
    the whole build then carries); here they take 4 MB. The rowid is enough to find the
    row again: the digest covers the entry's path, so a row that still has the digest
    handed out holds the very entry handed out, whatever its rowid became meanwhile.
    """

    def __init__(self) -> None:
        self._rowids = array("q")
        self._digests = bytearray()
        #: Digests of another shape than `DIGEST_WIDTH` ASCII characters, by position.
        self._others: dict[int, str] = {}

    def add(self, rowid: int, digest: str) -> None:
        if len(digest) == DIGEST_WIDTH and digest.isascii():
            self._digests += digest.encode("ascii")
        else:
            self._others[len(self._rowids)] = digest
            self._digests += bytes(DIGEST_WIDTH)
        self._rowids.append(rowid)

    def __len__(self) -> int:
        return len(self._rowids)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        digests = self._digests
        for position, rowid in enumerate(self._rowids):
            start = position * DIGEST_WIDTH
            digest = self._others.get(position)
            if digest is None:
                digest = digests[start:start + DIGEST_WIDTH].decode("ascii")
            yield rowid, digest


class PendingIndexWork(Record):
    """What the search index must do to catch up with the catalog.

    The entries to add or replace are not held here: `upserts` reads them from the
    catalog one at a time, so bringing 100,000 entries into the index never keeps them
    all in memory (nor in the memory of the worker processes Whoosh forks meanwhile).
    """

    __slots__ = ("upsert_count", "delete", "db", "upserted", "whole")
    #: How many entries there were to add or replace when the work was counted.
    upsert_count: int
    #: (relpath, None, id): an invalid file's entry, or (in ``removed``) a file gone.
    delete: list[tuple[str, str | None, str]]
    db: sqlite3.Connection
    #: (rowid, digest) of every entry `upserts` has handed out, for `mark_indexed`.
    upserted: HandedOut
    #: Every valid entry, not only the pending ones (a new generation filled whole).
    whole: bool

    def __init__(self, upsert_count: int, delete: list[tuple[str, str | None, str]],
                 db: sqlite3.Connection, upserted: HandedOut | None = None,
                 whole: bool = False) -> None:
        self.upsert_count = upsert_count
        self.delete = delete
        self.db = db
        self.upserted = HandedOut() if upserted is None else upserted
        self.whole = whole

    def __len__(self) -> int:
        return self.upsert_count + len(self.delete)

    def upserts(self) -> Iterator[tuple[str, str, Entry]]:
        """``(relpath, digest, entry)`` of each entry the index lacks or holds in an
        older version, read in one statement (one consistent snapshot of the catalog)."""
        which = "valid" if self.whole else "indexed IS NOT digest AND valid"
        handed = self.upserted
        for rowid, relpath, digest, blob in self.db.execute(
            f"SELECT rowid, relpath, digest, entry FROM files WHERE {which}"
        ):
            handed.add(rowid, digest)
            yield relpath, digest, load_entry(blob)


def pending(catalog: Catalog) -> PendingIndexWork:
    """Entries the search index lacks or holds in an older version, and ids to drop."""
    delete: list[tuple[str, str | None, str]] = []
    for relpath, entry_id in catalog.db.execute(
        "SELECT relpath, id FROM files WHERE indexed IS NOT digest AND NOT valid"
    ):
        delete.append((relpath, None, entry_id))
    for relpath, entry_id in catalog.db.execute("SELECT relpath, id FROM removed"):
        delete.append((relpath, None, entry_id))
    (count,) = catalog.db.execute(
        "SELECT COUNT(*) FROM files WHERE indexed IS NOT digest AND valid"
    ).fetchone()
    return PendingIndexWork(count, delete, catalog.db)

def whole(catalog: Catalog) -> PendingIndexWork:
    """Every valid entry, for a new index generation that will replace the one in use;
    ``delete`` holds what the one in use must lose, so `mark_indexed` records it gone."""
    work = pending(catalog)
    (count,) = catalog.db.execute("SELECT COUNT(*) FROM files WHERE valid").fetchone()
    work.upsert_count, work.whole = count, True
    return work


def changed_share(catalog: Catalog) -> tuple[int, int]:
    """``(entries the index lacks or holds in an older version, valid entries)``."""
    row = catalog.db.execute(
        "SELECT COUNT(*) FILTER (WHERE indexed IS NOT digest), COUNT(*) FROM files WHERE valid"
    ).fetchone()
    return int(row[0]), int(row[1])


def is_current(catalog: Catalog) -> bool:
    """True when the search index holds every file's current version and nothing removed."""
    row = catalog.db.execute(
        "SELECT EXISTS(SELECT 1 FROM files WHERE indexed IS NOT digest) "
        "OR EXISTS(SELECT 1 FROM removed)"
    ).fetchone()
    return not row[0]

def mark_indexed(catalog: Catalog, work: PendingIndexWork,
                 meta: tuple[str, str] | None = None) -> None:
    """Record that the search index now holds ``work`` (call after its commit), and
    with it, in the same transaction, ``meta`` (the identity of a new generation)."""
    # Only rows still as they were handed out: a file that changed again meanwhile
    # stays pending.
    with Transaction(catalog.db):
        if meta is not None:
            catalog.db.execute(
                "INSERT INTO meta VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", meta)
        if work.whole:
            # The new generation holds nothing it was not handed.
            catalog.db.execute("UPDATE files SET indexed = NULL WHERE indexed IS NOT NULL")
        catalog.db.executemany(
            "UPDATE files SET indexed = digest WHERE rowid = ? AND digest = ?", work.upserted
        )
        dropped = [(relpath,) for relpath, _, _ in work.delete]
        catalog.db.executemany(
            "UPDATE files SET indexed = NULL WHERE relpath = ? AND digest IS NULL", dropped
        )
        catalog.db.executemany("DELETE FROM removed WHERE relpath = ?", dropped)

def reset_marks(catalog: Catalog) -> None:
    """Forget what the search index holds (it is being rebuilt from nothing)."""
    with Transaction(catalog.db):
        catalog.db.execute("UPDATE files SET indexed = NULL")
        catalog.db.execute("DELETE FROM removed")
