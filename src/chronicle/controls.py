"""Control characters in user text: found for ``check``, shown escaped on a terminal.

A title holding ``ESC [31m`` would recolour the terminal, a carriage return would
overwrite the line, and bidirectional overrides reorder what is shown; on a terminal
each such character is written visibly instead (``\\x1b``, ``\\u202e``). No I/O.
"""

from __future__ import annotations

import re

# C0 controls but tab and line feed, DEL, C1 controls, and the bidirectional embedding,
# override and isolate characters.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with each control character written as its escape (``\\x1b``)."""
    if not CONTROLS.search(text):
        return text
    return CONTROLS.sub(_visible, text)


def first_control(text: str) -> str | None:
    """The escape of the first control character in ``text``, if any."""
    match = CONTROLS.search(text)
    return _visible(match) if match else None
