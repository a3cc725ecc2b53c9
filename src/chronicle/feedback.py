"""Saying that long work starts, before it starts: a rebuild of the catalog or of the
search index, or a large catch-up, may take minutes on a big chronicle, and a command
that stays silent meanwhile looks hung.

The core calls `announce` where such work begins and reads `progress` for its
progress callback. A program that shows things as they happen (the CLI) installs a
listener with `listening`; without one, a notice goes to the list the caller reports
afterwards, as every other notice does. No I/O.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

from chronicle.records import FrozenRecord

Progress = Callable[[str, int, int], None]

#: From this many files to read or entries to index, a catch-up is announced.
LARGE_CATCH_UP = 1000


class Listener(FrozenRecord):
    __slots__ = ("notice", "progress")
    notice: Callable[[str], None]
    progress: Progress | None

    def __init__(self, notice: Callable[[str], None], progress: Progress | None = None) -> None:
        object.__setattr__(self, "notice", notice)
        object.__setattr__(self, "progress", progress)


_listener: ContextVar[Listener | None] = ContextVar("chronicle_feedback", default=None)


def announce(message: str, notices: list[str]) -> None:
    """Say ``message`` now to the listener, or else add it to ``notices``."""
    listener = _listener.get()
    if listener is None:
        notices.append(message)
    else:
        listener.notice(message)


def progress(given: Progress | None = None) -> Progress | None:
    """``given``, else the listener's progress callback (None when nobody listens)."""
    if given is not None:
        return given
    listener = _listener.get()
    return listener.progress if listener is not None else None


@contextlib.contextmanager
def listening(notice: Callable[[str], None], progress: Progress | None = None) -> Iterator[None]:
    """Within the block, notices are said through ``notice`` as the work begins, and
    work without a progress callback of its own reports through ``progress``."""
    token = _listener.set(Listener(notice, progress))
    try:
        yield
    finally:
        _listener.reset(token)
