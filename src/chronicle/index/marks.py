"""The search index's bookkeeping in the catalog: which version of each entry file the
Whoosh index holds (``files.indexed``) and which removed files it still holds
(``removed``), so ``lifecycle.sync`` applies exactly the difference.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from chronicle.catalog.schema import Transaction, load_entry

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.model import Entry


@dataclass
class PendingIndexWork:
    """What the search index must do to catch up with the catalog.

    The entries to add or replace are not held here: `upserts` reads them from the
    catalog one at a time, so bringing 100,000 entries into the index never keeps them
    all in memory (nor in the memory of the worker processes Whoosh forks meanwhile).
    """

    #: How many entries there were to add or replace when the work was counted.
    upsert_count: int
    delete: list[tuple[str, str | None, str]]  # (relpath, signature or None if gone, id)
    db: sqlite3.Connection
    #: (relpath, signature) of every entry `upserts` has handed out, for `mark_indexed`.
    upserted: list[tuple[str, str]] = field(default_factory=list)

    def __len__(self) -> int:
        return self.upsert_count + len(self.delete)

    def upserts(self) -> Iterator[tuple[str, str, Entry]]:
        """``(relpath, signature, entry)`` of each entry the index lacks or holds in an
        older version, read in one statement (one consistent snapshot of the catalog)."""
        for relpath, sig, blob in self.db.execute(
            "SELECT relpath, sig, entry FROM files WHERE indexed IS NOT sig AND valid"
        ):
            self.upserted.append((relpath, sig))
            yield relpath, sig, load_entry(blob)


def pending(catalog: Catalog) -> PendingIndexWork:
    """Entries the search index lacks or holds in an older version, and ids to drop."""
    delete: list[tuple[str, str | None, str]] = []
    for relpath, sig, entry_id in catalog.db.execute(
        "SELECT relpath, sig, id FROM files WHERE indexed IS NOT sig AND NOT valid"
    ):
        delete.append((relpath, sig, entry_id))
    for relpath, entry_id in catalog.db.execute("SELECT relpath, id FROM removed"):
        delete.append((relpath, None, entry_id))
    (count,) = catalog.db.execute(
        "SELECT COUNT(*) FROM files WHERE indexed IS NOT sig AND valid"
    ).fetchone()
    return PendingIndexWork(count, delete, catalog.db)

def is_current(catalog: Catalog) -> bool:
    """True when the search index holds every file's current version and nothing removed."""
    row = catalog.db.execute(
        "SELECT EXISTS(SELECT 1 FROM files WHERE indexed IS NOT sig) "
        "OR EXISTS(SELECT 1 FROM removed)"
    ).fetchone()
    return not row[0]

def mark_indexed(catalog: Catalog, work: PendingIndexWork) -> None:
    """Record that the search index now holds ``work`` (call after its commit)."""
    with Transaction(catalog.db):
        catalog.db.executemany(
            "UPDATE files SET indexed = ? WHERE relpath = ? AND sig = ?",
            [(sig, relpath, sig) for relpath, sig in work.upserted]
            + [(sig, relpath, sig) for relpath, sig, _ in work.delete if sig is not None],
        )
        catalog.db.executemany(
            "DELETE FROM removed WHERE relpath = ?",
            [(relpath,) for relpath, sig, _ in work.delete if sig is None],
        )

def reset_marks(catalog: Catalog) -> None:
    """Forget what the search index holds (it is being rebuilt from nothing)."""
    with Transaction(catalog.db):
        catalog.db.execute("UPDATE files SET indexed = NULL")
        catalog.db.execute("DELETE FROM removed")
