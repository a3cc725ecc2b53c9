"""Knowing that nothing changed in entries/ without statting every file.

Every command must see every change a user made to ``entries/``. Without help that
means statting each entry file (about half a second at 100,000 entries). ``chronicle
watch`` runs a watcher that follows ``entries/`` through the operating system's file
events (inotify, FSEvents; through the watchfiles library) and keeps the catalog and the
search index in step as files change. A command then asks the watcher, over a Unix
socket in ``index/``, to confirm that everything up to now has been applied, and skips
the scan when it does.

The confirmation is exact, the way git's file-system monitor does it: on each request
the watcher writes a cookie file into ``entries/`` and answers only once that cookie's
own event has come through. Events arrive in order, so every change made before the
request (an editor's write in place included) has been seen and applied by then.
It vouches only for the catalog file it brought in step itself: the command sends its
catalog's instance token (made when the file was created), and a catalog created or
rebuilt since (``index/`` deleted, another version of chronicle) gets "no", then a
rescan by the watcher into it.

The scan stays the one that is always correct, and runs whenever the watcher cannot
vouch: no watcher, a stale socket, no answer in time, an error while applying changes.
A batch too large to trust (the kernel's event queue may have overflowed, which the
event library does not report) or any change to a folder makes the watcher rescan
everything itself before answering.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import socket

    from chronicle.config import Location

SOCKET_NAME = "watch.sock"
COOKIE_PREFIX = ".chronicle-watch-cookie-"
#: How long a command waits for the watcher's answer before scanning by itself.
ANSWER_TIMEOUT_S = 2.0
#: A batch of more changed paths than this is not trusted path by path: rescan all.
#: (The kernel queues 16,384 inotify events by default and drops the rest silently.)
RESCAN_ABOVE = 2000
#: How long the watcher waits for a request's cookie to come back before answering no.
COOKIE_TIMEOUT_S = 1.5
#: Milliseconds the event loop sleeps between looks for new events: the answer latency.
STEP_MS = 10


def socket_path(chronicle: Location) -> Path:
    return chronicle.index_dir / SOCKET_NAME


def confirm_current(chronicle: Location, instance: str,
                    timeout: float = ANSWER_TIMEOUT_S) -> bool:
    """True when a running watcher confirms that every change made to ``entries/``
    before this call is in the catalog ``instance`` (`Catalog.instance`) and the search
    index.

    False (scan instead) when there is no watcher, it does not answer within
    ``timeout`` seconds, or it cannot vouch for the entries: a watcher vouches only for
    the catalog file it has brought in step itself, never for one created or rebuilt
    since (another version of chronicle, a damaged file, ``index/`` deleted).
    """
    path = socket_path(chronicle)
    try:
        if not path.is_socket():
            return False  # no watcher: the common case costs one stat
    except OSError:
        return False
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(path))
            conn.sendall(b"sync " + instance.encode("ascii", "replace") + b"\n")
            reply = _read_line(conn)
    except OSError:
        return False
    return reply == b"ok"


def _read_line(conn: socket.socket, limit: int = 256) -> bytes:
    data = b""
    while b"\n" not in data and len(data) < limit:
        chunk = conn.recv(limit)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0].strip()


@dataclass
class _Request:
    conn: socket.socket
    cookie: str
    asked: float
    #: The instance of the catalog the command has open (`Catalog.instance`).
    instance: str


@dataclass
class Batch:
    """What one batch of file events asks of the catalog."""

    paths: set[str] = field(default_factory=set)  # entry files under entries/
    rescan: bool = False
    cookies: set[str] = field(default_factory=set)


def classify(entries_dir: Path, changed: Iterable[str], known_dirs: Callable[[str], bool]
             ) -> Batch:
    """Sort changed paths into entry files to refresh, cookies, and reasons to rescan.

    ``known_dirs(relpath)`` tells whether the catalog holds files below ``relpath``:
    a folder that was removed or renamed away is reported only by its own name.
    """
    from chronicle.store import ENTRY_SUFFIXES

    batch = Batch()
    root = str(entries_dir)
    for path in changed:
        if path == root:
            batch.rescan = True
            continue
        if not path.startswith(root + os.sep):
            continue
        rel = path[len(root) + 1 :].replace(os.sep, "/")
        parts = rel.split("/")
        if len(parts) == 1 and parts[0].startswith(COOKIE_PREFIX):
            batch.cookies.add(parts[0])
            continue
        if any(part.startswith(".") for part in parts[:-1]):
            continue  # inside a hidden folder: scans skip it too
        entry_name = not parts[-1].startswith(".") and parts[-1].endswith(ENTRY_SUFFIXES)
        if os.path.isdir(path):
            batch.rescan = True  # a folder appeared or was renamed in
        elif entry_name and os.path.lexists(path):
            batch.paths.add(rel)
        elif known_dirs(rel):
            batch.rescan = True  # a folder went or was renamed away
        elif entry_name:
            batch.paths.add(rel)  # an entry file went
    if len(batch.paths) > RESCAN_ABOVE:
        batch.rescan = True
    return batch


class Watcher:
    """Follows ``entries/`` and answers "is everything applied?" over a Unix socket."""

    def __init__(self, chronicle: Location, log: Callable[[str], None] = lambda _: None,
                 ) -> None:
        self.chronicle = chronicle
        self.entries_dir = chronicle.entries_dir.resolve()
        self.log = log
        self.stop_event = threading.Event()
        self.ready = threading.Event()
        self._requests: list[_Request] = []
        self._lock = threading.Lock()
        self._cookie_number = 0
        #: The instance of the catalog this watcher has brought in step (by a full scan)
        #: and keeps there; None until then, or after a failure.
        self._instance: str | None = None
        #: A command asked about another catalog instance: rescan into the current one.
        self._rescan_wanted = False
        self._server: socket.socket | None = None

    # -- the event loop --------------------------------------------------------------

    def run(self) -> None:
        """Watch until ``stop()``; raises OSError when the socket cannot be served."""
        self._server = self._listen()
        accepting = threading.Thread(target=self._accept_loop, daemon=True)
        try:
            while not self.stop_event.is_set() and self._watch_once(accepting):
                pass
        finally:
            self.stop_event.set()
            self._close_server()
            self._answer_all(b"no")

    def stop(self) -> None:
        self.stop_event.set()

    def _watch_once(self, accepting: threading.Thread) -> bool:
        """One life of the file watch: True when ``entries/`` was replaced (watch the new
        one), False when stopped (``stop()``, Ctrl-C)."""
        import watchfiles

        self.entries_dir.mkdir(parents=True, exist_ok=True)
        identity = _identity(self.entries_dir)
        started = False
        for changes in watchfiles.watch(
            self.entries_dir,
            watch_filter=None,
            debounce=400,
            step=STEP_MS,
            rust_timeout=250,
            yield_on_timeout=True,
            stop_event=self.stop_event,
            recursive=True,
            ignore_permission_denied=True,
            raise_interrupt=False,
        ):
            if not started:
                # The watch is in place: whatever changes from now on is reported, so
                # one full scan now leaves nothing unseen.
                started = True
                self._apply(Batch(rescan=True))
                if not accepting.is_alive():
                    accepting.start()
                self.ready.set()
                where = self.chronicle.relative(self.socket_file)
                self.log(f"Watching {self.entries_dir} ({where}).")
                continue
            if _identity(self.entries_dir) != identity:
                self.log("entries/ was replaced; watching it anew.")
                self._answer_all(b"no")
                return True
            paths = {path for _, path in changes}
            folders = _FolderLookup(self.chronicle)
            try:
                batch = classify(self.entries_dir, paths, folders)
            finally:
                folders.close()
            if self._rescan_wanted:
                self._rescan_wanted = False
                batch.rescan = True
            if batch.paths or batch.rescan:
                self._apply(batch)
            self._answer(batch.cookies)
        return False

    @property
    def socket_file(self) -> Path:
        return socket_path(self.chronicle)

    def _apply(self, batch: Batch) -> None:
        from chronicle.catalog import open_catalog
        from chronicle.index import sync

        started = time.perf_counter()
        notices: list[str] = []
        try:
            catalog = open_catalog(self.chronicle, notices)
            try:
                # Changes path by path are enough only for the catalog this watcher
                # filled; a catalog created or rebuilt since is filled by a full scan.
                rescan = batch.rescan or catalog.instance != self._instance
                self._instance = None
                report = sync(self.chronicle, catalog, trust_watcher=False,
                              paths=None if rescan else sorted(batch.paths))
                self._instance = catalog.instance
            finally:
                catalog.close()
        except Exception as err:  # noqa: BLE001 - the commands then scan by themselves
            self.log(f"Could not apply changes ({type(err).__name__}: {err}); "
                     "commands will scan by themselves until the next change.")
            self._answer_all(b"no")
            return
        for message in notices + report.notices:
            self.log(message)
        if report.added or report.updated or report.removed:
            what = "rescanned" if batch.rescan else "applied"
            self.log(f"{what}: {report.added} added, {report.updated} updated, "
                     f"{report.removed} removed, {report.invalid} invalid "
                     f"({time.perf_counter() - started:.2f} s)")

    # -- requests ----------------------------------------------------------------------

    def _listen(self) -> socket.socket:
        import socket as net

        path = self.socket_file
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() or path.is_symlink():
            try:
                with net.socket(net.AF_UNIX, net.SOCK_STREAM) as probe:
                    probe.settimeout(1.0)
                    probe.connect(str(path))
            except OSError:
                path.unlink()  # left by a watcher that died
            else:
                raise OSError(f"another watcher is already serving {path}")
        server = net.socket(net.AF_UNIX, net.SOCK_STREAM)
        old_mask = os.umask(0o177)  # only this user may ask
        try:
            server.bind(str(path))
        finally:
            os.umask(old_mask)
        server.listen(64)
        server.settimeout(0.25)
        return server

    def _close_server(self) -> None:
        if self._server is None:
            return
        with contextlib.suppress(OSError):
            bound = os.stat(self._server.getsockname())
            here = os.stat(self.socket_file)
            if (bound.st_ino, bound.st_dev) == (here.st_ino, here.st_dev):
                os.unlink(self.socket_file)
        self._server.close()
        self._server = None

    def _accept_loop(self) -> None:
        server = self._server
        while server is not None and not self.stop_event.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                self._expire()
                continue
            except OSError:
                return
            try:
                conn.settimeout(1.0)
                verb, _, instance = _read_line(conn).partition(b" ")
                if verb != b"sync" or not instance or not self.ready.is_set():
                    conn.sendall(b"no\n")
                    conn.close()
                    continue
                cookie = self._write_cookie()
            except OSError:
                conn.close()
                continue
            with self._lock:
                self._requests.append(_Request(conn, cookie, time.monotonic(),
                                               instance.decode("ascii", "replace")))
            self._expire()

    def _write_cookie(self) -> str:
        with self._lock:
            self._cookie_number += 1
            name = f"{COOKIE_PREFIX}{os.getpid()}-{self._cookie_number}"
        fd = os.open(self.entries_dir / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.close(fd)
        return name

    def _answer(self, cookies: set[str]) -> None:
        if not cookies:
            return
        with self._lock:
            done = [r for r in self._requests if r.cookie in cookies]
            self._requests = [r for r in self._requests if r.cookie not in cookies]
        for request in done:
            if request.instance == self._instance:
                self._reply(request, b"ok")
            else:
                # The command has a catalog this watcher did not fill (created or
                # rebuilt since): it scans, and the watcher rescans into that catalog.
                self._rescan_wanted = True
                self._reply(request, b"no")

    def _expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            late = [r for r in self._requests if now - r.asked > COOKIE_TIMEOUT_S]
            self._requests = [r for r in self._requests if r not in late]
        for request in late:
            self._reply(request, b"no")

    def _answer_all(self, reply: bytes) -> None:
        with self._lock:
            waiting, self._requests = self._requests, []
        for request in waiting:
            self._reply(request, reply)

    def _reply(self, request: _Request, reply: bytes) -> None:
        with contextlib.suppress(OSError):
            request.conn.sendall(reply + b"\n")
        request.conn.close()
        with contextlib.suppress(OSError):
            os.unlink(self.entries_dir / request.cookie)


class _FolderLookup:
    """``relpath -> the catalog holds files below it``; opens the catalog only when a
    path that is gone needs asking."""

    def __init__(self, chronicle: Location) -> None:
        self.chronicle = chronicle
        self.catalog: Any = None

    def __call__(self, relpath: str) -> bool:
        if self.catalog is None:
            from chronicle.catalog import open_catalog

            self.catalog = open_catalog(self.chronicle)
        return bool(self.catalog.has_files_below(relpath))

    def close(self) -> None:
        if self.catalog is not None:
            self.catalog.close()


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        stat = folder.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
