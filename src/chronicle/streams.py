"""The standard streams as the caller left them, made safe before anything is written."""

from __future__ import annotations

import os
import sys


def standard_streams() -> None:
    """Make the standard streams safe to use, whatever the caller left them as.

    - A standard descriptor the caller closed (``chronicle list >&-``) is opened on
      /dev/null, as git does: Python leaves ``sys.stdout`` None then, and the first file
      chronicle opened would take descriptor 1, so a write meant for stdout could land in
      the catalog or an entry. What is written to it is discarded.
    - Text the terminal's encoding cannot hold (a Latin-1 or ASCII locale,
      ``PYTHONIOENCODING``) is written as escapes (``\\u2026``), as Python writes it to
      stderr, rather than ending the command with an encoding error.
    """
    for number, name, mode in ((0, "stdin", "r"), (1, "stdout", "w"), (2, "stderr", "w")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(number)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != number:
                os.dup2(opened, number)
                os.close(opened)
        setattr(sys, name, open(number, mode, encoding="utf-8", closefd=False))
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        if (encoding.lower().replace("-", "").replace("_", "") != "utf8"
                and getattr(stream, "errors", None) == "strict"
                and hasattr(stream, "reconfigure")):
            stream.reconfigure(errors="backslashreplace")
