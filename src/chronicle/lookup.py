"""Read-only look-ups in the catalog, for shell completion: entry ids and the tags,
people and places as written, by prefix.

A completion runs on every Tab press, so this module reads ``catalog.sqlite`` as it
stands and nothing else: no YAML, no stat of the entry files, no Whoosh, and never a
write (no catalog is created, refreshed or repaired; SQLite is not allowed to leave its
``-wal``/``-shm`` files behind). A missing, locked, damaged or old catalog, or a query
that runs past its time, gives no suggestions, quickly. Standard library only, and
outside the ``catalog`` package, whose import loads the entry store.
"""

from __future__ import annotations

import os
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

#: The catalog's file name in a chronicle's index folder (`chronicle.catalog.schema`).
CATALOG_NAME = "catalog.sqlite"
#: What a look-up may take before it gives up and suggests nothing.
TIME_LIMIT_S = 0.25
#: At most this many suggestions (as many as a big folder of files would give).
MAX_SUGGESTIONS = 10_000
#: The name kinds the catalog keeps as written (`chronicle.catalog.facts`).
NAME_KINDS = ("tag", "person", "place")


@contextmanager
def open_catalog(path: Path) -> Iterator[sqlite3.Connection | None]:
    """The catalog at ``path`` opened read-only, or None when it cannot be read.

    With no ``-wal`` file beside it, every commit is in the main file, which is opened
    immutable (SQLite then creates no file and takes no lock); with one, a writer is at
    work or stopped before a checkpoint, and it is opened read-only through the files
    that are already there.
    """
    if not path.is_file():
        yield None
        return
    wal = Path(f"{path}-wal")
    mode = "mode=ro" if wal.exists() and Path(f"{path}-shm").exists() else "immutable=1"
    uri = f"file:{urllib.parse.quote(os.fspath(path))}?{mode}"
    try:
        db = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None,
                             check_same_thread=False)
    except sqlite3.Error:
        yield None
        return
    deadline = time.monotonic() + TIME_LIMIT_S
    # Any statement that runs past the deadline is interrupted (sqlite3.OperationalError).
    db.set_progress_handler(lambda: int(time.monotonic() > deadline), 100)
    try:
        yield db
    finally:
        db.close()


def _prefix_range(prefix: str) -> tuple[str, str]:
    """The half-open range of strings starting with ``prefix``, for an index search."""
    return prefix, prefix + "\U0010ffff"


def _case_variants(prefix: str) -> set[str]:
    """The prefix's first two letters in each case: the catalog's index is
    case-sensitive, and people type ``bel`` for Belgrade (the rest is compared folded)."""
    variants = {""}
    for char in prefix[:2]:
        variants = {v + c for v in variants for c in {char.lower(), char.upper()}}
    return variants


def entry_ids(db: sqlite3.Connection, prefix: str, limit: int = MAX_SUGGESTIONS) -> list[str]:
    """Ids starting with ``prefix`` (of invalid entries too: one may want to edit or
    remove them), read from the id index alone. When more than ``limit`` do, their
    next folders instead (``2014/``), one level at a time, as a shell completes paths;
    when none does, ids containing ``prefix`` (commands take any unique part of an id).
    """
    low, high = _prefix_range(prefix)
    ids = [
        entry_id for (entry_id,) in db.execute(
            "SELECT id FROM files WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
            (low, high, limit + 1),
        )
    ]
    if len(ids) > limit:
        return _next_folders(db, prefix, limit)
    if ids or not prefix:
        return ids
    pattern = "%" + prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [
        entry_id for (entry_id,) in db.execute(
            "SELECT id FROM files WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (pattern, limit),
        )
    ]


def _next_folders(db: sqlite3.Connection, prefix: str, limit: int) -> list[str]:
    """The distinct ``prefix + folder/`` (or whole ids with no folder below the prefix)
    found by skipping through the id index: one seek per folder, not one row per id."""
    found: list[str] = []
    low, high = _prefix_range(prefix)
    while len(found) < limit:
        row = db.execute(
            "SELECT id FROM files WHERE id >= ? AND id < ? ORDER BY id LIMIT 1",
            (low, high),
        ).fetchone()
        if row is None:
            break
        entry_id: str = row[0]
        slash = entry_id.find("/", len(prefix))
        if slash < 0:
            found.append(entry_id)
            low = entry_id + "\0"
        else:
            folder = entry_id[: slash + 1]
            found.append(folder)
            low = folder[:-1] + chr(ord("/") + 1)  # just past every id under the folder
    return found


def names(db: sqlite3.Connection, kind: str, prefix: str,
          limit: int = MAX_SUGGESTIONS) -> list[str]:
    """The ``kind`` names (tag, person, place) as written in valid entries, starting
    with ``prefix`` in any case, in order."""
    if kind not in NAME_KINDS:
        raise ValueError(f"no such kind of name: {kind!r}")
    folded = prefix.casefold()
    found: set[str] = set()
    for variant in _case_variants(prefix):
        low, high = _prefix_range(variant)
        # One index seek per distinct name, not one row per entry naming it: a tag that
        # 30,000 entries carry costs what a tag one entry carries.
        while len(found) <= limit:
            row = db.execute(
                "SELECT name FROM spellings WHERE kind = ? AND name >= ? AND name < ? "
                "ORDER BY name LIMIT 1",
                (kind, low, high),
            ).fetchone()
            if row is None:
                break
            name: str = row[0]
            if name.casefold().startswith(folded):
                found.add(name)
            low = name + "\0"
    return sorted(found)[:limit]


def safely(query: Callable[..., list[str]], *args: object) -> list[str]:
    """``query(*args)``, or nothing when the catalog cannot answer (locked, damaged, of
    another schema, or too slow)."""
    try:
        return query(*args)
    except (sqlite3.Error, ValueError):
        return []
