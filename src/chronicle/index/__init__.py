"""The search index: a Whoosh index in ``index/whoosh/`` kept in step with ``entries/``.

This package is the only place that imports Whoosh, and only inside functions, so
commands that do not search never pay for it. The catalog (``chronicle.catalog``) says
which entry files changed since the index last saw them (``marks``); `sync` applies
exactly that, under a lock, and `search` reads the index without waiting for anyone.

The index is derived data. When it is missing, unreadable, of another schema version or
left half-built by a killed process, it is rebuilt from the catalog with a one-line
notice. The catalog records which index it is in step with, so replacing or deleting
``index/whoosh/`` by hand is always safe.

Modules: `schema` (fields, the analyzer bridge), `lifecycle` (state, lock, sync),
`compiler` and `datequery` (queries), `searching` (a search end to end), `hits` (what a
result shows; pure).
"""

from typing import TYPE_CHECKING

from chronicle.index import whooshimports

# Before any module of this package imports Whoosh (each does so inside its functions).
whooshimports.install()

if TYPE_CHECKING:
    from chronicle.index.hits import Hit, SearchResult
    from chronicle.index.lifecycle import (
        IDENT_FILE,
        SyncReport,
        discard,
        open_searcher,
        optimize_index,
        probe,
        sync,
        update,
        whoosh_dir,
    )
    from chronicle.index.locking import LOCK_FILE, LOCK_TIMEOUT_S
    from chronicle.index.schema import (
        ChronicleAnalyzer,
        entry_document,
        index_name,
        make_schema,
    )
    from chronicle.index.searching import search
    from chronicle.names import MIN_FUZZY_LENGTH

#: Where each name of this package is defined: a module is imported when one of its
#: names is first asked for, so a command that only brings the index up to date
#: (`lifecycle`) does not load the query compiler, the hit maker and the word matcher.
_HOMES = {
    "Hit": "chronicle.index.hits",
    "SearchResult": "chronicle.index.hits",
    "IDENT_FILE": "chronicle.index.lifecycle",
    "SyncReport": "chronicle.index.lifecycle",
    "discard": "chronicle.index.lifecycle",
    "open_searcher": "chronicle.index.lifecycle",
    "optimize_index": "chronicle.index.lifecycle",
    "probe": "chronicle.index.lifecycle",
    "sync": "chronicle.index.lifecycle",
    "update": "chronicle.index.lifecycle",
    "whoosh_dir": "chronicle.index.lifecycle",
    "LOCK_FILE": "chronicle.index.locking",
    "LOCK_TIMEOUT_S": "chronicle.index.locking",
    "ChronicleAnalyzer": "chronicle.index.schema",
    "entry_document": "chronicle.index.schema",
    "index_name": "chronicle.index.schema",
    "make_schema": "chronicle.index.schema",
    "search": "chronicle.index.searching",
    "MIN_FUZZY_LENGTH": "chronicle.names",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


__all__ = [
    "IDENT_FILE",
    "LOCK_FILE",
    "LOCK_TIMEOUT_S",
    "MIN_FUZZY_LENGTH",
    "ChronicleAnalyzer",
    "Hit",
    "SearchResult",
    "SyncReport",
    "discard",
    "entry_document",
    "index_name",
    "make_schema",
    "open_searcher",
    "optimize_index",
    "probe",
    "search",
    "sync",
    "update",
    "whoosh_dir",
]
