"""What a command takes from the world, in one object: streams, consoles, environment
variables, the clock and the editor (as httpie's ``Environment``).

Each run of the CLI makes one (or is given one: ``CliRunner().invoke(app, args,
obj=Environment(...))``), and every command reaches it through its context, so nothing
is cached between runs and a test can swap any part without touching a global.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console

#: Width of tables written to a pipe or file, so each row stays on one line.
PLAIN_WIDTH = 10_000


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


@dataclass
class Environment:
    """The streams, variables, clock and editor of one run. Streams left None are the
    process's own, looked up when first used (a test runner swaps them per run)."""

    stdin: TextIO | None = None
    stdout: TextIO | None = None
    stderr: TextIO | None = None
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    clock: Callable[[], datetime] = _utc_now
    #: The editor's command line; None: ``$VISUAL``, else ``$EDITOR``, else the usual one.
    editor: list[str] | None = None
    _consoles: dict[str, Console] = field(default_factory=dict, repr=False)

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

    def _console(self, file: TextIO, width: int | None = None) -> Console:
        from rich.console import Console

        return Console(file=file, highlight=False, width=width, _environ=dict(self.environ))

    def write_data(self, text: str) -> None:
        """Machine-readable output, written as is (never through Rich's markup or wrapping)."""
        out = self.stdout_stream
        out.write(text)
        if text and not text.endswith("\n"):
            out.write("\n")
        out.flush()
