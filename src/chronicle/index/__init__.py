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

from chronicle.index import whooshimports
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
from chronicle.index.schema import ChronicleAnalyzer, entry_document, index_name, make_schema
from chronicle.index.searching import search
from chronicle.names import MIN_FUZZY_LENGTH

# Before any of the modules above imports Whoosh (each does so inside its functions).
whooshimports.install()

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
