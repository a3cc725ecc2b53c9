"""Running ``chronicle watch`` as a background process: started on demand, asked how it
is, stopped.

A command that asked for the watcher and found none (`chronicle.watcher.unanswered`)
starts one as it ends, the way git starts its file-system monitor when
``core.fsmonitor=true``: always with ``watch: true`` in chronicle.yaml or
``CHRONICLE_WATCH=1`` (the environment wins), never with ``false``/``0``, and by default
(``auto``) when the command's full check of ``entries/`` covered at least
`chronicle.config.AUTO_WATCH_FILES` entry files on a local disk (`local_disk`: on a
network or FUSE file system another computer's changes raise no file event, so a watcher
is only ever started there when asked for). That command has done its own scan; the
next ones get the watcher's answer. Starting as the command ends means the two never
scan at once, and the command never waits for the watcher: it only forks a shell that
puts the watcher in the background (its own session, stdio to ``index/watch.log``, no
parent to outlive) and exits at once.

One watcher per chronicle: ``index/watch.lock`` is held (``flock``) by the watcher for
its whole life. A command takes it before starting one and hands it to the new process,
so two commands ending at once start one watcher, and none is started while one runs,
starts, or stops. The lock file's text says who holds it (pid, host, since when, how it
was started) and, once it ends, why it stopped; a watcher that failed to start is not
started again on demand for `FAILED_BACKOFF_S`.

A watcher started on demand stops by itself after `ON_DEMAND_IDLE_S` without a command
asking, and whenever it can no longer serve (`chronicle.watcher.Watcher`); the next
command then starts another.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from chronicle.config import AUTO_WATCH_FILES, CONFIG_NAME, WATCH_ENV, Location
from chronicle.errors import ChronicleError, ConfigError
from chronicle.records import Record

LOCK_NAME = "watch.lock"
LOG_NAME = "watch.log"
#: A log over this size is emptied when the next watcher starts.
LOG_LIMIT = 1 << 20
#: A watcher started on demand stops after this long without a command asking.
ON_DEMAND_IDLE_S = 8 * 3600.0
#: After a watcher failed to start, commands do not try again on demand for this long.
FAILED_BACKOFF_S = 600.0
#: How long ``chronicle watch --stop`` waits for the watcher to end.
STOP_WAIT_S = 15.0

ON_DEMAND = "on demand"
DETACHED = "chronicle watch --detach"
FOREGROUND = "chronicle watch"

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_AUTO = "auto"

#: File systems on which the kernel's file events report every change: local disks,
#: memory, and overlays of them. On others (NFS, SMB, Ceph, FUSE, 9p, virtiofs, ...) a
#: change made by another computer, or by the host under a virtual machine, raises no
#: event, so a watcher there would vouch for entries it never saw change.
LOCAL_FILESYSTEMS = frozenset({
    "ext2", "ext3", "ext4", "xfs", "btrfs", "f2fs", "zfs", "bcachefs", "jfs", "reiserfs",
    "nilfs2", "tmpfs", "ramfs", "overlay", "vfat", "exfat", "ntfs3", "hfsplus", "apfs",
})


def on_demand(chronicle: Location, environ: Mapping[str, str] | None = None,
              files: int | None = None) -> bool:
    """Whether a command whose full check covered ``files`` entry files (None: it made
    no full check) starts a watcher when none answers."""
    wanted = setting(chronicle, environ)[0]
    if wanted is None:
        return (files is not None and files >= AUTO_WATCH_FILES
                and local_disk(chronicle.entries_dir))
    return wanted


def setting(chronicle: Location, environ: Mapping[str, str] | None = None
            ) -> tuple[bool | None, str]:
    """``(wanted, where that was said)`` for starting the watcher on demand: True
    always, False never, None on a large chronicle on a local disk (``auto``, the
    default)."""
    environ = os.environ if environ is None else environ
    value = environ.get(WATCH_ENV, "").strip()
    if value:
        if value.lower() in _TRUE:
            return True, f"${WATCH_ENV}={value}"
        if value.lower() in _FALSE:
            return False, f"${WATCH_ENV}={value}"
        if value.lower() == _AUTO:
            return None, f"${WATCH_ENV}={value}"
        raise ConfigError(f"${WATCH_ENV}: {value!r} is not one of 1, 0, true, false, "
                          "yes, no, on, off, auto")
    wanted = chronicle.config.watch
    if wanted is not None:
        return wanted, f"{CONFIG_NAME}: watch: {'true' if wanted else 'false'}"
    return None, f"the default; watch: in {CONFIG_NAME} or ${WATCH_ENV} can say otherwise"


def filesystem_type(path: Path, mountinfo: bytes | None = None) -> str | None:
    """The type of the file system ``path`` is on (``ext4``, ``nfs4``, ``fuse.sshfs``),
    from Linux's mount table (``mountinfo``: that table's text, read when not given);
    None where there is none to read."""
    found = _mounts(path, mountinfo)
    return None if found is None else found[0]


def local_disk(path: Path, mountinfo: bytes | None = None) -> bool:
    """True when every change under ``path`` raises a file event: it is on a local file
    system, and so is anything mounted below it."""
    if mountinfo is None:
        mountinfo = _mount_table()  # read once for both questions
    if filesystem_type(path, mountinfo) not in LOCAL_FILESYSTEMS:
        return False
    found = _mounts(path, mountinfo)
    return found is not None and all(kind in LOCAL_FILESYSTEMS for kind in found[1])


def _mounts(path: Path, mountinfo: bytes | None) -> tuple[str | None, list[str]] | None:
    """The type of the file system ``path`` is on, and the types of those mounted below
    it, as the mount table leaves them visible; None without a table."""
    if mountinfo is None:
        mountinfo = _mount_table()
    try:
        real = os.fsencode(os.path.realpath(path))
    except (OSError, ValueError):
        return None
    if mountinfo is None:
        return None
    visible: list[tuple[bytes, str]] = []
    for line in mountinfo.splitlines():
        fields, dash, rest = line.partition(b" - ")
        parts = fields.split(b" ")
        if not dash or len(parts) < 5:
            continue
        mount = _unescape(parts[4])
        kind = rest.split(b" ", 1)[0].decode("utf-8", "replace")
        # A mount hides whatever was mounted at or below its place before it.
        visible = [(place, seen) for place, seen in visible if not _inside(place, mount)]
        visible.append((mount, kind))
    holding = [(place, kind) for place, kind in visible if _inside(real, place)]
    if not holding:
        return None
    here = max(holding, key=lambda found: len(found[0]))[1]
    below = [kind for place, kind in visible if place != real and _inside(place, real)]
    return here, below


def _mount_table() -> bytes | None:
    """Linux's mount table as this process sees it; None where there is none."""
    try:
        with open("/proc/self/mountinfo", "rb") as handle:
            return handle.read()
    except OSError:
        return None


def _inside(path: bytes, folder: bytes) -> bool:
    return folder == b"/" or path == folder or path.startswith(folder.rstrip(b"/") + b"/")


def _unescape(field: bytes) -> bytes:
    """A mount table field, whose space, tab, newline and backslash are octal escapes."""
    if b"\\" not in field:
        return field
    import re

    return re.sub(rb"\\([0-7]{3})", lambda match: bytes([int(match[1], 8)]), field)


# -- the lock ---------------------------------------------------------------------------


class WatchLock:
    """``index/watch.lock``, held by the chronicle's one watcher for its whole life."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd = fd
        self.path = path

    @classmethod
    def acquire(cls, chronicle: Location, wait: float = 0.0) -> WatchLock | None:
        """The lock, or None when another process holds it (after ``wait`` seconds)."""
        import fcntl

        path = chronicle.index_dir / LOCK_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return cls(fd, path)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return None
                time.sleep(0.05)
            except BaseException:
                os.close(fd)
                raise

    def owns_path(self) -> bool:
        """True while ``index/watch.lock`` is still this file (not removed, not replaced)."""
        try:
            here, held = os.stat(self.path), os.fstat(self.fd)
        except OSError:
            return False
        return (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino)

    def read(self) -> dict[str, Any]:
        return _parse_record(os.pread(self.fd, 65536, 0))

    def record(self, **fields: Any) -> None:
        """Write the watcher's record (who holds the lock, then why it stopped)."""
        data = (json.dumps(fields) + "\n").encode()
        with contextlib.suppress(OSError):
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)

    def close(self) -> None:
        """Let go of this process's hold (a process it was handed to keeps it)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _parse_record(data: bytes) -> dict[str, Any]:
    try:
        record = json.loads(data or b"{}")
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def read_record(chronicle: Location) -> dict[str, Any]:
    """The lock file's record: the running watcher's, else the last one's."""
    try:
        return _parse_record((chronicle.index_dir / LOCK_NAME).read_bytes()[:65536])
    except OSError:
        return {}


def is_running(chronicle: Location) -> bool:
    """True while a watcher holds the chronicle's lock (running, starting or stopping)."""
    import fcntl

    try:
        fd = os.open(chronicle.index_dir / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
    return False


# -- starting ---------------------------------------------------------------------------


def start_wanted(chronicle: Location, files: int | None = None) -> bool:
    """Start a watcher for ``chronicle`` in the background if it is wanted (`on_demand`,
    after a full check of ``files`` entry files) and none runs; True when one was
    started. Costs the command a fork of ``/bin/sh``."""
    if os.name != "posix" or not on_demand(chronicle, files=files):
        return False
    index_dir = chronicle.index_dir
    if not (os.access(chronicle.entries_dir, os.W_OK) and os.access(index_dir, os.W_OK)):
        return False  # a read-only chronicle: the watcher could not write its cookies
    try:
        lock = WatchLock.acquire(chronicle)
    except OSError:
        return False
    if lock is None:
        return False  # one runs, starts or stops
    try:
        last = lock.read()
        if last.get("failed") and time.time() - float(last.get("stopped") or 0) < FAILED_BACKOFF_S:
            return False
        start_in_background(chronicle, lock, how=ON_DEMAND, idle_exit=ON_DEMAND_IDLE_S)
    except OSError:
        return False
    finally:
        lock.close()
    return True


def start_in_background(chronicle: Location, lock: WatchLock, *, how: str,
                        idle_exit: float | None) -> int:
    """Start ``python -m chronicle.watch_control`` detached, handing it ``lock``; its
    process id. The shell in between exits at once, so the watcher has no parent to
    outlive (no zombie, no terminal's child) and this process waits for nothing else."""
    import subprocess

    log = chronicle.index_dir / LOG_NAME
    with contextlib.suppress(OSError):
        if log.stat().st_size > LOG_LIMIT:
            os.truncate(log, 0)
    log_fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o600)
    command = [sys.executable, "-m", "chronicle.watch_control", str(chronicle.root),
               "--lock-fd", str(lock.fd), "--how", how]
    if idle_exit is not None:
        command += ["--idle-exit", repr(idle_exit)]
    try:
        shell = subprocess.run(
            ["/bin/sh", "-c", '"$@" >&2 & echo $!', "chronicle-watch", *command],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log_fd,
            pass_fds=(lock.fd,), start_new_session=True, cwd="/", check=False,
        )
    finally:
        os.close(log_fd)
    try:
        return int(shell.stdout.strip())
    except ValueError:
        raise OSError(f"could not start the watcher (the shell said {shell.stdout!r})") from None


# -- running ----------------------------------------------------------------------------


def serve(chronicle: Location, lock: WatchLock, *, how: str, idle_exit: float | None,
          log: Callable[[str], None]) -> str:
    """Run a watcher in this process until it stops; why it stopped. The lock's record
    says who runs, then why it stopped. Raises what `Watcher.run` raises (OSError: it
    could not watch; KeyboardInterrupt: Ctrl-C)."""
    import signal
    import socket
    import threading

    from chronicle.watcher import StopRequested, Watcher

    watcher = Watcher(chronicle, log=log, idle_exit=idle_exit, lock=lock)
    lock.record(pid=os.getpid(), host=socket.gethostname(), started=watcher.started,
                how=how, idle_exit=idle_exit, version=watcher.token)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, watcher.on_stop_signal)
    reason, failed = "stopped", False
    try:
        watcher.run()
        reason = watcher.stop_reason or "interrupted (Ctrl-C)"
        return reason
    except StopRequested:
        # Stopped in the middle of applying changes: the next command does the rest.
        reason = watcher.stop_reason or "asked to stop"
        return reason
    except KeyboardInterrupt:
        reason = "interrupted (Ctrl-C)"
        raise
    except BaseException as err:
        reason, failed = f"{type(err).__name__}: {err}", True
        raise
    finally:
        # Through the lock's own file: moved with the chronicle, or gone with index/.
        lock.record(**{**lock.read(), "stopped": time.time(), "reason": reason,
                       "failed": failed})


# -- stopping and asking ----------------------------------------------------------------


class Status(Record):
    __slots__ = ("running", "record", "answer", "on_demand", "setting", "filesystem")
    running: bool
    #: The lock file's record: the running watcher's, else the last one's (may be empty).
    record: dict[str, Any]
    #: What the watcher says of itself (`Watcher.describe`); None when it did not answer.
    answer: dict[str, Any] | None
    #: Started on demand: True always, False never, None on a large chronicle on a
    #: local disk (`on_demand`).
    on_demand: bool | None
    #: Where the on-demand setting comes from, or why it could not be read.
    setting: str
    #: The file system ``entries/`` is on (None: unknown).
    filesystem: str | None

    def __init__(self, running: bool, record: dict[str, Any], answer: dict[str, Any] | None,
                 on_demand: bool | None, setting: str, filesystem: str | None = None) -> None:
        self.running = running
        self.record = record
        self.answer = answer
        self.on_demand = on_demand
        self.setting = setting
        self.filesystem = filesystem


def status(chronicle: Location) -> Status:
    from chronicle.watcher import ask_status

    running = is_running(chronicle)
    try:
        wanted, where = setting(chronicle)
    except ConfigError as err:
        wanted, where = False, err.message
    return Status(running=running, record=read_record(chronicle),
                  answer=ask_status(chronicle, timeout=1.0) if running else None,
                  on_demand=wanted, setting=where,
                  filesystem=filesystem_type(chronicle.entries_dir))


def stop(chronicle: Location, wait: float = STOP_WAIT_S) -> dict[str, Any] | None:
    """Stop the running watcher and wait until it has ended; its record, or None when
    none runs. Raises ChronicleError when it runs on another host or does not end."""
    import signal
    import socket

    if not is_running(chronicle):
        return None
    record = read_record(chronicle)
    pid, host = record.get("pid"), record.get("host")
    if not isinstance(pid, int) or pid <= 0:
        raise ChronicleError("a watcher holds index/watch.lock but did not say its process id",
                             hint="try again in a moment")
    if host != socket.gethostname():
        raise ChronicleError(f"the watcher runs on another computer ({host}, pid {pid})",
                             hint="stop it there")
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        # A suspended watcher (SIGSTOP, Ctrl-Z) takes the signal only once it runs
        # again: wake it, as systemd and the shell's kill do.
        os.kill(pid, signal.SIGCONT)
    deadline = time.monotonic() + wait
    while is_running(chronicle):
        if time.monotonic() > deadline:
            raise ChronicleError(f"the watcher (pid {pid}) did not stop within {wait:g} s",
                                 hint=f"end it with: kill {pid}")
        time.sleep(0.05)
    return read_record(chronicle) or record


# -- the background process -------------------------------------------------------------


def _main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m chronicle.watch_control")
    parser.add_argument("root", type=Path)
    parser.add_argument("--lock-fd", type=int, required=True)
    parser.add_argument("--how", default=ON_DEMAND)
    parser.add_argument("--idle-exit", type=float, default=None)
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        stamp = time.strftime("%Y-%m-%d %H:%M:%S")
        sys.stderr.write(f"{stamp} [{os.getpid()}] {message}\n")
        sys.stderr.flush()

    from chronicle.config import find_chronicle

    lock = WatchLock(args.lock_fd, args.root / "index" / LOCK_NAME)
    try:
        chronicle = find_chronicle(args.root)
        lock.path = chronicle.index_dir / LOCK_NAME
        reason = serve(chronicle, lock, how=args.how, idle_exit=args.idle_exit, log=log)
    except KeyboardInterrupt:
        reason = "asked to stop"
    except (OSError, ChronicleError) as err:
        log(f"Error: {err}")
        if isinstance(err, ChronicleError):
            lock.record(**{**lock.read(), "stopped": time.time(), "reason": str(err),
                           "failed": True})
        return 1
    log(f"Stopped watching: {reason}.")
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
