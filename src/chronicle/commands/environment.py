"""What a command takes from the world, in one object: streams, consoles, environment
variables, the clock and the editor (as httpie's ``Environment``).

Each run of the CLI makes one (or is given one: ``CliRunner().invoke(app, args,
obj=Environment(...))``), and every command reaches it through its context, so nothing
is cached between runs and a test can swap any part without touching a global.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

from chronicle.glyphs import drawable
from chronicle.records import Record

if TYPE_CHECKING:
    from rich.console import Console

#: Width of tables written to a pipe or file, so each row stays on one line.
PLAIN_WIDTH = 10_000


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


class Environment(Record):
    """The streams, variables, clock and editor of one run. Streams left None are the
    process's own, looked up when first used (a test runner swaps them per run)."""

    __slots__ = ("stdin", "stdout", "stderr", "environ", "clock", "editor", "_consoles")
    _fields = ("stdin", "stdout", "stderr", "environ", "clock", "editor")
    stdin: TextIO | None
    stdout: TextIO | None
    stderr: TextIO | None
    environ: Mapping[str, str]
    clock: Callable[[], datetime]
    #: The editor's command line; None: ``$VISUAL``, else ``$EDITOR``, else the usual one.
    editor: list[str] | None
    _consoles: dict[str, Console]

    def __init__(self, stdin: TextIO | None = None, stdout: TextIO | None = None,
                 stderr: TextIO | None = None, environ: Mapping[str, str] | None = None,
                 clock: Callable[[], datetime] = _utc_now,
                 editor: list[str] | None = None) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.environ = os.environ if environ is None else environ
        self.clock = clock
        self.editor = editor
        self._consoles = {}

    @property
    def stdin_stream(self) -> TextIO:
        return self.stdin or sys.stdin

    @property
    def stdout_stream(self) -> TextIO:
        return self.stdout or sys.stdout

    @property
    def stderr_stream(self) -> TextIO:
        return self.stderr or sys.stderr

    def stdin_is_terminal(self) -> bool:
        return self.stdin_stream.isatty()

    def editor_command(self) -> list[str]:
        from chronicle.drafts import editor_command

        return list(self.editor) if self.editor else editor_command(self.environ)

    def out_console(self) -> Console:
        """Data goes to stdout; colour only on a terminal and without NO_COLOR."""
        if "out" not in self._consoles:
            self._consoles["out"] = self._console(self.stdout_stream)
        return self._consoles["out"]

    def table_console(self) -> Console:
        """stdout's console on a terminal, else one wide enough never to wrap a row."""
        console = self.out_console()
        if console.is_terminal:
            return console
        if "wide" not in self._consoles:
            self._consoles["wide"] = self._console(self.stdout_stream, width=PLAIN_WIDTH)
        return self._consoles["wide"]

    def err_console(self) -> Console:
        """Messages, warnings and progress go to stderr."""
        if "err" not in self._consoles:
            self._consoles["err"] = self._console(self.stderr_stream)
        return self._consoles["err"]

    def out_is_terminal(self) -> bool:
        """Whether `out_console` writes for a terminal, decided without loading Rich."""
        return self._is_terminal("out", self.stdout_stream)

    def plain_width(self) -> int | None:
        """The width `out_console` has when it writes for no terminal (a pipe or file),
        found as Rich finds it but without loading Rich: COLUMNS, else the first of
        stdin, stdout and stderr that is a terminal, else 80. None where Rich has its
        own rules (Jupyter, IDLE, Windows) or a console is made already: ask it."""
        if "out" in self._consoles or sys.platform == "win32" or _in_a_notebook():
            return None
        columns = self.environ.get("COLUMNS")
        if columns is not None and columns.isdigit():
            return int(columns)
        width = None
        for descriptor in (0, 1, 2):
            try:
                width, _ = os.get_terminal_size(descriptor)
            except (AttributeError, ValueError, OSError):  # not a terminal
                pass
            else:
                break
        return width or 80

    def write_message(self, message: str) -> bool:
        """Write one line of ``message`` to stderr as `err_console` would print it, styles
        and all, where that takes no Rich: stderr is no terminal (so no style is written)
        and the line is printable text with nothing Rich would change (no tab, control
        character or trailing space). Returns False, having written nothing, otherwise."""
        err = self.stderr_stream
        # No stderr at all (closed when the program started): Rich writes to stdout.
        if err is None or not message.isprintable() or message[-1:] == " ":
            return False
        if self._is_terminal("err", err):
            return False
        err.write(drawable(message, getattr(err, "encoding", None)) + "\n")
        err.flush()
        return True

    def _is_terminal(self, name: str, file: TextIO) -> bool:
        """Rich's `Console.is_terminal` for the consoles made here (no forced terminal):
        Jupyter and IDLE never, then TTY_COMPATIBLE 0/1, then FORCE_COLOR (set and not
        empty), then the stream's isatty."""
        console = self._consoles.get(name)
        if console is not None:
            return console.is_terminal
        if _in_a_notebook():
            return self._console_for(name).is_terminal
        compatible = self.environ.get("TTY_COMPATIBLE", "")
        if compatible in ("0", "1"):
            return compatible == "1"
        force_color = self.environ.get("FORCE_COLOR")
        if force_color is not None:
            return force_color != ""
        isatty = getattr(file, "isatty", None)
        try:
            return False if isatty is None else bool(isatty())
        except ValueError:
            return False

    def _console_for(self, name: str) -> Console:
        return self.out_console() if name == "out" else self.err_console()

    def _console(self, file: TextIO, width: int | None = None) -> Console:
        # Neither markup nor emoji codes: user text ("a:b:c", ":x:", "[red]") reaches a
        # table cell or a message as plain strings, and stays text; styles are given as
        # Text and style= arguments.
        return safe_console_class()(
            file=file,
            highlight=False,
            markup=False,
            emoji=False,
            width=width,
            _environ=dict(self.environ),
        )

    def write_data(self, text: str) -> None:
        """Machine-readable output, written as is (never through Rich's markup or wrapping).

        On a terminal, control characters are shown escaped; to a pipe or file they are
        data and pass unchanged.
        """
        self.write_pieces((text,))

    def write_pieces(self, pieces: Iterable[Any], *, escape: bool = False,
                     encoded: bool = False) -> None:
        """`write_data` of the text ``pieces`` make up, each written as it comes (the
        whole text is never held); ``escape``: a view for people, its control characters
        escaped wherever the text goes, not only on a terminal, and its glyphs drawn as
        the stream can hold them (`chronicle.glyphs`). ``encoded``: the pieces are UTF-8 bytes,
        written to stdout's buffer (which must take UTF-8, and is no terminal)."""
        out: Any = self.stdout_stream
        newline: Any = "\n"
        if encoded:
            out.flush()  # what was written as text comes first
            out, newline = out.buffer, b"\n"
        escaping = escape or out.isatty()
        glyphs = None
        if escaping:
            from chronicle.controls import escape_controls
        if escape:  # a view: its glyphs drawn as the stream can hold them
            from chronicle.glyphs import stand_ins

            glyphs = stand_ins(getattr(out, "encoding", None))
        last = newline[:0]
        for piece in pieces:
            if escaping:
                piece = escape_controls(piece)
            if glyphs is not None:
                piece = piece.translate(glyphs)
            out.write(piece)
            last = piece or last
        if last and not last.endswith(newline):
            out.write(newline)
        out.flush()


def _in_a_notebook() -> bool:
    """Jupyter or IDLE, where Rich decides the terminal and the width its own way."""
    import builtins

    return hasattr(builtins, "get_ipython") or getattr(
        sys.stdin, "__module__", "").startswith("idlelib")


_safe_console: type[Console] | None = None


def safe_console_class() -> type[Console]:
    """A Rich console that writes control characters in text as visible escapes.

    Every renderable ends as segments; the console's own escape codes (colours, cursor)
    are control segments and pass, while text from entries, file names and queries is
    escaped, so no title can recolour or rewrite the terminal.
    """
    global _safe_console
    if _safe_console is None:
        from rich.console import Console
        from rich.segment import Segment

        from chronicle.controls import escape_controls
        from chronicle.glyphs import stand_ins

        class SafeConsole(Console):
            def _render_buffer(self, buffer: Any) -> str:
                # Glyphs the stream cannot hold are drawn in ASCII (chronicle.glyphs).
                table = stand_ins(self.encoding)
                if table is None:
                    return super()._render_buffer(
                        segment if segment.control else
                        Segment(escape_controls(segment.text), segment.style, None)
                        for segment in buffer
                    )
                return super()._render_buffer(
                    segment if segment.control else
                    Segment(escape_controls(segment.text).translate(table), segment.style,
                            None)
                    for segment in buffer
                )

            def on_broken_pipe(self) -> None:
                # Rich would exit 1 here; the command line ends every closed pipe alike.
                raise BrokenPipeError

        _safe_console = SafeConsole
    return _safe_console


def takes_utf8_bytes(out: Any) -> bool:
    """True when bytes written to ``out``'s buffer are what writing the text would
    write: a UTF-8 stream that translates no line ends, not a terminal (whose text
    has its control characters escaped first)."""
    import codecs
    import io
    import os

    if not isinstance(out, io.TextIOWrapper) or os.linesep != "\n":
        return False
    try:
        return codecs.lookup(out.encoding).name == "utf-8" and not out.isatty()
    except (LookupError, ValueError):
        return False
