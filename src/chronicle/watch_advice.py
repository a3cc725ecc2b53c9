"""What a command says about ``chronicle watch`` as it ends, on a terminal's stderr.

A command's full check of ``entries/`` (`chronicle.catalog.refreshing`) notes here how
many entry files it covered and how long it took. `chronicle.commands.running` reads
that as the command ends:

- a chronicle of at least `chronicle.config.AUTO_WATCH_FILES` entry files on a local
  disk gets a watcher started by default (`chronicle.watch_control.on_demand`), and
  `started` says so in one line;
- on a smaller chronicle whose check still took at least ``SLOW_CHECK_S`` (a slow disk),
  or a large one whose file system cannot be known (outside Linux), so none starts,
  `advise` says that ``watch: true`` exists, as git says that the untracked cache or
  ``status -uno`` would help when listing untracked files took long: when nobody has
  said whether to watch (neither ``watch:`` in chronicle.yaml nor ``$CHRONICLE_WATCH``)
  and the chronicle's index folder, where the watcher would work, can be written. That
  hint is given at most once a day per chronicle: the time is kept in
  ``index/watch-advice``; when that file cannot be written the hint is not given at all,
  rather than on every command.

Both are for a person: nothing is said when stderr is not a terminal.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from chronicle.config import Location

#: A full check that took this long (seconds) is worth a hint.
SLOW_CHECK_S = 0.5
#: At most one hint per chronicle in this many seconds.
ONCE_EVERY_S = 24 * 60 * 60
#: Under the chronicle's index folder: when the hint was last given.
MARKER_NAME = "watch-advice"

#: The full checks of this process: chronicle root -> (chronicle, seconds, files).
checks: dict[str, tuple[Location, float, int]] = {}


def note_check(chronicle: Location, seconds: float, files: int) -> None:
    """A full check of ``chronicle``'s ``files`` entry files took ``seconds``."""
    checks[str(chronicle.root)] = (chronicle, seconds, files)


def checked_files(chronicle: Location) -> int | None:
    """How many entry files this process's full check of ``chronicle`` covered (None:
    it made none)."""
    found = checks.get(str(chronicle.root))
    return None if found is None else found[2]


def hint(seconds: float, files: int) -> str:
    return (
        f"Hint: checking {files:,} entry files for changes took {seconds:.2f} seconds. "
        "'chronicle watch' follows entries/ so that commands need not: put 'watch: true' "
        "in chronicle.yaml to have one started when needed ('watch: false' hides this "
        "hint)."
    )


def started_text(files: int) -> str:
    return (
        f"Started a watcher in the background for these {files:,} entry files, so that "
        "the next commands need not check each one for changes (chronicle watch --status "
        "says more; 'watch: false' in chronicle.yaml turns this off)."
    )


def started(stream: TextIO, files: int) -> None:
    """Say that a watcher was started by default after a check of ``files`` files."""
    if _is_terminal(stream):
        _say(stream, started_text(files))


def advise(stream: TextIO, environ: Mapping[str, str] | None = None,
           now: float | None = None) -> None:
    """Write the hint for each smaller chronicle whose check was slow, when it is due."""
    from chronicle.config import AUTO_WATCH_FILES, WATCH_ENV

    slow = [check for check in checks.values() if check[1] >= SLOW_CHECK_S]
    checks.clear()
    if slow and any(files >= AUTO_WATCH_FILES for _, _, files in slow):
        from chronicle.watch_control import filesystem_type

        # A large chronicle gets a watcher by default where its file system is known
        # to be local; where none can be known (outside Linux) the hint still helps.
        slow = [check for check in slow
                if check[2] < AUTO_WATCH_FILES or filesystem_type(check[0].entries_dir) is None]
    if not slow:
        return
    environ = os.environ if environ is None else environ
    if environ.get(WATCH_ENV) or not _is_terminal(stream):
        return  # said either way, or not for a person
    now = time.time() if now is None else now
    for chronicle, seconds, files in slow:
        if chronicle.config.watch is None and _due(chronicle, now):
            if not _say(stream, hint(seconds, files)):
                return


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return False


def _say(stream: TextIO, line: str) -> bool:
    try:
        stream.write(line + "\n")
        stream.flush()
    except (OSError, ValueError):
        return False
    return True


def _due(chronicle: Location, now: float) -> bool:
    """Whether the hint is due for ``chronicle``; if so, remember it is given now."""
    index_dir = chronicle.index_dir
    if not (os.access(chronicle.entries_dir, os.W_OK) and os.access(index_dir, os.W_OK)):
        return False  # a read-only chronicle: a watcher could not work there
    marker = index_dir / MARKER_NAME
    try:
        given = os.stat(marker).st_mtime
    except FileNotFoundError:
        given = None
    except OSError:
        return False
    if given is not None and 0 <= now - given < ONCE_EVERY_S:
        return False
    try:
        fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            os.write(fd, f"{now:.0f}\n".encode())
        finally:
            os.close(fd)
        os.utime(marker, (now, now))
    except OSError:
        return False  # not remembered: better never said than said on every command
    return True
