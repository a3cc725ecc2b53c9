"""The update lock of the search index: one writer at a time, a bounded wait, released
by the kernel if its holder dies. Readers never take it.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from chronicle.errors import IndexBusyError

if TYPE_CHECKING:
    from chronicle.config import Location

LOCK_FILE = "search.lock"
#: How long an update waits for another process's update before giving up.
LOCK_TIMEOUT_S = 30.0


class UpdateLock:
    """An exclusive lock on ``index/search.lock`` with a bounded wait.

    Held by whoever writes the index, so two updates never race; released by the
    kernel if its holder dies. Readers never take it.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self.fd: int | None = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: rely on Whoosh's own lock
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        delay = 0.02
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                self.fd = fd
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(delay)
                delay = min(delay * 1.5, 0.25)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing releases the flock
            self.fd = None


@contextlib.contextmanager
def locked(chronicle: Location, timeout: float) -> Iterator[None]:
    lock = UpdateLock(chronicle.index_dir / LOCK_FILE, timeout)
    if not lock.acquire():
        raise IndexBusyError(
            f"another chronicle process has been updating the search index for over "
            f"{timeout:.0f} s",
            hint="wait for it to finish and try again",
        )
    try:
        yield
    finally:
        lock.release()
