"""One run of a command: its options given before the command, its `Environment`, its
output, and the one place an error becomes an exit status.

Nothing here imports Typer or Click: the Typer application (`chronicle.cli.app`) and
the fast path of ``python -m chronicle`` (`chronicle.commands.dispatch`) both run the
command bodies through it.
"""

from __future__ import annotations

import errno
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from chronicle.commands.environment import Environment
from chronicle.errors import ChronicleError, ExitCode

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from rich.console import Console

    from chronicle.api import Chronicle, Written
    from chronicle.config import Location
    from chronicle.model import Problem
    from chronicle.query import Filters


class Run:
    """Options given before the command (``chronicle --root X list``), and the run's
    `Environment`."""

    def __init__(
        self, root: Path | None = None, debug: bool = False, env: Environment | None = None
    ) -> None:
        self.root = root
        self.debug = debug
        self.env = env or Environment()


#: The runs under way, innermost last (one, or none outside a command).
_runs: list[Run] = []


@contextmanager
def running(run: Run) -> Iterator[Run]:
    """Within the block, the command bodies write through ``run``'s streams."""
    _runs.append(run)
    try:
        yield run
    finally:
        _runs.remove(run)


def current_run() -> Run:
    """The running command's `Run`; outside a command, a fresh one."""
    return _runs[-1] if _runs else Run()


def current_env() -> Environment:
    """The running command's `Environment`; outside a command, a fresh one."""
    return current_run().env


#: What runs once as a command begins under Typer (`begin_command`): the entry point
#: hands Ctrl-C back to Python there, having answered it itself while loading.
_beginning: list[Callable[[], None]] = []


def when_command_begins(action: Callable[[], None]) -> None:
    """Call ``action`` once, as the command Typer parsed begins (not for a help screen
    or a usage error, which need no hand-over)."""
    _beginning.append(action)


def begin_command() -> None:
    while _beginning:
        _beginning.pop()()


class CommandExit(Exception):  # noqa: N818 - an exit, as typer.Exit, not an error
    """Ends a command with ``code`` (its messages already written)."""

    def __init__(self, code: int = 0) -> None:
        super().__init__(code)
        self.code = code


def nothing_found(message: str | None = None) -> CommandExit:
    """The exit of a listing command that found nothing (exit 1, as ``search`` and grep
    do); ``message`` goes to stderr, in every format (None: the caller said it already).
    Machine-readable output is written before (``[]``)."""
    if message:
        note(message)
    return CommandExit(int(ExitCode.ERROR))


def nothing_matched(filters: Filters) -> str:
    """What a listing command says when no entry is left: none match, or none at all."""
    return "No entries match." if not filters.is_empty else "The chronicle has no entries yet."


def get_chronicle(root: Path | None = None) -> Location:
    """The chronicle the command works on: the command's --root, the global one, the default."""
    from chronicle.config import find_chronicle

    run = current_run()
    return find_chronicle(root or run.root, environ=run.env.environ)


def open_chronicle(root: Path | None = None) -> Chronicle:
    """The chronicle the command works on, opened (use it in a ``with`` block)."""
    from chronicle.api import Chronicle

    return Chronicle(get_chronicle(root))


@contextmanager
def without_gc() -> Iterator[None]:
    """Run without the cyclic garbage collector.

    Listing, exporting or importing thousands of entries builds objects that live until
    the command ends; each collection would walk all of them again (measured: half the
    time of a 100k-entry export, a tenth of a 9,000-entry timeline). Nothing there makes
    reference cycles worth collecting.
    """
    import gc

    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collecting() -> Iterator[None]:
    """Run with the cyclic garbage collector, inside `without_gc`: for work that makes
    short-lived reference cycles per entry."""
    import gc

    enabled = gc.isenabled()
    gc.enable()
    try:
        yield
    finally:
        if not enabled:
            gc.disable()


# Output ------------------------------------------------------------------------------

#: The progress bars of the commands running (one, or none outside a command).
_progress_bars: list[Any] = []


def close_progress() -> None:
    """Take the running command's progress bar off the terminal, before its output."""
    for bar in _progress_bars:
        bar.close()


@contextmanager
def saying_long_work() -> Iterator[None]:
    """Within the block, long work started implicitly (a rebuild of the catalog or the
    index, a large catch-up) is said on stderr as it begins, with a progress bar on a
    terminal: a command that stays silent for minutes looks hung."""
    from chronicle import feedback
    from chronicle.commands.progress import ProgressBar

    bar = ProgressBar(default_console=err_console)
    _progress_bars.append(bar)
    try:
        with feedback.listening(note, bar):
            yield
    finally:
        bar.close()
        _progress_bars.remove(bar)


def out_console() -> Console:
    """Data goes to stdout; colour only on a terminal and without NO_COLOR. (Any
    progress bar leaves the terminal first: a live bar redrawn amid output garbles it.)"""
    close_progress()
    return current_env().out_console()


def table_console() -> Console:
    """The console for tables: stdout's on a terminal, else one wide enough never to wrap."""
    close_progress()
    return current_env().table_console()


def err_console() -> Console:
    """Messages, warnings and progress go to stderr."""
    return current_env().err_console()


def report_error(err: ChronicleError) -> None:
    from rich.text import Text

    console = err_console()
    console.print(Text.assemble(("Error:", "bold red"), " ", err.message), soft_wrap=True)
    if err.hint:
        console.print(Text(f"Hint: {err.hint}", style="dim"), soft_wrap=True)


def report_skipped(problems: Iterable[Problem]) -> None:
    """One line on stderr per invalid entry file left out; the good entries go on."""
    for problem in problems:
        warn(f"skipped {problem}")


def report_written(written: Written) -> None:
    """The index's notices after a write, or the warning that it could not follow yet."""
    if written.index_warning:
        warn(written.index_warning)
    for line in written.notices:
        note(line)


def warn(message: str) -> None:
    _message(message, "yellow")


def note(message: str) -> None:
    _message(message, "dim")


def _message(message: str, style: str) -> None:
    # Written directly when Rich would add nothing (a pipe or file): one line of text.
    if current_env().write_message(message):
        return
    from rich.text import Text

    err_console().print(Text(message, style=style), soft_wrap=True)


def write_data(text: str) -> None:
    """Machine-readable output, written as is (never through Rich's markup or wrapping)."""
    close_progress()
    current_env().write_data(text)


def write_pieces(pieces: Iterable[Any], *, view: bool = False, encoded: bool = False
                 ) -> None:
    """`write_data` (or, with ``view``, `write_view`) of a text made a piece at a time;
    ``encoded``: of UTF-8 bytes (see `Environment.write_pieces`)."""
    close_progress()
    current_env().write_pieces(pieces, escape=view, encoded=encoded)


def write_rendered(text: str) -> None:
    """Text a renderer made for `out_console` (its styles and escapes done), written as
    is but for glyphs the stream cannot hold (`chronicle.glyphs`)."""
    from chronicle.glyphs import drawable

    close_progress()
    out = current_env().stdout_stream
    out.write(drawable(text, getattr(out, "encoding", None)))
    out.flush()


def write_view(text: str) -> None:
    """Plain text for people (a piped table, check's lines): control characters escaped,
    wherever it goes, since it is read on a terminal sooner or later, and glyphs drawn
    as the stream can hold them."""
    close_progress()
    current_env().write_pieces((text,), escape=True)


# Failures ----------------------------------------------------------------------------

#: The exit status after a closed pipe: what a shell reports for a tool ended by SIGPIPE.
BROKEN_PIPE_EXIT = 141


def quiet_broken_pipe() -> int:
    """Point stdout at /dev/null, so that flushing it at exit cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (a test's capture)
        pass
    return BROKEN_PIPE_EXIT


def failure_status(err: BaseException, debug: bool) -> int:
    """What ended a command, said on stderr in one line; the exit status. With
    ``debug`` the error is raised again (its traceback is wanted), except a closed pipe,
    which is no error."""
    if isinstance(err, BrokenPipeError):
        # The reader went away (`chronicle list | head -1`): end quietly, as tools
        # stopped by SIGPIPE do.
        return quiet_broken_pipe()
    if debug:
        raise err
    if isinstance(err, ChronicleError):
        report_error(err)
        return int(err.exit_code)
    if isinstance(err, KeyboardInterrupt) or _from_ctrl_c(err):
        err_console().print("Interrupted.")
        return int(ExitCode.INTERRUPTED)
    if not isinstance(err, Exception):
        raise err
    # A bug or an OS failure: one line, not a traceback, unless asked for. A full disk
    # or a refused permission is said in plain words, naming the file.
    system = os_error(err) if isinstance(err, OSError) else None
    report_error(system or ChronicleError(
        f"{type(err).__name__}: {err}",
        hint="run again with --debug for the full traceback",
    ))
    return int(ExitCode.ERROR)


def _from_ctrl_c(err: BaseException) -> bool:
    """Whether ``err`` is Ctrl-C that Python raised again as another error: in Python
    3.11 a KeyboardInterrupt inside a class's ``__set_name__`` (a dataclass's fields,
    while a module loads) becomes a RuntimeError caused by it."""
    cause, seen = err.__cause__, 0
    while cause is not None and seen < 100:
        if isinstance(cause, KeyboardInterrupt):
            return True
        cause, seen = cause.__cause__, seen + 1
    return False


#: Failures of the system, not of chronicle: said in the system's words, on one line.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}
_ACCESS_ERRNOS = {errno.EACCES, errno.EPERM}


def os_error(err: OSError) -> ChronicleError | None:
    """A full disk, a read-only file system or a refused permission as one line naming
    the file (``cannot write entries/x.yaml: no space left on device``); None for other
    OS errors, which stay errors of their own kind."""
    from chronicle.fileio import WriteFailure

    writing = isinstance(err, WriteFailure) or err.errno in _WRITE_ERRNOS
    if not (writing or err.errno in _ACCESS_ERRNOS):
        return None
    reason = err.strerror or os.strerror(err.errno or 0)
    reason = reason[:1].lower() + reason[1:]
    where = _shown_path(err.filename)
    if writing:
        message = f"cannot write {where}: {reason}" if where else f"cannot write: {reason}"
    else:
        message = f"cannot open {where}: {reason}" if where else reason
    return ChronicleError(message)


def _shown_path(name: Any) -> str | None:
    """A path as the user would type it: relative to the current folder when inside it."""
    if name is None:
        return None
    path = os.fsdecode(name)
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return path
    return path if relative.startswith("..") else relative


# After the command -------------------------------------------------------------------

def after_command(status: int | str | None) -> None:
    """What follows every command but an interrupted one: the watchers it asked for and
    did not find are started (when the settings want them, or by default on a large
    chronicle), and on a smaller one the once-a-day hint about ``chronicle watch`` is
    given after a slow check of entries/."""
    if status == int(ExitCode.INTERRUPTED):
        return
    _start_watchers()
    _advise_watching()


def _start_watchers() -> None:
    """Start ``chronicle watch`` in the background for a chronicle whose watcher this
    command asked for and did not find, when its settings want that (`watch: true`, or
    by default after a full check of many files): after the command's own work, so the
    two never scan at once. A start by default is said on a terminal's stderr."""
    watcher = sys.modules.get("chronicle.watcher")
    if watcher is None or not watcher.unanswered:
        return
    from chronicle.config import AUTO_WATCH_FILES, WATCH_ENV

    advice = sys.modules.get("chronicle.watch_advice")
    for chronicle in list(watcher.unanswered.values()):
        files = None if advice is None else advice.checked_files(chronicle)
        wanted = chronicle.config.watch
        if not (os.environ.get(WATCH_ENV) or wanted
                or (wanted is None and files is not None and files >= AUTO_WATCH_FILES)):
            continue  # not asked for: not even the module that starts it is loaded
        from chronicle import watch_control

        try:
            if (watch_control.start_wanted(chronicle, files=files) and files is not None
                    and advice is not None and watch_control.setting(chronicle)[0] is None):
                advice.started(sys.stderr, files)
        except ChronicleError as err:
            sys.stderr.write(f"Warning: {err}\n")
    watcher.unanswered.clear()


def _advise_watching() -> None:
    """Say once a day that ``chronicle watch`` exists, after a slow check of a smaller
    chronicle's entries/ (`chronicle.watch_advice`): on stderr, when it is a terminal."""
    advice = sys.modules.get("chronicle.watch_advice")
    if advice is not None and advice.checks:
        advice.advise(sys.stderr)
