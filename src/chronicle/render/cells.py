"""Measuring text in terminal cells as Rich does, without loading Rich for the text
nearly every chronicle holds (one cell a character). No I/O."""

from __future__ import annotations

import re

#: Characters Rich measures as one cell each, with nothing (a joiner, a variation
#: selector) that changes its neighbour's width: Latin with accents, Greek, Cyrillic,
#: box drawing. Text made only of these wraps as ASCII does. (Rich's own cell_len
#: counts such text by its length.)
_ONE_CELL_RANGES = ((0x20, 0x7E), (0xA0, 0xAC), (0xAE, 0x2FF), (0x370, 0x482),
                    (0x2500, 0x25FC), (0x2800, 0x28FF))
ONE_CELL = frozenset(
    chr(code)
    for first, last in _ONE_CELL_RANGES
    for code in range(first, last + 1)
)
_RANGES = "".join(f"\\U{first:08x}-\\U{last:08x}" for first, last in _ONE_CELL_RANGES)
#: A character not in `ONE_CELL`: a regular expression finds one faster than a set does.
_NOT_ONE_CELL = re.compile(f"[^{_RANGES}]")
#: The same, where the en dash of date ranges (one cell too) is allowed.
_NOT_DATE_CELL = re.compile(f"[^{_RANGES}\u2013]")


def cell_len(text: str) -> int:
    """Rich's ``cell_len``: text of one-cell characters (nearly all) is measured without
    loading Rich."""
    if _NOT_DATE_CELL.search(text) is None:
        return len(text)
    from rich.cells import cell_len as cells

    return cells(text)


def chop_cells(text: str, width: int) -> list[str]:
    from rich.cells import chop_cells as chop

    return chop(text, width)
