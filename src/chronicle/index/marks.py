"""The search index's bookkeeping in the catalog: which version of each entry file the
Whoosh index holds (``files.indexed``) and which removed files it still holds
(``removed``), so ``lifecycle.sync`` applies exactly the difference.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from chronicle.catalog.schema import Transaction, load_entry

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.model import Entry


@dataclass
class PendingIndexWork:
    """What the search index must do to catch up with the catalog."""

    upsert: list[tuple[str, str, Entry]]  # (relpath, signature, entry)
    delete: list[tuple[str, str | None, str]]  # (relpath, signature or None if gone, id)

    def __len__(self) -> int:
        return len(self.upsert) + len(self.delete)


def pending(catalog: Catalog) -> PendingIndexWork:
    """Entries the search index lacks or holds in an older version, and ids to drop."""
    upsert: list[tuple[str, str, Entry]] = []
    delete: list[tuple[str, str | None, str]] = []
    for relpath, sig, valid, text, entry_id in catalog.db.execute(
        "SELECT relpath, sig, valid, entry, id FROM files WHERE indexed IS NOT sig"
    ):
        if valid:
            upsert.append((relpath, sig, load_entry(text)))
        else:
            delete.append((relpath, sig, entry_id))
    for relpath, entry_id in catalog.db.execute("SELECT relpath, id FROM removed"):
        delete.append((relpath, None, entry_id))
    return PendingIndexWork(upsert, delete)

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
            [(sig, relpath, sig) for relpath, sig, _ in work.upsert]
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
