"""Saying that ``chronicle watch`` exists, to a user whose commands each spend long
checking ``entries/`` for changes (as git says that the untracked cache or
``status -uno`` would help, when listing untracked files took long).

A command's full check (`chronicle.catalog.refreshing`) notes here how long it took.
As the command ends, `advise` writes one line on stderr when a check took at least
``SLOW_CHECK_S``, nobody has said whether to watch (neither ``watch:`` in
chronicle.yaml nor ``$CHRONICLE_WATCH``), stderr is a terminal (the hint is for a
person; a script's log gains nothing from it) and the chronicle's index folder, where
the watcher would work, can be written. It is said at most once a day per chronicle:
the time is kept in ``index/watch-advice``; when that file cannot be written the hint
is not given at all, rather than on every command.
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

#: The slow full checks of this process: chronicle root -> (chronicle, seconds, files).
slow_checks: dict[str, tuple[Location, float, int]] = {}


def note_check(chronicle: Location, seconds: float, files: int) -> None:
    """A full check of ``chronicle``'s ``files`` entry files took ``seconds``."""
    if seconds >= SLOW_CHECK_S:
        slow_checks[str(chronicle.root)] = (chronicle, seconds, files)


def hint(seconds: float, files: int) -> str:
    return (
        f"Hint: checking {files:,} entry files for changes took {seconds:.2f} seconds. "
        "'chronicle watch' follows entries/ so that commands need not: put 'watch: true' "
        "in chronicle.yaml to have one started when needed ('watch: false' hides this "
        "hint)."
    )


def advise(stream: TextIO, environ: Mapping[str, str] | None = None,
           now: float | None = None) -> None:
    """Write the hint for each chronicle whose check was slow, when it is due."""
    from chronicle.config import WATCH_ENV

    if not slow_checks:
        return
    checks = list(slow_checks.values())
    slow_checks.clear()
    environ = os.environ if environ is None else environ
    if environ.get(WATCH_ENV):
        return  # said either way
    try:
        if not stream.isatty():
            return
    except (AttributeError, ValueError):  # a closed or stand-in stream
        return
    now = time.time() if now is None else now
    for chronicle, seconds, files in checks:
        if chronicle.config.watch is None and _due(chronicle, now):
            try:
                stream.write(hint(seconds, files) + "\n")
                stream.flush()
            except (OSError, ValueError):
                return


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
