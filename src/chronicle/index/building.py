"""Whoosh writers that build the same index as Whoosh's own, in less time.

A chronicle entry becomes about 350 postings (two thirds of them in the word table), and
Whoosh handles each posting in pure Python several times over: into its sorting pool, out
to a temporary run file and back, and into the segment. Two of those steps cost far more
than they need to, and are replaced here without changing a byte of the index:

- **Run files in chunks.** Whoosh's pool writes each posting to its run files with its
  own ``pickle.dump`` call and reads it back with its own ``pickle.load``; here postings
  are pickled a list at a time (`RUN_CHUNK`). Sorting and merging are unchanged.
- **The terms table's pointers in arrays.** Until a segment's terms table is closed,
  Whoosh keeps each term's hash and position as a tuple of two ints in a list (about
  125 bytes a term, 25 MB or more for a worker's segment at 100,000 entries, held at
  the very end of a build); here they are kept in one array per bucket (16 bytes).
- **Missing length columns remembered.** While writing a segment Whoosh asks, for every
  posting, for the document's length in the posting's field; for a field that stores no
  lengths (the word table, ids, years) it looks for the column file on disk again each
  time, one ``stat`` per posting. Here the first answer is kept: a segment's files do
  not change while it is written.

`writer` and `parallel_writer` take the arguments of ``Index.writer``. Worker processes of
a parallel build use the same tuned writer.
"""

from __future__ import annotations

import pickle
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PerDocReader
from whoosh.filedb.filetables import OrderedHashWriter
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool, SegmentWriter

#: Postings pickled together in a run file. Reading merges every run at once and holds a
#: chunk of each: at 100,000 entries a worker writes about a hundred runs, so a chunk of
#: 256 postings (about 50 KB) keeps that under 6 MB.
RUN_CHUNK = 256


class _ChunkedPool(PostingPool):
    """Whoosh's posting pool with run files written and read a chunk at a time."""

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        # Whoosh's own estimate of the item's size (see PostingPool.add), without its
        # type assertions, which cost as much as the rest.
        self.fieldnames.add(item[0])
        self.currentsize += 150 + len(item[0]) + 2 * len(item[1]) + len(item[4] or b"")
        if self.currentsize > self.limit:
            self.save()
        self.current.append(item)

    def _write_run(self, f: Any, items: Iterable[Any]) -> None:
        chunk: list[Any] = []
        for item in items:
            chunk.append(item)
            if len(chunk) >= RUN_CHUNK:
                pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, f, pickle.HIGHEST_PROTOCOL)
        f.close()

    def _read_run(self, path: str) -> Iterator[Any]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = pickle.load(f)
                except EOFError:
                    return
                yield from chunk
        finally:
            f.close()
            self._remove_run(path)


class _Pairs:
    """One bucket of Whoosh's ``HashWriter``: the ``(hash, position)`` pair of each key
    added, in the order added, held in one array of integers."""

    __slots__ = ("_values",)

    def __init__(self) -> None:
        self._values = array("q")

    def append(self, pair: tuple[int, int]) -> None:
        self._values.extend(pair)

    def __len__(self) -> int:
        return len(self._values) // 2

    def __iter__(self) -> Iterator[tuple[int, int]]:
        values = iter(self._values)
        return zip(values, values, strict=True)


def _compact_terms_table(fieldwriter: Any) -> None:
    """Give a new segment's terms table buckets of `_Pairs` (before any term is added)."""
    if type(fieldwriter) is not W3FieldWriter:
        return
    table = fieldwriter._tindex
    if type(table) is OrderedHashWriter and not any(table.buckets):
        table.buckets = [_Pairs() for _ in table.buckets]


class _LengthsReader(W3PerDocReader):
    """Whoosh's per-document reader, remembering which length columns a segment lacks."""

    def _cached_reader(self, fieldname: str, column: Any) -> Any:
        try:
            return self._readers[fieldname]
        except KeyError:
            reader = super()._cached_reader(fieldname, column)
            self._readers[fieldname] = reader
            return reader


class TunedWriter(SegmentWriter):
    """``SegmentWriter`` with the chunked pool and the remembering lengths reader."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        _tune(self, kwargs)

    def per_document_reader(self) -> Any:
        if not self.perdocwriter.is_closed:
            raise RuntimeError("Per-doc writer is still open")
        if type(self.codec) is not W3Codec:
            return super().per_document_reader()
        return _LengthsReader(self.storage, self.get_segment())


def _tune(writer: SegmentWriter, kwargs: dict[str, Any]) -> None:
    writer.pool = _ChunkedPool(writer._tempstorage, writer.newsegment,
                               limitmb=kwargs.get("limitmb", 128))
    _compact_terms_table(writer.fieldwriter)


class _TunedTask(SubWriterTask):
    """A worker process of a parallel build, writing with `TunedWriter` (the loop is
    Whoosh's ``SubWriterTask.run``)."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = TunedWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        if self.multisegment:
            runname = None
            fieldnames = writer.pool.fieldnames
            segment = writer._finalize_segment()
        else:
            from whoosh.multiproc import finish_subsegment

            runname, fieldnames, segment = finish_subsegment(writer, self.kwargs.get("k", 64))
        self.resultqueue.put((runname, fieldnames, segment), timeout=5)


class _TunedMpWriter(MpWriter, TunedWriter):
    """Whoosh's ``MpWriter`` whose workers, and its own segment, use `TunedWriter`."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        MpWriter.__init__(self, ix, **kwargs)
        _tune(self, kwargs)

    def _new_task(self) -> _TunedTask:
        task = _TunedTask(self.storage, self.indexname, self.jobqueue, self.resultqueue,
                          self.subargs, self.multisegment)
        self.tasks.append(task)
        task.start()
        return task


def writer(ix: Any, **kwargs: Any) -> TunedWriter:
    """A writer in this process, as ``ix.writer(**kwargs)``."""
    return TunedWriter(ix, **kwargs)


def parallel_writer(ix: Any, procs: int, **kwargs: Any) -> MpWriter:
    """A writer with ``procs`` worker processes, as ``ix.writer(procs=procs, **kwargs)``.

    The workers are forked from this process and start with its memory, shared until
    written to: what this process freed but still holds is given back first, so that
    neither they nor it carry it through the build."""
    release_free_memory()
    return _TunedMpWriter(ix, procs=procs, **kwargs)


def release_free_memory() -> None:
    """Collect unreachable objects and hand the C library's free memory back to the
    system (``malloc_trim``, where the C library has it)."""
    import gc

    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


_trim: Any = False


def _malloc_trim() -> Any:
    """glibc's ``malloc_trim``, from the C library this process already has loaded; None
    elsewhere."""
    global _trim
    if _trim is False:
        import ctypes

        try:
            _trim = ctypes.CDLL(None).malloc_trim
        except (OSError, AttributeError):
            _trim = None
    return _trim
