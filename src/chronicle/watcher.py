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

A watcher stops by itself when it can no longer serve: ``index/`` or the chronicle's
folder removed or moved, ``entries/`` or ``index/`` no longer writable, chronicle
upgraded or reinstalled under it, a command of another chronicle version asking, or
(when told to) no command asking for a long time. ``chronicle.watch_control`` starts it
in the background and stops it; asked to stop in the middle of applying changes
(SIGTERM, Ctrl-C), it drops that work whole, as a command interrupted does, and the
next command does it.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chronicle.records import Record

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
#: Seconds between the watcher's looks at whether it can still serve (see `Watcher`).
HEALTH_EVERY_S = 2.0

#: Chronicles whose watcher was asked for and not found (no socket, nobody listening)
#: in this process: `chronicle.watch_control.start_wanted` may start one.
unanswered: dict[Path, Location] = {}


class StopRequested(KeyboardInterrupt):
    """Raised in the middle of applying changes when the watcher is asked to stop
    (SIGTERM). A KeyboardInterrupt, so that the work in progress unwinds as on Ctrl-C:
    catalog and index stay whole, as they were or with the work done so far, and the
    next command does the rest."""


def version_token() -> str:
    """What a watcher and a command must share for the watcher to vouch: chronicle's
    version and the catalog's format (a command of another version gets "no", and the
    watcher stops so that one of its own version can start)."""
    from chronicle import __version__
    from chronicle.catalog.schema import version_stamp

    return f"{__version__}/{version_stamp()}".replace(" ", "_")


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
            unanswered[chronicle.root] = chronicle
            return False  # no watcher: the common case costs one stat
    except OSError:
        return False
    import socket

    request = f"sync {instance} {version_token()}\n".encode("ascii", "replace")
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            try:
                conn.connect(str(path))
            except (FileNotFoundError, ConnectionRefusedError):
                unanswered[chronicle.root] = chronicle  # left by a watcher that ended
                return False
            conn.sendall(request)
            reply = _read_line(conn)
    except OSError:
        return False
    return reply == b"ok"


def ask_status(chronicle: Location, timeout: float = ANSWER_TIMEOUT_S) -> dict[str, Any] | None:
    """What the running watcher says of itself (`Watcher.describe`); None when none
    answers."""
    import json
    import socket

    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(socket_path(chronicle)))
            conn.sendall(b"status\n")
            reply = _read_line(conn, limit=4096)
        answer = json.loads(reply)
    except (OSError, ValueError):
        return None
    return answer if isinstance(answer, dict) else None


def _read_line(conn: socket.socket, limit: int = 256) -> bytes:
    data = b""
    while b"\n" not in data and len(data) < limit:
        chunk = conn.recv(limit)
        if not chunk:
            break
        data += chunk
    return data.split(b"\n", 1)[0].strip()


class _Request(Record):
    __slots__ = ("conn", "cookie", "asked", "instance")
    conn: socket.socket
    cookie: str
    asked: float
    #: The instance of the catalog the command has open (`Catalog.instance`).
    instance: str

    def __init__(self, conn: socket.socket, cookie: str, asked: float, instance: str) -> None:
        self.conn = conn
        self.cookie = cookie
        self.asked = asked
        self.instance = instance


class Batch(Record):
    """What one batch of file events asks of the catalog."""

    __slots__ = ("paths", "rescan", "cookies")
    paths: set[str]  # entry files under entries/
    rescan: bool
    cookies: set[str]

    def __init__(self, paths: set[str] | None = None, rescan: bool = False,
                 cookies: set[str] | None = None) -> None:
        self.paths = set() if paths is None else paths
        self.rescan = rescan
        self.cookies = set() if cookies is None else cookies


def classify(entries_dir: Path, changed: Iterable[str], known_dirs: Callable[[str], bool]
             ) -> Batch:
    """Sort changed paths into entry files to refresh, cookies, and reasons to rescan.

    ``known_dirs(relpath)`` tells whether the catalog holds files below ``relpath``:
    a folder that was removed or renamed away is reported only by its own name.
    """
    from chronicle.store import ENTRY_SUFFIXES
    from chronicle.store.files import CHRONICLE_FILE

    batch = Batch()
    root = str(entries_dir)
    chronicles: dict[str, bool] = {}

    def in_another_chronicle(parts: list[str]) -> bool:
        # The scan leaves a chronicle inside entries/ (a folder holding chronicle.yaml)
        # to itself: its own work there is no change here.
        for depth in range(1, len(parts)):
            folder = "/".join(parts[:depth])
            if folder not in chronicles:
                chronicles[folder] = os.path.exists(
                    os.path.join(root, *parts[:depth], CHRONICLE_FILE))
            if chronicles[folder]:
                return True
        return False

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
        if parts[-1] == CHRONICLE_FILE and len(parts) > 1:
            batch.rescan = True  # a chronicle inside appeared or went: the scan says which
            continue
        if in_another_chronicle(parts):
            continue
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
    """Follows ``entries/`` and answers "is everything applied?" over a Unix socket.

    Every `HEALTH_EVERY_S` it checks that it can still serve, and stops when it cannot
    (`stop_reason` says why): its socket or ``lock`` (`chronicle.watch_control.WatchLock`)
    no longer in ``index/``, the chronicle's folder moved or removed, ``entries/`` or
    ``index/`` no longer writable, chronicle's installed files replaced, or no command
    asking for ``idle_exit`` seconds.
    """

    def __init__(self, chronicle: Location, log: Callable[[str], None] = lambda _: None,
                 *, idle_exit: float | None = None, lock: Any = None) -> None:
        self.chronicle = chronicle
        self.entries_dir = chronicle.entries_dir.resolve()
        self.log = log
        self.idle_exit = idle_exit
        self.lock = lock
        self.token = version_token()
        #: Why the watcher stopped by itself or was stopped; None while it runs.
        self.stop_reason: str | None = None
        self.started = time.time()
        self._last_request = time.monotonic()
        self._next_check = 0.0
        self._root = _identity(chronicle.root)
        self._installed = _installed_identity()
        self._bound: tuple[int, int] | None = None
        #: When the changes being applied now began to be (None: not applying).
        self.applying_since: float | None = None
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
        #: An entry whose changes may raise no event under entries/ (read through a link
        #: to elsewhere, or a file with other names): while there is one, every command
        #: is told to check the files itself. Set by each full scan and by each path
        #: applied that is such an entry.
        self.blind = ""
        self._server: socket.socket | None = None

    # -- the event loop --------------------------------------------------------------

    def run(self) -> None:
        """Watch until ``stop()``; raises OSError when the socket cannot be served."""
        self._server = self._listen()
        # Asked before the first scan is done, it answers "no" (and says so to --status).
        threading.Thread(target=self._accept_loop, daemon=True).start()
        try:
            while not self.stop_event.is_set() and self._watch_once():
                pass
        finally:
            self.stop_event.set()
            self._close_server()
            self._answer_all(b"no")

    def stop(self, reason: str | None = None) -> None:
        if reason is not None and self.stop_reason is None:
            self.stop_reason = reason
        self.stop_event.set()

    def on_stop_signal(self, signum: int, frame: object) -> None:
        """A signal handler (SIGTERM): stop, at once when in the middle of applying
        changes. Runs in the main thread, which `run` must then be running in."""
        import signal

        self.stop(f"asked to stop ({signal.Signals(signum).name})")
        if self.applying_since is not None:
            raise StopRequested

    def describe(self) -> dict[str, Any]:
        """What ``chronicle watch --status`` shows of a running watcher."""
        now = time.monotonic()
        return {
            "pid": os.getpid(),
            "started": self.started,
            "ready": self.ready.is_set(),
            "idle_s": round(now - self._last_request, 1),
            "idle_exit_s": self.idle_exit,
            "applying_s": (None if self.applying_since is None
                           else round(time.time() - self.applying_since, 1)),
            "version": self.token,
            "blind": self.blind,
        }

    def _cannot_serve(self) -> str | None:
        """Why this watcher can no longer serve its chronicle, if so."""
        now = time.monotonic()
        if now < self._next_check:
            return None
        self._next_check = now + HEALTH_EVERY_S
        where = self.chronicle.relative(self.chronicle.index_dir)
        if self.idle_exit is not None and now - self._last_request > self.idle_exit:
            return f"no command asked for {duration_text(self.idle_exit)}"
        if _identity(self.chronicle.root) != self._root:
            return f"the chronicle's folder {self.chronicle.root} was moved or removed"
        if self._bound is not None and _identity(self.socket_file) != self._bound:
            return f"{where}/ was removed or replaced (its {SOCKET_NAME} is gone)"
        if self.lock is not None and not self.lock.owns_path():
            return f"{where}/ was removed or replaced (its {self.lock.path.name} is gone)"
        for folder in (self.entries_dir, self.chronicle.index_dir):
            if not os.access(folder, os.W_OK):
                return f"{folder} can no longer be written (a read-only disk?)"
        if _installed_identity() != self._installed:
            return "chronicle was upgraded or reinstalled"
        return None

    def _watch_once(self) -> bool:
        """One life of the file watch: True when ``entries/`` was replaced (watch the new
        one), False when stopped (``stop()``, Ctrl-C)."""
        import watchfiles

        self.entries_dir.mkdir(exist_ok=True)
        if not os.access(self.entries_dir, os.W_OK):
            # Each request's cookie is written there: without it no answer can be "ok".
            raise PermissionError(f"cannot write in {self.entries_dir}")
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
                self.ready.set()
                where = self.chronicle.relative(self.socket_file)
                self.log(f"Watching {self.entries_dir} ({where}).")
                continue
            reason = self._cannot_serve()
            if reason is None and _identity(self.chronicle.root) != self._root:
                reason = f"the chronicle's folder {self.chronicle.root} was moved or removed"
            if reason is not None:
                self.log(f"Stopping: {reason}.")
                self.stop(reason)
                return False
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
        # From here a stop signal interrupts the work (`on_stop_signal`).
        self.applying_since = time.time()
        try:
            if self.stop_event.is_set():
                raise StopRequested
            catalog = open_catalog(self.chronicle, notices)
            try:
                # Changes path by path are enough only for the catalog this watcher
                # filled; a catalog created or rebuilt since is filled by a full scan.
                rescan = batch.rescan or catalog.instance != self._instance
                self._instance = None
                report = sync(self.chronicle, catalog, trust_watcher=False,
                              paths=None if rescan else sorted(batch.paths))
                self._instance = catalog.instance
                self._see(report.beyond, () if rescan else batch.paths)
            finally:
                catalog.close()
        except StopRequested:
            self.log("Stopped in the middle of applying changes; "
                     "the next command does the rest.")
            raise
        except Exception as err:  # noqa: BLE001 - the commands then scan by themselves
            self.log(f"Could not apply changes ({type(err).__name__}: {err}); "
                     "commands will scan by themselves until the next change.")
            self._answer_all(b"no")
            return
        finally:
            self.applying_since = None
        for message in notices + report.notices:
            self.log(message)
        if report.added or report.updated or report.removed:
            what = "rescanned" if batch.rescan else "applied"
            self.log(f"{what}: {report.added} added, {report.updated} updated, "
                     f"{report.removed} removed, {report.invalid} invalid "
                     f"({time.perf_counter() - started:.2f} s)")

    def _see(self, beyond: str | None, paths: Iterable[str]) -> None:
        """Note whether some entry can change without an event here: a full scan says
        (``beyond``); a path applied alone is looked at."""
        was = self.blind
        if beyond is not None:
            self.blind = beyond
        if not self.blind:
            self.blind = next((path for path in sorted(paths)
                               if _reached_elsewhere(self.entries_dir / path)), "")
        if self.blind and self.blind != was:
            self.log(f"entries/{self.blind} can change without a file event here (it is "
                     "a link, or a file with other names): commands check every file "
                     "themselves while it is there.")
            self._answer_all(b"no")

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
        self._bound = _identity(path)
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
                verb, _, rest = _read_line(conn).partition(b" ")
                if verb == b"status":
                    import json

                    conn.sendall(json.dumps(self.describe()).encode() + b"\n")
                    conn.close()
                    continue
                instance, _, token = rest.partition(b" ")
                if verb == b"sync" and not self.blind:
                    # Asked and able to help: not idle. A watcher that cannot vouch
                    # (``blind``) still ends after its idle limit.
                    self._last_request = time.monotonic()
                if verb == b"sync" and token.decode("ascii", "replace") != self.token:
                    conn.sendall(b"no\n")
                    conn.close()
                    # Its catalog and index may be of another format: a watcher of the
                    # command's own version must take over.
                    self.log("Stopping: a command of another version of chronicle asked "
                             f"({token.decode('ascii', 'replace') or 'unknown'}).")
                    self.stop("a command of another version of chronicle asked")
                    continue
                if (verb != b"sync" or not instance or not self.ready.is_set()
                        or self.blind):
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
            if self.blind:
                # Became unable to vouch after this request was taken: its answer too.
                self._reply(request, b"no")
            elif request.instance == self._instance:
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


def _reached_elsewhere(path: Path) -> bool:
    """Whether a change to the entry file ``path`` may be made through another path."""
    try:
        return path.is_symlink() or path.stat().st_nlink > 1
    except OSError:
        return False


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        stat = folder.stat()
    except OSError:
        return None
    return stat.st_dev, stat.st_ino


def _installed_identity() -> tuple[int, int, int] | None:
    """Which file chronicle's package was loaded from: an upgrade or reinstall replaces it."""
    import chronicle

    try:
        stat = os.stat(chronicle.__file__ or "")
    except OSError:
        return None
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def duration_text(seconds: float) -> str:
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} hour" + ("s" if seconds != 3600 else "")
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} minute" + ("s" if seconds != 60 else "")
    return f"{seconds:g} second" + ("s" if seconds != 1 else "")
