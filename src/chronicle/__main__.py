"""``python -m chronicle``, and where the console script starts too: Ctrl-C while the command
line is still loading ends as Ctrl-C during a command does (one line, status 130).

Loading the CLI (Typer, Rich, the command modules) takes a noticeable moment, and a
KeyboardInterrupt raised inside an import prints a traceback. So until the CLI is
loaded, Ctrl-C is handled by a plain handler that says "Interrupted." and exits; then
Python's own handler is back, and the commands report an interruption themselves.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType
from typing import Any


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    try:
        os.write(2, b"Interrupted.\n")
    finally:
        os._exit(130)


def main() -> None:
    """Console-script entry point."""
    from chronicle.streams import standard_streams

    standard_streams()
    previous = signal.getsignal(signal.SIGINT)
    # A background job ignores SIGINT: leave it so.
    if previous is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    # A help screen or a Tab press answered from the command line's description, when
    # that answer is sure to be Typer's; else Typer (chronicle.fastpath).
    from chronicle.fastpath import answer

    status = answer(sys.argv[1:], os.environ)
    if status is not None:
        sys.exit(status)
    # A reading command whose command line is sure to be read by Click as it is read
    # here runs its body without Typer (chronicle.commands.dispatch); else Typer.
    from chronicle.fastpath import Unsure
    from chronicle.fastpath.parsing import parse_command

    try:
        parsed = parse_command(sys.argv[1:], os.environ)
    except Unsure:
        parsed = None
    if parsed is not None:
        from chronicle.commands.dispatch import main as run_parsed

        # From here the command reports an interruption itself, as under Typer.
        status = run_parsed(parsed, starting=lambda: _restore(previous))
        if status is not None:
            sys.exit(status)
    from chronicle.cli import main as run

    _restore(previous)
    run()


def _restore(previous: Any) -> None:
    """Python's own Ctrl-C handler back (unless SIGINT was ignored: left so)."""
    if previous is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, previous)


if __name__ == "__main__":
    main()
