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
    # Whether there are more than ``limit``, asked of the index without reading them.
    beyond = db.execute(
        "SELECT 1 FROM files WHERE id >= ? AND id < ? ORDER BY id LIMIT 1 OFFSET ?",
        (low, high, limit),
    ).fetchone()
    if beyond is not None:
        return _next_folders(db, prefix, limit)
    ids = [
        entry_id for (entry_id,) in db.execute(
            "SELECT id FROM files WHERE id >= ? AND id < ? ORDER BY id", (low, high)
        )
    ]
    if ids or not prefix:
        return ids
    pattern = "%" + prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return [
        entry_id for (entry_id,) in db.execute(
            "SELECT id FROM files WHERE id LIKE ? ESCAPE '\\' ORDER BY id LIMIT ?",
            (pattern, limit),
        )
    ]


#: The first id of each next folder under a prefix (?1 to ?2, the prefix ?3 characters
#: long), or of each whole id with no folder below it: one index seek per folder, in
#: SQLite, not one row per id. After an id in a folder, the walk goes on just past every
#: id under that folder (``2014/`` ends before ``2014`` + the character after ``/``).
_FOLDER_WALK = """
WITH RECURSIVE walk(found) AS (
    SELECT (SELECT id FROM files WHERE id >= ?1 AND id < ?2 ORDER BY id LIMIT 1)
    UNION ALL
    SELECT (
        SELECT id FROM files
        WHERE id >= (CASE WHEN instr(substr(walk.found, ?3 + 1), '/') > 0
                          THEN substr(walk.found, 1,
                                      ?3 + instr(substr(walk.found, ?3 + 1), '/') - 1) || '0'
                          ELSE walk.found END)
          AND id <> walk.found AND id < ?2
        ORDER BY id LIMIT 1)
    FROM walk WHERE walk.found IS NOT NULL
    LIMIT ?4
)
SELECT found FROM walk WHERE found IS NOT NULL
"""


def _next_folders(db: sqlite3.Connection, prefix: str, limit: int) -> list[str]:
    """The distinct ``prefix + folder/`` (or whole ids with no folder below the prefix)."""
    low, high = _prefix_range(prefix)
    found: list[str] = []
    for (entry_id,) in db.execute(_FOLDER_WALK, (low, high, len(prefix), limit + 1)):
        slash = entry_id.find("/", len(prefix))
        found.append(entry_id if slash < 0 else entry_id[: slash + 1])
    return found[:limit]


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
                "SELECT name FROM name_uses WHERE kind = ? AND name >= ? AND name < ? "
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


def suggest(root: Path | None, query: str, *args: str) -> list[str]:
    """What completing a value offers: the ``query`` look-up (`entry_ids`, `names`) with
    ``args`` in the catalog of the chronicle at ``root`` (None: ``$CHRONICLE_ROOT``, else
    the nearest one up from here), found without reading chronicle.yaml; nothing when
    there is no chronicle or its catalog cannot answer."""
    from chronicle.config import cache_dir, find_root
    from chronicle.errors import ChronicleError

    if query not in ("entry_ids", "names"):
        raise ValueError(f"no such look-up: {query!r}")
    try:
        path = cache_dir(find_root(root, environ=os.environ)) / CATALOG_NAME
    except (ChronicleError, OSError):
        return []
    with open_catalog(path) as db:
        if db is None:
            return []
        return safely(globals()[query], db, *args)
