"""The glyphs chronicle draws in its views (bars, rules, markers, separators), and the
ASCII that stands in for each where the output cannot hold it (a Latin-1 or ASCII
terminal, ``PYTHONIOENCODING=ascii``). No I/O.

Python would write such a glyph as an escape (``\\u2588``); Rich draws its own boxes in
ASCII there, and chronicle's glyphs follow. Each stand-in is one cell, as the glyph is,
so a table or chart laid out for the glyph stays aligned. Bars, whose eighths of a cell
have no ASCII form, are drawn in whole cells of ``#`` by their renderers
(`holds_blocks`). Only views for people are drawn so: data (JSON, CSV, Markdown) keeps
every character, escaped if it must be.
"""

from __future__ import annotations

import codecs
from functools import lru_cache

#: Every glyph chronicle's views write (and Rich's ellipsis), with its one-cell stand-in.
STAND_INS = {
    # Bars of stats and the timeline's chart: a whole cell, an eighth, seven eighths.
    "\u2588": "#",  # full block
    **dict.fromkeys("\u258f\u258e\u258d", "|"),  # left one to three eighths
    **dict.fromkeys("\u258c\u258b\u258a\u2589", "#"),  # left four to seven eighths
    **dict.fromkeys("\u2581\u2582\u2583", "_"),  # lower one to three eighths
    **dict.fromkeys("\u2584\u2585\u2586", "="),  # lower four to six eighths
    "\u2587": "#",  # lower seven eighths
    # The timeline's rules, spine and markers; separators, dashes, ellipsis, marks.
    "\u2500": "-",  # box drawings light horizontal
    "\u2502": "|",  # box drawings light vertical
    "\u25cf": "*",  # black circle: an entry
    "\u25cb": "o",  # white circle: an imprecise entry
    "\u00b7": "-",  # middle dot
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2026": ".",  # horizontal ellipsis
    "\u2022": "*",  # bullet
    "\u2713": "*",  # check mark: a declared name
    # Rich's rounded boxes (a shown entry's panel), should Rich not draw them in ASCII.
    **dict.fromkeys("\u256d\u256e\u256f\u2570", "+"),
}

#: The vertical bars of the timeline's chart by eighths (0-8), and their ASCII form.
BLOCKS = " \u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
ASCII_BLOCKS = "".join(STAND_INS.get(block, block) for block in BLOCKS)


def normal_encoding(encoding: str | None) -> str:
    """Python's name for ``encoding`` (``utf-8`` for None or an unknown name, as a
    stream without one takes any text)."""
    if not encoding:
        return "utf-8"
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return "utf-8"


@lru_cache(maxsize=16)
def stand_ins(encoding: str | None) -> dict[int, str] | None:
    """A `str.translate` table of the glyphs ``encoding`` cannot hold, to their
    stand-ins; None when it holds every glyph (UTF-8: nothing to do)."""
    name = normal_encoding(encoding)
    if name.startswith("utf"):
        return None
    table = {ord(glyph): ascii_ for glyph, ascii_ in STAND_INS.items()
             if not _holds(name, glyph)}
    return table or None


def holds_blocks(encoding: str | None) -> bool:
    """Whether bars can be drawn in block eighths in ``encoding``."""
    table = stand_ins(encoding)
    return table is None or not any(ord(block) in table for block in BLOCKS[1:])


def drawable(text: str, encoding: str | None) -> str:
    """``text`` with each glyph ``encoding`` cannot hold replaced by its stand-in."""
    table = stand_ins(encoding)
    return text.translate(table) if table is not None else text


def _holds(encoding: str, glyph: str) -> bool:
    try:
        glyph.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True
