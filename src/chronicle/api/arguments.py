"""What the front door's methods take, read into what the core works with: filters as a
`Filters` or its keywords; entries as ids, parts of ids, entry file paths or `Entry`
objects, one or several.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.model import Entry
    from chronicle.query import Filters

    #: Entries as the methods take them: one id, path or `Entry`, or several.
    EntryRefs = str | os.PathLike[str] | Entry | Iterable[str | os.PathLike[str] | Entry]


def filters_from(filters: Filters | None, options: Mapping[str, Any]) -> Filters | None:
    """``filters``, or the `Filters` the keywords of `Filters.build` describe."""
    from chronicle.query import Filters

    if not options:
        if filters is not None and not isinstance(filters, Filters):
            raise TypeError(f"filters is a chronicle.Filters, not {type(filters).__name__}")
        return filters
    if filters is not None:
        raise TypeError("give filters or filter keywords, not both")
    return Filters.build(**options)


def entry_refs(refs: EntryRefs) -> list[str | os.PathLike[str] | Entry]:
    """One id, path or `Entry`, or several, as a list (a string is one id, not its
    letters)."""
    from chronicle.model import Entry

    if isinstance(refs, str | os.PathLike | Entry):
        return [refs]
    if not isinstance(refs, Iterable):
        raise TypeError(f"entries are named by id or given as Entry, not {type(refs).__name__}")
    return list(refs)


def find_entry(catalog: Catalog, root: Path, ref: str | os.PathLike[str] | Entry) -> Entry:
    """The entry ``ref`` names in the catalog of the chronicle at ``root``: for an
    `Entry`, the one with its id as the catalog holds it now."""
    from chronicle.errors import NotFoundError
    from chronicle.model import Entry

    if isinstance(ref, Entry):
        current = catalog.get(ref.id) if ref.id else None
        if current is None:
            shown = f"'{ref.id}'" if ref.id else f"'{ref.title}' (not written yet)"
            raise NotFoundError(f"entry {shown} is not in the chronicle at {root}")
        return current
    if isinstance(ref, str) and ref.endswith((".yaml", ".yml")) and os.path.isfile(ref):
        # A file name as the shell completes it (/abs/x.yaml, ./x.yaml, ../2014/x.yaml,
        # x.yaml), from where the user stands: the entry that file holds.
        ref = Path(os.path.abspath(ref))
    if isinstance(ref, os.PathLike):
        # An entry file's path: the catalog reads "entries/2014/x.yaml" as its id.
        path = Path(ref)
        if path.is_absolute():
            path = _within(path, root) or path
        ref = path.as_posix()
    if not isinstance(ref, str):
        raise TypeError(f"entries are named by id or given as Entry, not {type(ref).__name__}")
    if not ref.strip():
        from chronicle.errors import UsageError

        raise UsageError("an empty id names no entry")
    return catalog.resolve(ref)



def _within(path: Path, root: Path) -> Path | None:
    """An absolute ``path`` from ``root``: as written (through a linked folder), else with
    links resolved; None when it lies outside."""
    written, top = Path(os.path.normpath(path)), Path(os.path.normpath(root.absolute()))
    if written.is_relative_to(top):
        return written.relative_to(top)
    if path.resolve().is_relative_to(root.resolve()):
        return path.resolve().relative_to(root.resolve())
    return None
