"""The library's front door: one open chronicle, read and written through one object.

    import chronicle

    with chronicle.Chronicle.open("~/history") as book:
        for entry in book.select(year=2014).entries:
            print(entry.date_label(), entry.title)
        added = book.add(book.new_entry(title="Park reopens", date="17 April 2014"))

A `Chronicle` owns its catalog (opened on first use, closed by ``close()`` or the
``with`` block) and keeps the search index in step after every write: ``add``,
``edit``, ``remove`` and ``import_`` write the files, refresh only the files they
wrote, and update the index. A write is never undone because the index could not be
updated (another process holds it, say): `Written.index_warning` says so, and the next
search catches up. The CLI is a thin shell over this class.

Entries and filters are taken as `chronicle.api.arguments` reads them. A value that
cannot be what it names (a date that is no date, an id no entry has) raises a
`ChronicleError` that names the argument; a value of the wrong type, TypeError.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from chronicle.api.arguments import entry_refs, filters_from, find_entry
from chronicle.outcomes import EditConflictError as EditConflictError
from chronicle.outcomes import EditTarget, Found, Streamed, Written

if TYPE_CHECKING:
    from datetime import datetime
    from types import TracebackType

    from chronicle.api.arguments import EntryRefs
    from chronicle.catalog import Catalog, Progress, RefreshReport, Selection
    from chronicle.config import ChronicleConfig, Location
    from chronicle.exchange import Exported
    from chronicle.exchange.importing import ImportPlan, ImportSource, Outcome
    from chronicle.index import SearchResult, SyncReport
    from chronicle.model import Entry, Listed, Listing
    from chronicle.name_groups import NameGroupCount
    from chronicle.names import NameRegistry
    from chronicle.query import Filters
    from chronicle.stats import Stats
    from chronicle.store import CheckReport, LoadedChronicle


class Chronicle:
    """One chronicle, opened: select, search, get, add, edit, remove, import and export."""

    def __init__(self, location: Location, *, lock_timeout: float | None = None) -> None:
        self.location = location
        self._lock_timeout = lock_timeout
        self._catalog: Catalog | None = None
        #: Notices from opening the catalog (rebuilt, not writable), not yet reported.
        self._opening_notices: list[str] = []

    @property
    def lock_timeout(self) -> float:
        """How long a write waits for another process's hold on the search index."""
        if self._lock_timeout is None:
            # Only writes and searches ask, and they load the index anyway: reading
            # commands do not import it for this.
            from chronicle.index.locking import LOCK_TIMEOUT_S

            return LOCK_TIMEOUT_S
        return self._lock_timeout

    @lock_timeout.setter
    def lock_timeout(self, seconds: float) -> None:
        self._lock_timeout = seconds

    @classmethod
    def open(cls, root: str | os.PathLike[str] | None = None) -> Chronicle:
        """The chronicle in ``root``; by default ``$CHRONICLE_ROOT``, else the nearest
        folder at or above the current one holding ``chronicle.yaml`` or ``entries/``."""
        from chronicle.config import find_chronicle

        if root is not None and not isinstance(root, str | os.PathLike):
            raise TypeError(f"open takes a folder's path, not {type(root).__name__}")
        folder = Path(root).expanduser() if root is not None else None
        return cls(find_chronicle(folder, root_label=""))

    @classmethod
    def init(cls, folder: str | os.PathLike[str], *, title: str | None = None) -> Chronicle:
        """Create an empty chronicle in ``folder`` (made if missing) and open it."""
        from chronicle.config import init_chronicle

        return cls(init_chronicle(Path(folder), title=title))

    # -- lifetime ----------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        """The catalog, opened on first use (not refreshed: each method decides)."""
        if self._catalog is None:
            from chronicle.catalog import open_catalog

            self._catalog = open_catalog(self.location, self._opening_notices)
        return self._catalog

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def __enter__(self) -> Chronicle:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- what it is --------------------------------------------------------------------

    @property
    def root(self) -> Path:
        return self.location.root

    @property
    def config(self) -> ChronicleConfig:
        return self.location.config

    @property
    def title(self) -> str:
        return self.location.display_title

    @cached_property
    def registry(self) -> NameRegistry:
        """The ``names:`` aliases of chronicle.yaml (a bad block raises ConfigError)."""
        from chronicle.names import NameRegistry

        return NameRegistry.from_config(self.location.config.names)

    def _find(self, ref: str | os.PathLike[str] | Entry) -> Entry:
        return find_entry(self.catalog, self.root, ref)

    def _notices(self) -> list[str]:
        taken, self._opening_notices[:] = list(self._opening_notices), []
        return taken

    # -- reading -----------------------------------------------------------------------

    def refresh(
        self, progress: Progress | None = None, *, paths: Iterable[str] | None = None
    ) -> RefreshReport:
        """Bring the catalog in step with ``entries/`` (only ``paths`` when given)."""
        report = self.catalog.refresh(progress, paths=paths)
        report.notices[:0] = self._notices()
        return report

    def select(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        reverse: bool = False,
        progress: Progress | None = None,
        **filter_options: Any,
    ) -> Selection:
        """The entries ``filters`` keep, in date order, from a freshly checked catalog.

        Filters can be given as a `Filters` or as the keywords of `Filters.build`:
        ``select(year=2014, people=["Aliyev"])``, ``select(from_="500 BC", to=date.today())``.
        """
        from chronicle.catalog import Selection

        filters = filters_from(filters, filter_options)
        report = self.refresh(progress)
        entries = self.catalog.entries(filters, self.registry, limit=limit, reverse=reverse)
        return Selection(entries, self.catalog.problems(), self.registry, report)

    def select_ids(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        reverse: bool = False,
        **filter_options: Any,
    ) -> tuple[Selection, list[str]]:
        """The ids of the entries `select` gives, in its order: read from the catalog
        alone when SQL gives the same list (the selection then carries no entries)."""
        from chronicle.catalog import Selection

        filters = filters_from(filters, filter_options)
        report = self.refresh()
        ids = self.catalog.entry_ids(filters, limit=limit, reverse=reverse)
        entries: list[Entry] = []
        if ids is None:
            entries = self.catalog.entries(filters, self.registry, limit=limit, reverse=reverse)
            ids = [entry.id for entry in entries]
        return Selection(entries, self.catalog.problems(), self.registry, report), ids

    def select_listings(
        self,
        filters: Filters | None = None,
        *,
        limit: int | None = None,
        reverse: bool = False,
        **filter_options: Any,
    ) -> tuple[Selection, list[Listing]]:
        """What listings show of the entries `select` gives, in its order (see
        `chronicle.model.Listing`), read without rebuilding any `Entry` (the selection
        then carries no entries)."""
        from chronicle.catalog import Selection

        filters = filters_from(filters, filter_options)
        report = self.refresh()
        listings = self.catalog.listings(filters, self.registry, limit=limit, reverse=reverse)
        return Selection([], self.catalog.problems(), self.registry, report), listings

    def stats(
        self, filters: Filters | None = None, *, by: str = "auto", top: int = 10,
        **filter_options: Any,
    ) -> tuple[Selection, Stats]:
        """What ``chronicle stats`` shows for the entries ``filters`` (or the keywords of
        `Filters.build`) keep.

        Counted in SQL from the catalog's facts when that gives the same answer (the
        selection then carries no entries), else from the entries themselves.
        """
        from chronicle.catalog import Selection
        from chronicle.catalog.facts import stats_from_catalog
        from chronicle.stats import compute_stats

        filters = filters_from(filters, filter_options)
        report = self.refresh()
        result = stats_from_catalog(self.catalog, filters, by=by, top=top,
                                    registry=self.registry)
        entries = [] if result is not None else self.catalog.entries(filters, self.registry)
        if result is None:
            result = compute_stats(entries, by=by, top=top, registry=self.registry)
        return Selection(entries, self.catalog.problems(), self.registry, report), result

    def names(
        self, filters: Filters | None = None, *, kinds: Iterable[str] | None = None,
        **filter_options: Any,
    ) -> tuple[Selection, dict[str, list[NameGroupCount]]]:
        """What ``chronicle names`` shows: per kind (person, place, tag), every name the
        entries ``filters`` keep use, spellings grouped, busiest first.

        Counted in SQL from the catalog's spellings when that gives the same answer (the
        selection then carries no entries), else from the entries themselves.
        """
        from chronicle.catalog import Selection
        from chronicle.catalog.facts import names_from_catalog
        from chronicle.name_groups import KINDS, group_names

        filters = filters_from(filters, filter_options)
        wanted = list(kinds) if kinds is not None else list(KINDS)
        report = self.refresh()
        grouped = names_from_catalog(self.catalog, filters, kinds=wanted,
                                     registry=self.registry)
        entries = [] if grouped is not None else self.catalog.entries(filters, self.registry)
        if grouped is None:
            grouped = group_names(entries, kinds=wanted, registry=self.registry)
        return Selection(entries, self.catalog.problems(), self.registry, report), grouped

    def search(
        self,
        text: str,
        *,
        filters: Filters | None = None,
        limit: int | None = 20,
        sort: str = "relevance",
        explain: bool = False,
        progress: Any = None,
        details: bool = True,
        stream: bool = False,
        **filter_options: Any,
    ) -> SearchResult:
        """Search the index (brought up to date first) within ``filters`` (or the keywords
        of `Filters.build`); see `chronicle.index.search`. ``limit=None`` gives every hit.

        ``stream``: no hit is made up front; `SearchResult.iter_hits` makes them in
        order, reading the entries a batch at a time (keep the chronicle open until then),
        and `SearchResult.iter_ids` gives their ids without reading entries."""
        from chronicle.index import search

        if not isinstance(text, str):
            raise TypeError(f"search takes the query as text, not {type(text).__name__}")
        filters = filters_from(filters, filter_options)
        result = search(self.location, text, filters=filters, limit=limit, sort=sort,
                        explain=explain, progress=progress, details=details,
                        catalog=self.catalog, stream=stream)
        result.notes[:0] = self._notices()
        return result

    def update_index(
        self, *, rebuild: bool = False, optimize: bool = False, progress: Any = None
    ) -> SyncReport:
        """Bring the search index up to date (waiting for another update if need be);
        ``rebuild`` throws it away first, ``optimize`` merges it into one segment."""
        from chronicle import index

        return index.update(self.location, rebuild=rebuild, optimize=optimize,
                            progress=progress)

    def find(
        self, query: str | None = None, filters: Filters | None = None, **filter_options: Any
    ) -> Found:
        """Every entry ``query`` finds within ``filters`` (or the keywords of
        `Filters.build`), or every entry they keep when there is no query; in chronicle
        order."""
        filters = filters_from(filters, filter_options)
        if not query or not query.strip():
            selection = self.select(filters)
            return Found(selection.entries, selection.report.notices, selection.problems)
        from chronicle.catalog import facts

        ids, notes = self._found_ids(query, filters)
        in_order = facts.entries_in_order(self.catalog, None, ids=ids)
        if in_order is not None:
            return Found(list(in_order), notes)
        found = self.catalog.get_many(ids).values()
        return Found(sorted(found, key=lambda entry: entry.sort_key), notes)

    def _found_ids(self, query: str, filters: Filters | None) -> tuple[list[str], list[str]]:
        """The ids of every entry ``query`` finds within ``filters``, and the notes: no
        hit made, no entry read."""
        from chronicle.index import search

        result = search(self.location, query, filters=filters, limit=None, sort="date",
                        catalog=self.catalog, ids_only=True)
        return result.ids, self._notices() + result.notes

    def find_listings(
        self, query: str | None = None, filters: Filters | None = None, **filter_options: Any
    ) -> tuple[Found, list[Listing]]:
        """What listings show of the entries `find` gives, in its order (see
        `chronicle.model.Listing`); without a query, read from the catalog without
        rebuilding any `Entry` (``Found.entries`` is then empty)."""
        filters = filters_from(filters, filter_options)
        if not query or not query.strip():
            selection, listings = self.select_listings(filters)
            return Found([], selection.report.notices, selection.problems), listings
        from chronicle.catalog import facts

        ids, notes = self._found_ids(query, filters)
        listed = facts.listings_in_order(self.catalog, ids)
        if listed is not None:
            return Found([], notes), listed
        entries = sorted(self.catalog.get_many(ids).values(), key=lambda entry: entry.sort_key)
        return Found(entries, notes), [entry.listing() for entry in entries]

    def whole_entries(self, listed: Iterable[Listed]) -> Iterator[Entry]:
        """The whole entry of each listing (`find_listings`, `select_listings`), in
        order, read from the catalog a few hundred at a time as it is asked for; an
        `Entry` is given as it is. Keep the chronicle open until it is read."""
        from chronicle.catalog import facts

        return facts.whole_entries(self.catalog, listed)

    def get(self, ref: str | os.PathLike[str] | Entry) -> Entry:
        """The entry an id, an unambiguous part of one, or its file's path names (for an
        `Entry`: the entry with its id, as the chronicle holds it now). NotFoundError
        when there is none, AmbiguousIdError when the part fits several."""
        self.refresh()
        return self._find(ref)

    def resolve(self, refs: EntryRefs) -> list[Entry]:
        """The entries ``refs`` name (ids, parts of ids or `Entry` objects, or one of
        them), each once, in the order first named."""
        self.refresh()
        entries = [self._find(ref) for ref in entry_refs(refs)]
        return list({entry.id: entry for entry in entries}.values())

    def check(self) -> LoadedChronicle:
        """Every entry file read and validated afresh (not from the catalog)."""
        from chronicle.store import load_all

        self.registry  # noqa: B018 - a bad names: block is an error too
        return load_all(self.location)

    def check_report(self) -> CheckReport:
        """What `check` finds (every problem, in its order, and the number of valid
        entries) without holding the entries: what ``chronicle check`` reports."""
        from chronicle.store import check_all

        self.registry  # noqa: B018 - a bad names: block is an error too
        return check_all(self.location)

    def known_names(self) -> Any:
        """The people, places and tags in use, for spotting another spelling of one."""
        from chronicle.authoring import KnownNames

        if self.catalog.is_empty():
            self.refresh()  # a first run: the names in use are not read yet
        return KnownNames(self.catalog, self.registry)

    # -- writing -----------------------------------------------------------------------

    def new_entry(self, **fields: Any) -> Entry:
        """An entry from fields as a person writes them (``date="17 April 2014"``, or a
        `datetime.date`; ``people`` a list or one name), validated; see
        `chronicle.authoring.build_entry`. Nothing is written."""
        from chronicle.authoring import build_entry

        return build_entry(self.location, **fields)

    def add(self, entry: Entry | Mapping[str, Any]) -> Written:
        """Write ``entry`` (an `Entry`, or the fields `new_entry` takes) to a new file,
        never replacing one, and index it."""
        from chronicle.authoring import write_new_entry
        from chronicle.model import Entry

        if isinstance(entry, Mapping):
            entry = self.new_entry(**entry)
        if not isinstance(entry, Entry):
            raise TypeError(f"add takes an Entry or its fields, not {type(entry).__name__}")
        path = write_new_entry(self.location, entry)
        return self._written([path])

    def edit_target(self, ref: str | os.PathLike[str] | Entry) -> EditTarget:
        """The file to edit: the entry ``ref`` names, or an entry file given by its path
        (which also reaches files that are not valid yet, the ones most in need of one)."""
        from chronicle.api.writing import edit_target

        return edit_target(self, ref)

    def edit(self, target: EditTarget, text: str) -> Written:
        """Replace the target's file with ``text`` (checked by the caller) and index it.

        Raises `EditConflictError`, writing nothing, when the file changed on disk since
        ``target`` was read.
        """
        from chronicle.api.writing import edit_file

        return edit_file(self, target, text)

    def remove(self, entries: EntryRefs) -> Written:
        """Delete the entries' files (and year folders left empty) and unindex them.

        ``entries`` are ids (or unambiguous parts of them) or `Entry` objects, one or
        several. All are found before any is deleted, so a name that fits no entry
        deletes nothing; the index follows whatever was deleted, even when a later
        deletion fails.
        """
        from chronicle.api.writing import remove_entries

        return remove_entries(self, self.resolve(entries))

    def plan_import(self, sources: Sequence[ImportSource]) -> ImportPlan:
        """Read and check every record of ``sources`` against the entries; write nothing."""
        from chronicle.exchange.importing import plan_import

        return plan_import(self.location, sources, self.select().entries)

    def import_(self, plan: ImportPlan) -> tuple[list[Outcome], Written]:
        """Write every entry ``plan`` creates (all or nothing) and index them."""
        from chronicle.exchange.importing import write_import

        created = write_import(self.location, plan)
        paths = [outcome.path for outcome in created if outcome.path is not None]
        return created, self._written(paths) if paths else Written([], [])

    def export(
        self,
        entries: EntryRefs | Found | Selection,
        fmt: str,
        *,
        title: str | None = None,
        group_by: str | None = None,
        now: datetime | None = None,
    ) -> Exported:
        """``entries`` in export format ``fmt`` (see `chronicle.formats`); ``now`` is
        the time formats that stamp one (iCalendar's DTSTAMP) write, by default now.

        ``entries`` may be `Entry` objects (written or not), ids, or what `select` and
        `find` return."""
        from chronicle.exchange import ExportOptions, export_entries
        from chronicle.model import Entry

        listed = entry_refs(cast("EntryRefs", getattr(entries, "entries", entries)))
        if not all(isinstance(entry, Entry) for entry in listed):
            self.refresh()
        chosen = [entry if isinstance(entry, Entry) else self._find(entry) for entry in listed]

        options = ExportOptions(
            title=title or self.title,
            group_by=group_by,
            registry=self.registry if fmt == "html" else None,
            now=now,
        )
        return export_entries(chosen, fmt, options)

    def stream(self, fmt: str, filters: Filters | None = None, *, title: str | None = None,
               group_by: str | None = None, now: datetime | None = None,
               query: str | None = None, encoded: bool = False,
               reverse: bool = False) -> Streamed | None:
        """Every entry ``filters`` keep (and ``query`` finds, when given) in export
        format ``fmt``, piece by piece, read from the catalog as it is written: the whole
        text, or every entry, is never in memory (a query's search keeps the ids it
        found, no more). ``json`` and ``jsonl`` are the JSON the catalog stores per entry, not
        decoded or encoded again; ``csv``, ``markdown``, ``ics`` and ``timelinejs`` are
        written an entry at a time; ``html`` reads one entry at a time
        from the stored JSON. ``title`` is the document's (default: the chronicle's).

        The same text as `export` of `find`'s entries; None when only that path can
        give it (another format, name filters without a query, twin ids, years beyond
        the catalog's keys). With a query, the search runs first (its notes are the
        stream's) and decides alone which entries are written, filters included.
        ``encoded``: ``json`` and ``jsonl`` give that text as UTF-8 bytes, never decoded
        from the catalog (``Streamed.encoded`` says so); other formats give text.
        ``reverse``: newest first, as `select` gives them. ``yaml`` (a format of
        ``list``, not of export) is `to_yaml`'s text of the entries, a few hundred at a time.
        """
        from chronicle.catalog import facts
        from chronicle.exchange import STREAMED_FORMATS, batched
        from chronicle.exchange.serialise import json_batch_chunks

        if fmt not in STREAMED_FORMATS and fmt != "yaml":
            return None
        ids: list[str] | None = None
        if query is not None and query.strip():
            ids, notes = self._found_ids(query, filters)
            problems, filters = [], None
        elif filters is not None and (filters.people or filters.places or filters.tags):
            return None
        else:
            report = self.refresh()
            notes, problems = report.notices, self.catalog.problems()
        if fmt in ("json", "jsonl", "html"):
            encoded = encoded and fmt != "html"
            batches = facts.json_batches(self.catalog, filters, encoded=encoded, ids=ids,
                                         reverse=reverse)
            if batches is None:
                return None
            streamed = Streamed(iter(()), notes, problems, encoded=encoded)

            def counted() -> Iterator[list[Any]]:
                for batch in batches:
                    streamed.count += len(batch)
                    yield batch

            if fmt == "html":
                from chronicle.html_page import page_chunks
                from chronicle.jsontext import loads
                from chronicle.model import Entry

                page_entries = (Entry.from_dict(loads(text))
                                for batch in counted() for text in batch)
                streamed.chunks = page_chunks(page_entries, title=title or self.title,
                                              registry=self.registry)
            else:
                streamed.chunks = json_batch_chunks(counted(), lines=fmt == "jsonl",
                                                    encoded=encoded)
            return streamed
        entries = facts.entries_in_order(self.catalog, filters, ids=ids, reverse=reverse)
        if entries is None:
            return None
        streamed = Streamed(iter(()), notes, problems)
        if fmt == "yaml":
            streamed.chunks = self._yaml_chunks(entries, streamed)
            return streamed
        streamed.chunks = batched(
            self._entry_chunks(fmt, entries, filters, streamed, title, group_by, now, ids))
        return streamed

    @staticmethod
    def _yaml_chunks(entries: Iterator[Entry], streamed: Streamed) -> Iterator[str]:
        """`to_yaml`'s text of ``entries``, 256 at a time: the YAML of a list is its
        items' blocks one after another (no object is shared between entries, so no
        anchor ties one batch to another)."""
        from itertools import islice

        from chronicle.exchange.serialise import to_yaml

        while batch := list(islice(entries, 256)):
            streamed.count += len(batch)
            yield to_yaml(batch)
        if not streamed.count:
            yield to_yaml([])

    def _entry_chunks(self, fmt: str, entries: Iterator[Entry], filters: Filters | None,
                      streamed: Streamed, title: str | None, group_by: str | None,
                      now: datetime | None, ids: list[str] | None) -> Iterator[str]:
        """`stream`'s pieces for the formats written from `Entry` objects."""
        from chronicle.catalog import facts
        from chronicle.errors import UsageError
        from chronicle.exchange import GROUP_FIELDS, Exported, ExportOptions

        if group_by is not None and group_by not in GROUP_FIELDS:
            raise UsageError(f"group_by takes {', '.join(GROUP_FIELDS)}, not '{group_by}'")
        options = ExportOptions(title=title or self.title, group_by=group_by, now=now)
        out = Exported("", streamed.warnings)

        def counted() -> Iterator[Entry]:
            for entry in entries:
                streamed.count += 1
                yield entry

        if fmt == "csv":
            from chronicle.exchange.csvfmt import columns_of_keys, csv_chunks

            keys = facts.custom_keys(self.catalog, filters, ids=ids)
            yield from csv_chunks(counted(), columns_of_keys(keys or ()))
        elif fmt == "markdown":
            from chronicle.exchange.markdown import markdown_chunks

            yield from markdown_chunks(counted(), options, out)
        elif fmt == "ics":
            from chronicle.exchange.ics import ics_chunks

            yield from ics_chunks(counted(), options, out)
        else:
            from chronicle.dates import PartialDate
            from chronicle.exchange.timelinejs import is_cosmological, timelinejs_chunks

            dates = facts.date_texts(self.catalog, filters, ids=ids) or iter(())
            cosmological = is_cosmological(
                PartialDate.parse(text) for pair in dates for text in pair if text is not None)
            yield from timelinejs_chunks(counted(), options, cosmological)
        streamed.written = out.written

    def _written(self, paths: list[Path]) -> Written:
        """Refresh the files just written or removed, and bring the index up to date.

        The one place writes update the index. Only ``paths`` are looked at, not every
        file (a full check stats every entry: most of an add's cost at 100k entries).
        """
        from chronicle.api.writing import index_written

        return index_written(self, paths)
