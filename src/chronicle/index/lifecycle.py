"""Where the index lives, what state it is in, and keeping it in step with the catalog."""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Any

from chronicle import feedback, records
from chronicle.errors import ChronicleError, IndexBusyError
from chronicle.index import marks
from chronicle.index.locking import LOCK_TIMEOUT_S, locked
from chronicle.index.schema import entry_document, index_name, make_schema

if TYPE_CHECKING:
    from chronicle.catalog import Catalog
    from chronicle.config import Location

INDEX_DIRNAME = "whoosh"
#: In a generation from its creation until it is switched to (holding the id of the
#: process filling it): without the update lock held by a live command, such a
#: generation was left half-made by a killed one.
FILLING_FILE = "chronicle-filling"
#: A generation's folder while it is made, before it has its `FILLING_FILE`.
STAGING_SUFFIX = ".new"
IDENT_FILE = "chronicle-index-id"
#: Each index file's stat signature and content digest as chronicle wrote (or first
#: read) it. (Earlier versions kept signatures alone in ``chronicle-verified``: such an
#: index is walked once, then recorded here.)
VERIFIED_FILE = "chronicle-digests"
META_KEY = "search_index"
#: From this many documents to add or replace, index them with two processes (in an
#: index in use too: the replaced documents are deleted here, the new ones made there).
PARALLEL_THRESHOLD = 2000
#: From this share of the valid entries changed, a catch-up fills a new generation with
#: every entry, in parallel, while the one in use answers, rather than replace that
#: share in place. Each document costs the same either way (about 13 ms of CPU in both
#: at 4,000 entries, `benchmarks/bench_catchup.py --routes`: at half changed the new
#: generation took twice the CPU), so only near the whole is it worth it, for a compact
#: result: no replaced documents left in the segments, word statistics as a rebuild's.
FRESH_SHARE = 0.9

#: Segments as separate files, not one compound file: Whoosh reads a compound segment by
#: copying it whole into memory (BytesIO over the mmap) when a searcher opens: at 10k
#: entries that took a one-shot search from 30 to 67 MB and opening from 54 to 78 ms.
#: ``limitmb`` bounds the postings a writer holds before it spills a sorted run to disk,
#: by Whoosh's own estimate: the Python objects take about 1.3 times as much. At 128 a
#: build's writer processes grew to 250 MB each; spilling more often costs little time.
WRITER_OPTIONS: dict[str, Any] = {"limitmb": 32, "compound": False, "delay": 0.05}
#: Per worker process of a parallel build: two of them, plus the parent, stay under
#: 300 MB together.
PARALLEL_LIMIT_MB = 24

#: Documents the parallel build hands a worker at a time (Whoosh's own default).
PARALLEL_BATCH = 100

Progress = Callable[[str, int, int], None]


class SyncReport(records.Record):
    """What bringing the index up to date did."""

    __slots__ = ("added", "updated", "removed", "invalid", "indexed", "unindexed",
                 "rebuilt", "seconds", "notices", "stale", "beyond")
    added: int
    updated: int
    removed: int
    invalid: int
    indexed: int
    unindexed: int
    rebuilt: bool
    seconds: float
    notices: list[str]
    #: True when another process held the index and this one gave up waiting.
    stale: bool
    #: The catalog refresh's `chronicle.catalog.refreshing.RefreshReport.beyond`.
    beyond: str | None

    def __init__(self, added: int = 0, updated: int = 0, removed: int = 0, invalid: int = 0,
                 indexed: int = 0, unindexed: int = 0, rebuilt: bool = False,
                 seconds: float = 0.0, notices: list[str] | None = None,
                 stale: bool = False, beyond: str | None = None) -> None:
        self.added = added
        self.updated = updated
        self.removed = removed
        self.invalid = invalid
        self.indexed = indexed
        self.unindexed = unindexed
        self.rebuilt = rebuilt
        self.seconds = seconds
        self.notices = [] if notices is None else notices
        self.stale = stale
        self.beyond = beyond


def whoosh_dir(chronicle: Location) -> Path:
    """The folder of the index in use, resolved once so a reader stays on one generation.

    ``index/whoosh`` is a link to the current generation (``index/whoosh-<id>``); a
    rebuild fills a new generation beside it and then swaps the link, so a search
    running meanwhile reads the old index whole, never a half-built one.
    """
    return Path(os.path.realpath(chronicle.index_dir / INDEX_DIRNAME))


def _state(folder: Path) -> tuple[str, str | None]:
    """``("ok" | "missing" | "old", ident)`` from the file names alone (no Whoosh)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return "missing", None
    ours = f"_{index_name()}_"
    if not any(name.startswith(ours) and name.endswith(".toc") for name in names):
        old = any(name.endswith(".toc") for name in names)
        return ("old" if old else "missing"), None
    try:
        ident = (folder / IDENT_FILE).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        ident = None
    return "ok", ident


# -- keeping in step ---------------------------------------------------------------------


def sync(
    chronicle: Location,
    catalog: Catalog,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
    wait: bool = True,
    paths: Iterable[str] | None = None,
    trust_watcher: bool = True,
) -> SyncReport:
    """Bring the catalog and the search index in step with ``entries/``.

    Cheap when nothing changed: the catalog stats the files, and the index is not even
    opened. With ``wait=False`` an update that finds the index locked returns at once
    with ``stale=True`` (a search can then read the index as it is). ``paths`` (under
    ``entries/``) limits the catalog's check to files the caller has just written or
    removed itself. ``trust_watcher=False`` scans even when ``chronicle watch`` runs
    (the watcher's own updates).
    """
    started = time.perf_counter()
    report = SyncReport()
    progress = feedback.progress(progress)
    refresh = catalog.refresh(
        (lambda done, total: progress("Reading entries", done, total)) if progress else None,
        paths=paths,
        trust_watcher=trust_watcher,
    )
    report.added, report.updated = refresh.added, refresh.updated
    report.removed, report.invalid = refresh.removed, refresh.invalid
    report.notices.extend(refresh.notices)
    report.beyond = refresh.beyond
    folder = whoosh_dir(chronicle)
    state, ident = _state(folder)
    stamp = catalog.get_meta(META_KEY)
    usable = state == "ok" and ident == stamp
    # Each index file as chronicle wrote it (stat signatures, digests where they differ)
    # before an answer is read from it: damage that Whoosh would read without an error
    # (a garbled length column reorders results) is found here, not by a reader.
    vouched = usable and not rebuild and _vouched_for(folder)
    if vouched and marks.is_current(catalog):
        if _half_made(chronicle):
            _clear_leftovers_if_free(chronicle)
        report.seconds = time.perf_counter() - started
        return report
    try:
        # Without an index there is nothing to read meanwhile: then even a reader waits.
        with locked(chronicle, lock_timeout if wait or state != "ok" else 0.0):
            _clear_leftovers(chronicle)
            # Another process may have done the work while this one waited.
            folder = whoosh_dir(chronicle)
            state, ident = _state(folder)
            stamp = catalog.get_meta(META_KEY)
            fresh_needed = rebuild or state != "ok" or ident is None or ident != stamp
            if fresh_needed and not rebuild:
                feedback.announce(_rebuild_notice(state, ident, stamp), report.notices)
            elif not fresh_needed:
                problem = _verify(folder)
                if problem is not None:
                    feedback.announce(problem, report.notices)
                    fresh_needed = True
            if not fresh_needed and marks.is_current(catalog):
                pass  # only the files' record needed renewing (a copy, a restore)
            elif not fresh_needed and _worth_a_new_generation(catalog):
                _catch_up_in_new_generation(chronicle, catalog, report, progress,
                                            lock_timeout)
            elif not fresh_needed:
                try:
                    _apply(folder, catalog, report, progress, lock_timeout, catching_up=True)
                except Exception as err:
                    if isinstance(err, ChronicleError) or is_write_failure(err):
                        raise
                    # Anything that stops the index being read is damage to derived data.
                    feedback.announce(unreadable_notice(err), report.notices)
                    fresh_needed = True
            if fresh_needed:
                fresh = _create(chronicle, catalog)
                try:
                    _apply(fresh, catalog, report, progress, lock_timeout)
                    _switch(chronicle, fresh)
                except BaseException:
                    # A full disk or Ctrl-C: the index in use stays; the partial one goes.
                    import shutil

                    shutil.rmtree(fresh, ignore_errors=True)
                    raise
                report.rebuilt = True
    except IndexBusyError:
        if wait or state != "ok":
            raise
        if usable and not vouched and _damaged_file(folder) is not None:
            # Damaged while another process updates the index: wait for it, then rebuild.
            return sync(chronicle, catalog, progress=progress, lock_timeout=lock_timeout,
                        paths=paths, trust_watcher=trust_watcher)
        report.stale = True
    except OSError as err:
        # Whoosh's own writes fail without a file name: name the index's folder.
        if err.filename is None and err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS):
            from chronicle.fileio import write_failure

            raise write_failure(err, chronicle.index_dir) from None
        raise
    report.seconds = time.perf_counter() - started
    return report


#: What a write that the system refused fails with: no room, no quota, a read-only file
#: system or folder. Such a failure says nothing about the index's files.
_REFUSED_WRITES = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM})


def is_write_failure(err: BaseException) -> bool:
    """A refused write (full disk, read-only), from the file system or from SQLite (whose
    "database or disk is full" is no OSError): never damage, never a reason to rebuild."""
    if isinstance(err, OSError):
        return err.errno in _REFUSED_WRITES
    if isinstance(err, sqlite3.OperationalError):
        from chronicle.catalog.schema import is_damage

        return not is_damage(err)
    return False


def unreadable_notice(err: BaseException) -> str:
    return f"The search index could not be read ({type(err).__name__}); rebuilding it."


def _rebuild_notice(state: str, ident: str | None, stamp: str | None) -> str:
    if state == "missing":
        return "Building the search index (it was missing)."
    if state == "old":
        return "Rebuilding the search index (it was made by another version of chronicle)."
    if ident is None:
        return "Rebuilding the search index (it was left incomplete)."
    return "Rebuilding the search index (it was out of step with the entries)."


def _create(chronicle: Location, catalog: Catalog, *, adopt: bool = True) -> Path:
    """A new, empty index generation beside the one in use (which stays readable).

    With ``adopt`` the catalog forgets what the index holds and records the new
    generation at once; without, its caller records both when the generation is full.
    """
    import uuid

    from whoosh import index as whoosh_index

    ident = uuid.uuid4().hex
    folder = chronicle.index_dir / f"{INDEX_DIRNAME}-{ident}"
    # Made aside with its mark of being filled, then renamed: a generation is never
    # seen without the mark until `_switch` takes it away.
    staging = chronicle.index_dir / f".{INDEX_DIRNAME}-{ident}{STAGING_SUFFIX}"
    staging.mkdir(parents=True)
    try:
        (staging / FILLING_FILE).write_text(f"{os.getpid()}\n", encoding="ascii")
        os.rename(staging, folder)
        whoosh_index.create_in(str(folder), make_schema(), indexname=index_name())
        if adopt:
            # Marks first, identity last: a crash in between leaves an index whose
            # identity the catalog does not know, which the next run rebuilds.
            marks.reset_marks(catalog)
            catalog.set_meta(META_KEY, ident)
        from chronicle import fileio

        fileio.atomic_write_text(folder / IDENT_FILE, ident + "\n")
    except BaseException:
        # A full disk fails here as well as later: the half-made generation goes at once
        # rather than hold the room it took until the next rebuild.
        import shutil

        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def _worth_a_new_generation(catalog: Catalog) -> bool:
    changed, valid = marks.changed_share(catalog)
    return changed >= PARALLEL_THRESHOLD and changed >= FRESH_SHARE * valid


def _catch_up_in_new_generation(
    chronicle: Location,
    catalog: Catalog,
    report: SyncReport,
    progress: Progress | None,
    lock_timeout: float,
) -> None:
    """Index every valid entry into a new generation, then switch to it.

    The catalog's marks and its record of the index in use change together, in one
    transaction, once the new generation is committed; until then the generation in
    use answers and stays recorded as it is, so a catch-up killed meanwhile leaves it
    answering, and the next command does the work again (the half-made generation is
    removed by the next switch).
    """
    work = marks.whole(catalog)
    changed = marks.changed_share(catalog)[0] + len(work.delete)
    feedback.announce(
        f"Updating the search index: {changed:,} entries changed since it was last updated.",
        report.notices,
    )
    fresh = _create(chronicle, catalog, adopt=False)
    try:
        _apply(fresh, catalog, report, progress, lock_timeout, work=work)
        ident = fresh.name.removeprefix(f"{INDEX_DIRNAME}-")
        marks.mark_indexed(catalog, work, meta=(META_KEY, ident))
        _switch(chronicle, fresh)
    except BaseException:
        import shutil

        shutil.rmtree(fresh, ignore_errors=True)
        raise
    report.indexed, report.unindexed = len(work.upserted), len(work.delete)


def _switch(chronicle: Location, fresh: Path) -> None:
    """Point ``index/whoosh`` at ``fresh`` in one rename; drop generations before the last.

    The generation just replaced is kept until the next rebuild, for a search that
    resolved it a moment before the switch.
    """
    import shutil

    with contextlib.suppress(FileNotFoundError):
        (fresh / FILLING_FILE).unlink()  # complete: from here, never half-made
    link = chronicle.index_dir / INDEX_DIRNAME
    previous = whoosh_dir(chronicle)
    temp = chronicle.index_dir / f".{INDEX_DIRNAME}-{fresh.name}.link"
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(fresh.name, temp)
    try:
        os.replace(temp, link)
    except OSError:
        # A folder, as made before generations: set it aside, then link.
        previous = chronicle.index_dir / f"{INDEX_DIRNAME}-{fresh.name}-old"
        os.rename(link, previous)
        os.replace(temp, link)
    keep = {fresh.name, previous.name}
    for name in os.listdir(chronicle.index_dir):
        if name.startswith(f"{INDEX_DIRNAME}-") and name not in keep:
            shutil.rmtree(chronicle.index_dir / name, ignore_errors=True)
        elif name.startswith(f".{INDEX_DIRNAME}-") and name.endswith(".link"):
            with contextlib.suppress(OSError):
                (chronicle.index_dir / name).unlink()
        elif name.startswith(f".{INDEX_DIRNAME}-") and name.endswith(STAGING_SUFFIX):
            shutil.rmtree(chronicle.index_dir / name, ignore_errors=True)


def _half_made(chronicle: Location) -> list[Path]:
    """Generations marked as being filled, other than the one in use. Under the update
    lock no command is filling one, so these were left by a killed command."""
    index_dir = chronicle.index_dir
    try:
        names = os.listdir(index_dir)
    except OSError:
        return []
    current = whoosh_dir(chronicle).name
    found: list[Path] = []
    for name in names:
        if name.startswith(f".{INDEX_DIRNAME}-") and name.endswith(STAGING_SUFFIX):
            found.append(index_dir / name)
        elif (name.startswith(f"{INDEX_DIRNAME}-") and name != current
              and os.path.lexists(index_dir / name / FILLING_FILE)):
            found.append(index_dir / name)
    return found


def _clear_leftovers(chronicle: Location) -> None:
    """Under the update lock: remove what killed commands left (no command is writing):
    half-made generations, and the temporary folders of a writer in the one in use
    (Whoosh's run files and job lists, which can be as big as the index)."""
    import shutil

    for path in _half_made(chronicle):
        shutil.rmtree(path, ignore_errors=True)
    folder = whoosh_dir(chronicle)
    try:
        listing = list(os.scandir(folder))
    except OSError:
        return
    for item in listing:
        if item.name.endswith(".tmp") and item.is_dir(follow_symlinks=False):
            shutil.rmtree(item.path, ignore_errors=True)


def _clear_leftovers_if_free(chronicle: Location) -> None:
    """`_clear_leftovers`, if the update lock is free at once; else another command is
    at work (perhaps filling a generation), and a later one clears them."""
    with contextlib.suppress(IndexBusyError, OSError), locked(chronicle, 0.0):
        _clear_leftovers(chronicle)


def _apply(
    folder: Path,
    catalog: Catalog,
    report: SyncReport,
    progress: Progress | None,
    lock_timeout: float,
    *,
    catching_up: bool = False,
    work: marks.PendingIndexWork | None = None,
) -> None:
    """Apply the catalog's pending changes (or ``work``, then left to the caller to
    mark) to the index in ``folder``, and record them in the catalog."""
    from whoosh import index as whoosh_index
    from whoosh.writing import LockError

    from chronicle.index import building

    mark = work is None
    work = marks.pending(catalog) if work is None else work
    if not len(work):
        return
    if catching_up and len(work) >= feedback.LARGE_CATCH_UP:
        feedback.announce(
            f"Updating the search index: {len(work):,} entries changed since it was last "
            "updated.",
            report.notices,
        )
    ix = whoosh_index.open_dir(str(folder), indexname=index_name())
    quiet = contextlib.ExitStack()
    try:
        parallel = work.upsert_count >= PARALLEL_THRESHOLD
        replacing = parallel and not work.whole and ix.doc_count_all() > 0
        try:
            if parallel:
                # Two processes, one segment each: Whoosh's fastest build on two cores.
                # Workers are forked as documents come: quiet from here to the end.
                quiet.enter_context(_quiet_workers())
                writer = building.parallel_writer(
                    ix, procs=2, multisegment=True, timeout=lock_timeout,
                    batchsize=PARALLEL_BATCH,
                    **{**WRITER_OPTIONS, "limitmb": PARALLEL_LIMIT_MB})
                _guard_workers(writer)
            else:
                writer = building.writer(ix, timeout=lock_timeout, **WRITER_OPTIONS)
        except LockError:
            raise IndexBusyError(
                "the search index is locked by another program",
                hint="wait for it to finish and try again",
            ) from None
        try:
            total = len(work)
            done = 0
            for relpath, _sig, _entry_id in work.delete:
                writer.delete_by_term("path", relpath)
                done += 1
            for relpath, _sig, entry in work.upserts():
                document = entry_document(relpath, entry)
                if parallel:
                    if replacing:  # in the segments on disk, here; the new one there
                        writer.delete_by_term("path", relpath)
                    writer.add_document(**document)
                else:
                    writer.update_document(**document)
                done += 1
                if progress and (done % 50 == 0 or done == total):
                    progress("Indexing", done, total)
            if progress:
                progress("Saving the index", total, total)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise
    finally:
        quiet.close()
        ix.close()
    # Written just now under the lock: what may be trusted until something else touches
    # these files. (Without the record, the next check walks them.)
    _record_written(folder)
    if not mark:
        return
    marks.mark_indexed(catalog, work)
    report.indexed = len(work.upserted)
    report.unindexed = len(work.delete)


class WorkerLostError(ChronicleError):
    """A worker process of a parallel index build ended before its work was done."""


def _guard_workers(writer: Any) -> None:
    """Make a parallel Whoosh writer fail, not hang or lose documents, when one of its
    worker processes dies (killed, out of memory, a crash).

    Whoosh's ``MpWriter`` hands documents to its workers through a bounded queue and
    waits on it without a timeout, so a dead worker leaves the build blocked for good;
    at commit it takes each worker's result with a one-second timeout and silently
    skips a missing one, which would drop that worker's documents from an index the
    catalog then records as complete. Here both queues are wrapped: a hand-over waits in
    short steps and checks the workers between them, and a missing result is an error.
    The build then fails as a whole and the index in use stays as it was.
    """
    writer.jobqueue = _WatchedQueue(writer.jobqueue, writer)
    writer.resultqueue = _WatchedQueue(writer.resultqueue, writer)


class _WatchedQueue:
    """A ``multiprocessing.Queue`` whose parent-side ``put`` and ``get`` notice dead
    workers, and whose workers' ``get`` notices a dead parent; everything else passes
    through. (The workers are forked with this object: ``_parent`` tells the sides.)"""

    STEP_S = 0.5
    RESULT_WAIT_S = 30.0

    def __init__(self, queue: Any, writer: Any) -> None:
        self._queue = queue
        self._writer = writer
        self._parent = os.getpid()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_queue", "_writer", "_parent"):
            raise AttributeError(name)
        return getattr(self._queue, name)

    def _check(self) -> None:
        for task in getattr(self._writer, "tasks", []):
            code = task.exitcode
            if code is not None and code != 0:
                self._stop_workers()
                if code in (130, -2):  # the worker was interrupted: so is the build
                    raise KeyboardInterrupt
                raise WorkerLostError(
                    f"a worker process building the search index ended early "
                    f"(exit code {code}); the index in use is unchanged",
                    hint="run `chronicle index --rebuild` again",
                )

    def _stop_workers(self) -> None:
        """End the workers still waiting for work, so none is left behind."""
        for task in getattr(self._writer, "tasks", []):
            if task.is_alive():
                task.terminate()
                task.join(5)

    def _worker_get(self) -> Any:
        """A worker's wait for its next job, for as long as it takes, but no longer than
        its parent lives: a worker of a killed build ends (on Linux the kernel ends it at
        once, `children.die_with_parent`; this is the check everywhere else)."""
        import queue

        while True:
            try:
                return self._queue.get(True, self.STEP_S)
            except queue.Empty:
                if os.getppid() != self._parent:
                    os._exit(1)

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        import queue

        if os.getpid() != self._parent:  # a worker's result
            self._queue.put(item, block, timeout)
            return

        while True:
            self._check()
            try:
                self._queue.put(item, True, self.STEP_S)
                return
            except queue.Full:
                continue

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        import queue

        if os.getpid() != self._parent:
            return self._worker_get()
        self._check()
        try:
            return self._queue.get(True, max(timeout or 0.0, self.RESULT_WAIT_S))
        except queue.Empty:
            self._stop_workers()
            raise WorkerLostError(
                "a worker process building the search index gave no result; "
                "the index in use is unchanged",
                hint="run `chronicle index --rebuild` again",
            ) from None


#: Set (to this process's id) while Whoosh's worker processes may be forked: they then
#: leave Ctrl-C to the parent, which reports it, end quietly instead of printing their
#: own tracebacks, and end with the parent if it is killed outright (they would hold the
#: update lock they inherited).
_QUIET_WORKERS: int | None = None


def _quiet_worker_after_fork() -> None:
    if _QUIET_WORKERS is not None:
        import signal

        from chronicle.children import die_with_parent

        signal.signal(signal.SIGINT, lambda _signum, _frame: os._exit(130))
        die_with_parent(_QUIET_WORKERS)


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_quiet_worker_after_fork)


@contextlib.contextmanager
def _quiet_workers() -> Iterator[None]:
    global _QUIET_WORKERS
    _QUIET_WORKERS = os.getpid()
    try:
        yield
    finally:
        _QUIET_WORKERS = None


def update(
    chronicle: Location,
    *,
    rebuild: bool = False,
    optimize: bool = False,
    progress: Progress | None = None,
    lock_timeout: float = LOCK_TIMEOUT_S,
) -> SyncReport:
    """``chronicle index``: sync (or rebuild), waiting for another update if need be."""
    from chronicle.catalog import open_catalog

    notices: list[str] = []
    with open_catalog(chronicle, notices) as catalog:
        report = sync(chronicle, catalog, rebuild=rebuild, progress=progress,
                      lock_timeout=lock_timeout)
        if not report.rebuilt:
            try:
                probe(chronicle)
            except Exception as err:  # any failure to read derived data: rebuild it
                said: list[str] = []
                feedback.announce(str(err) if isinstance(err, IndexDamagedError)
                                  else unreadable_notice(err), said)
                discard(chronicle)
                report = sync(chronicle, catalog, rebuild=True, progress=progress,
                              lock_timeout=lock_timeout)
                report.notices[:0] = said
        if report.rebuilt:
            report.invalid = len({problem.path for problem in catalog.problems()})
    report.notices[:0] = notices
    if optimize:
        started = time.perf_counter()
        optimize_index(chronicle, lock_timeout)
        report.seconds += time.perf_counter() - started
    return report


def optimize_index(chronicle: Location, lock_timeout: float = LOCK_TIMEOUT_S) -> None:
    """Merge the index into one segment (faster searches after many small updates)."""
    from whoosh import index as whoosh_index

    with locked(chronicle, lock_timeout):
        ix = whoosh_index.open_dir(str(whoosh_dir(chronicle)), indexname=index_name())
        try:
            from chronicle.index import building

            writer = building.writer(ix, timeout=lock_timeout, **WRITER_OPTIONS)
            writer.commit(optimize=True)
        finally:
            ix.close()
        _record_written(whoosh_dir(chronicle))


@contextlib.contextmanager
def open_searcher(chronicle: Location) -> Iterator[Any]:
    """A Whoosh searcher on the current index, scored by `chronicle_weighting`: the
    one built in memory for this chronicle, if any, else the one on disk."""
    from whoosh import index as whoosh_index

    memory = _in_memory.get(chronicle.index_dir)
    if memory is not None:
        with memory.searcher(weighting=chronicle_weighting()) as searcher:
            yield searcher
        return
    ix = whoosh_index.open_dir(str(whoosh_dir(chronicle)), indexname=index_name())
    try:
        with ix.searcher(weighting=chronicle_weighting()) as searcher:
            yield searcher
    finally:
        ix.close()


#: Indexes built in memory by this process, per index folder, where none can be written.
_in_memory: dict[Path, Any] = {}


def usable_on_disk(chronicle: Location) -> bool:
    """Whether an index of this version is on disk to be read (perhaps out of date), and
    none of its files differs from what chronicle wrote."""
    folder = whoosh_dir(chronicle)
    return _state(folder)[0] == "ok" and _damaged_file(folder) is None


def build_in_memory(
    chronicle: Location, catalog: Catalog, progress: Progress | None = None
) -> None:
    """Index every valid entry of the catalog in memory, for this process's searches
    (`open_searcher` reads it), when neither ``index/`` nor the user's cache folder can
    be written. Nothing is written to disk and the catalog's marks are left alone."""
    from whoosh.filedb.filestore import RamStorage

    from chronicle.catalog.schema import load_entry

    class PrivateRamStorage(RamStorage):
        """Whoosh's storage in memory, with its writers' scratch space in memory too.
        Whoosh's own puts that space in the system's temp folder, named after the index
        alone: every process building such an index would share one folder (and
        delete it under the others), and a temp folder that cannot be written, as on
        the read-only disks this index exists for, would fail the build."""

        def temp_storage(self, name: str | None = None) -> RamStorage:
            return RamStorage()

    progress = feedback.progress(progress)
    ix = PrivateRamStorage().create_index(make_schema(), indexname=index_name())
    rows = catalog.db.execute("SELECT relpath, entry FROM files WHERE valid").fetchall()
    from chronicle.index import building

    writer = building.writer(ix)
    try:
        for done, (relpath, stored) in enumerate(rows, 1):
            writer.add_document(**entry_document(relpath, load_entry(stored)))
            if progress and (done % 50 == 0 or done == len(rows)):
                progress("Indexing in memory", done, len(rows))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    _in_memory[chronicle.index_dir] = ix


def probe(chronicle: Location) -> None:
    """Make sure the index's files are as chronicle wrote them; raise whatever reading
    them raises, or `IndexDamagedError`.

    Each file's stat signature and content digest are recorded when chronicle writes it
    (`VERIFIED_FILE`). A file whose signature is unchanged is trusted, as the
    catalog trusts an entry file (anything that empties, cuts or rewrites a file changes
    its signature: its ctime cannot be set back); one whose signature changed is read
    whole and its digest compared, so the same bytes rewritten (a copy, a restore) are
    trusted again and any other change is damage. Files with no recorded digest (an
    index written by an older chronicle, or a writer killed before it recorded them)
    are walked once: the table of contents, each segment, every stored document, each
    field's term list and the postings of its first and last terms; then recorded.
    """
    folder = whoosh_dir(chronicle)
    if _vouched_for(folder):
        return
    problem = _verify(folder)
    if problem is not None:
        raise IndexDamagedError(problem)


class IndexDamagedError(ChronicleError):
    """An index file differs from what chronicle wrote (its recorded digest)."""


def _walk(folder: Path) -> None:
    """Read every part of the index in ``folder`` once, cheaply; raise what that raises."""
    from whoosh import index as whoosh_index

    ix = whoosh_index.open_dir(str(folder), indexname=index_name())
    try:
        with ix.searcher() as searcher:
            reader = searcher.reader()
            for _ in reader.all_stored_fields():
                pass
            for fieldname in searcher.schema.names():
                if not searcher.schema[fieldname].indexed:
                    continue
                terms = list(reader.lexicon(fieldname))
                for term in {terms[0], terms[-1]} if terms else ():
                    for _ in reader.postings(fieldname, term).all_ids():
                        pass
    finally:
        ix.close()


def _file_signatures(folder: Path) -> dict[str, str]:
    """``{file name: signature}`` of the index's own files (not its lock, ours, or the
    folders of temporary files a writer makes and removes)."""
    from chronicle.store import file_signature

    name = index_name()
    found: dict[str, str] = {}
    try:
        listing = os.scandir(folder)
    except OSError:
        return found
    with listing:
        for item in listing:
            if (item.name.startswith((name, "_" + name)) and "LOCK" not in item.name):
                with contextlib.suppress(OSError):
                    stat = item.stat(follow_symlinks=False)
                    if S_ISREG(stat.st_mode):
                        found[item.name] = file_signature(stat)
    return found


#: ``{file name: [stat signature, content digest]}``, as recorded in `VERIFIED_FILE`.
Record = dict[str, list[str]]


def _digest(path: Path) -> str | None:
    """The SHA-256 of a file's bytes (about 0.25 s of CPU for a 100k index's 224 MB,
    hardware-assisted); None if it is gone."""
    import hashlib

    try:
        with open(path, "rb") as stream:
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except FileNotFoundError:
        return None


def _read_record(folder: Path) -> Record:
    import json

    try:
        data = json.loads((folder / VERIFIED_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
        return {}  # unreadable, or a record of signatures alone (no digests)
    return {
        name: value for name, value in data["files"].items()
        if isinstance(value, list) and len(value) == 2
        and all(isinstance(part, str) for part in value)
    }


def _write_record(folder: Path, record: Record) -> None:
    import json

    from chronicle.fileio import atomic_write_text

    with contextlib.suppress(OSError):  # a read-only index is checked every time
        atomic_write_text(folder / VERIFIED_FILE,
                          json.dumps({"files": record}, sort_keys=True))


def _vouched_for(folder: Path) -> bool:
    """Every index file has the stat signature recorded with its digest: no file read."""
    signatures = _file_signatures(folder)
    record = _read_record(folder)
    return bool(signatures) and len(signatures) == len(record) and all(
        record.get(name, ("",))[0] == signature for name, signature in signatures.items()
    )


def _damaged_file(folder: Path) -> str | None:
    """The first index file whose bytes differ from its recorded digest, if any. Files
    without a digest are not judged (they may be another process's, being written)."""
    record = _read_record(folder)
    for name, signature in _file_signatures(folder).items():
        known = record.get(name)
        if known is None or known[0] == signature:
            continue
        digest = _digest(folder / name)
        if digest is not None and digest != known[1]:
            return name
    return None


def damaged_notice(name: str) -> str:
    return (f"The search index was damaged ({name} is not as chronicle wrote it); "
            "rebuilding it.")


def _verify(folder: Path) -> str | None:
    """Under the update lock: check each index file against its recorded digest (or walk
    the index when some have none) and record what was found sound. Returns the notice
    to give when the index must be rebuilt, else None."""
    record = _read_record(folder)
    signatures = _file_signatures(folder)
    updated: Record = {}
    unknown: list[str] = []
    for name, signature in signatures.items():
        known = record.get(name)
        if known is not None and known[0] == signature:
            updated[name] = known
            continue
        digest = _digest(folder / name)
        if digest is None:
            continue
        if known is not None and digest != known[1]:
            return damaged_notice(name)
        if known is None:
            unknown.append(name)
        updated[name] = [signature, digest]
    if unknown:
        try:
            _walk(folder)
        except Exception as err:
            if isinstance(err, ChronicleError) or is_write_failure(err):
                raise
            return unreadable_notice(err)
    if updated != record:
        _write_record(folder, updated)
    return None


def _record_written(folder: Path) -> None:
    """After a commit under the update lock: record the files as they are now. A file
    recorded before keeps its digest (Whoosh never rewrites a file; a changed one is
    found damaged by the next check); a new file is read for its digest."""
    record = _read_record(folder)
    updated: Record = {}
    for name, signature in _file_signatures(folder).items():
        known = record.get(name)
        if known is not None:
            updated[name] = known
            continue
        digest = _digest(folder / name)
        if digest is not None:
            updated[name] = [signature, digest]
    _write_record(folder, updated)


def discard(chronicle: Location) -> None:
    """Forget the index (under the lock) so the next sync rebuilds it."""
    with locked(chronicle, LOCK_TIMEOUT_S):
        folder = whoosh_dir(chronicle)
        with contextlib.suppress(FileNotFoundError):
            (folder / IDENT_FILE).unlink()


_weighting_class: Any = None


def chronicle_weighting() -> Any:
    """BM25F with a damped idf, so match quality (exact, folded, variant, fuzzy boosts)
    decides the order before word rarity does."""
    global _weighting_class
    if _weighting_class is None:
        from math import log

        from whoosh.scoring import BM25F

        class DampedBM25F(BM25F):
            def idf(self, searcher: Any, fieldname: str, text: bytes) -> float:
                parent = searcher.get_parent()
                n = parent.doc_frequency(fieldname, text)
                count = parent.doc_count_all()
                return 1.0 + 0.25 * log(count / (n + 1) + 1)

        _weighting_class = DampedBM25F
    return _weighting_class()
