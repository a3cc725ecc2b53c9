"""``python -m chronicle``, and where the console script starts too: Ctrl-C while the command
line is still loading ends as Ctrl-C during a command does (one line, status 130).

Loading the CLI (Typer, Rich, the command modules) takes a noticeable moment, and a
KeyboardInterrupt raised inside an import prints a traceback. So until the CLI is
loaded, Ctrl-C is handled by a plain handler that says "Interrupted." and exits; then
Python's own handler is back, and the commands report an interruption themselves.

The handler goes in before this module imports anything that Python has not loaded
already: ``signal`` would load ``enum``, ``typing`` takes milliseconds and even
``__future__`` is a module to find and read (annotations here are strings instead), and
a Ctrl-C in any of them would still be a traceback. ``_signal`` is the module
``signal`` wraps, loaded with the interpreter. What runs before this module (Python's
own start-up, ``site``, ``runpy``, the console script's ``import re``) is Python's.
"""

import _signal
import os
import sys

TYPE_CHECKING = False  # not from typing, whose import is the moment to cover
if TYPE_CHECKING:
    from types import FrameType
    from typing import Any


def _interrupted_while_starting(signum: int, frame: "FrameType | None") -> None:
    try:
        os.write(2, b"Interrupted.\n")
    finally:
        os._exit(130)


def main() -> None:
    """Console-script entry point."""
    previous = _signal.getsignal(_signal.SIGINT)
    # A background job ignores SIGINT: leave it so. (None: a handler not set from Python.)
    if previous is not None and previous != _signal.SIG_IGN:
        _signal.signal(_signal.SIGINT, _interrupted_while_starting)
    try:
        _start(previous)
    except KeyboardInterrupt:
        # Between handing Ctrl-C back to Python and a command's own handling of it
        # (what the command wrote is flushed on the way out).
        sys.stderr.write("Interrupted.\n")
        sys.exit(130)


def _start(previous: "Any") -> None:
    from chronicle.streams import standard_streams

    standard_streams()
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
    from chronicle.commands.running import when_command_begins

    # Typer parses the command line, loading the command's module, before it invokes
    # the command: Ctrl-C stays answered here until then.
    when_command_begins(lambda: _restore(previous))
    run()


def _restore(previous: "Any") -> None:
    """Python's own Ctrl-C handler back (unless SIGINT was ignored: left so)."""
    if previous is not None and previous != _signal.SIG_IGN:
        _signal.signal(_signal.SIGINT, previous)


if __name__ == "__main__":
    main()
