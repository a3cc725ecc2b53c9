"""Independent batches of work (parsing entry files) run in worker processes, one per
core, with the results handed back in the order of the batches.

The catalog's reading of changed files (`chronicle.catalog.reading`) and ``check``
(`chronicle.store.check_all`) both parse many files that do not depend on each other.
Here is what makes that safe for a command line program:

- results come back in batch order, so what the caller builds is the same as one
  process builds;
- only a few batches per worker are in flight, so what waits in memory stays small;
- a worker that dies (killed, out of memory) loses nothing: its batch, and every later
  one, is run in the calling process instead, and ``on_broken`` is told once;
- Ctrl-C reaches the whole process group: the workers ignore it (they never see it, not
  even while starting), the caller stops them and reports it;
- a caller killed outright takes its workers with it (`chronicle.children`).

Standard library only; no I/O of its own.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

#: How long stopping waits for the executor's thread to finish (it takes a moment).
STOP_WAIT_S = 5.0

Batch = TypeVar("Batch")
Result = TypeVar("Result")


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def in_order(job: Callable[[Batch], list[Result]], batches: Sequence[Batch], workers: int,
             on_broken: Callable[[], None] = lambda: None) -> Iterator[Result]:
    """``job(batch)`` for every batch, run by ``workers`` worker processes, its results
    yielded batch after batch in order. ``job`` must be picklable (a module's function,
    or a `functools.partial` of one)."""
    from concurrent.futures.process import BrokenProcessPool

    executor = pool(max(1, min(workers, len(batches))))  # never more than there is work for
    # A few jobs ahead per worker, never all: what waits to be used stays small.
    waiting: deque[tuple[Batch, Future[list[Result]] | None]] = deque()
    sent = 0
    broken = False
    finished = False
    try:
        while sent < len(batches) or waiting:
            while sent < len(batches) and len(waiting) < 2 * workers:
                future: Future[list[Result]] | None = None
                if not broken:
                    try:
                        with _deaf_to_ctrl_c():  # workers start here, on the first jobs
                            future = executor.submit(job, batches[sent])
                    except (BrokenProcessPool, RuntimeError):
                        broken = True
                        on_broken()
                waiting.append((batches[sent], future))
                sent += 1
            batch, future = waiting.popleft()
            results: list[Result] | None = None
            if future is not None:
                try:
                    results = future.result()
                except BrokenProcessPool:
                    if not broken:
                        on_broken()
                    broken = True
            if results is None:
                results = job(batch)
            yield from results
        finished = True
    finally:
        if finished:
            executor.shutdown(wait=True)
        else:
            stop(executor)


def pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # Forked on Linux: workers start at once with everything imported, and a program
    # using chronicle as a library need not guard its main module (started afresh,
    # workers would run it again). They fork at the first job, before a progress bar
    # starts its thread, and only parse. Elsewhere the platform's default (spawn).
    context = multiprocessing.get_context(
        "fork" if sys.platform.startswith("linux") else None
    )
    return ProcessPoolExecutor(max_workers=workers, mp_context=context,
                               initializer=_worker_started, initargs=(os.getpid(),))


def stop(executor: ProcessPoolExecutor) -> None:
    """End the workers now, not after the jobs they hold (Ctrl-C, an error here)."""
    # The results pipe, read by the executor's own thread while the workers write, and
    # that thread (both are forgotten by the shutdown).
    writer = getattr(getattr(executor, "_result_queue", None), "_writer", None)
    manager = getattr(executor, "_executor_manager_thread", None)
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14
    if terminate is not None:
        terminate()
    else:
        processes = list((getattr(executor, "_processes", None) or {}).values())
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
    # A worker ended in the middle of sending its results leaves part of a message in
    # the pipe, and the thread reading it would wait for the rest for ever, keeping the
    # process from exiting. This process holds the last end that writes: closed, the
    # reader meets the end of the pipe once the workers are gone, and gives up.
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()
    # Let that thread finish now: at exit, Python 3.11 would otherwise wake it through a
    # pipe it may be closing at that very moment, and print a traceback.
    if manager is not None:
        manager.join(timeout=STOP_WAIT_S)


@contextlib.contextmanager
def _deaf_to_ctrl_c() -> Iterator[None]:
    """Hold back SIGINT while workers start: a process inherits the signal mask, so they
    never see it, not even before `_worker_started` runs; here it arrives a moment later.
    """
    import signal

    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _worker_started(parent: int) -> None:
    # Ctrl-C reaches the whole process group: the parent reports it and stops the
    # workers, which must not print tracebacks of their own. A parent killed outright
    # cannot stop them: they end with it.
    import signal

    from chronicle.children import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)
