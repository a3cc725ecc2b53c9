"""Reading what a program wrote to a pseudo-terminal, for tests that need a real one."""

from __future__ import annotations

import os


def read_terminal(main: int) -> bytes:
    """Everything written to the terminal whose main side is ``main``, until the
    program's side closes (it ended); ``main`` is closed then."""
    out = b""
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        out += chunk
    os.close(main)
    return out
