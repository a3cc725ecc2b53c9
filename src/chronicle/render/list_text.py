"""``chronicle list`` on a terminal written as text: the bytes Rich writes for
`entry_table`, made as strings.

Rich's cost is per cell (measuring, wrapping, segments, styles): a table of 9,000 entries
took about 9 s. Here the column widths are worked out as Rich's table works them out, each
cell is wrapped as Rich's ``Text`` wraps it, and its pieces are the very segments Rich would
make, written with the escape codes learnt from the console itself. Text that is not one
cell a character (wide characters, emoji, combining marks, control characters, tabs) is
measured and drawn by Rich itself, a cell (wide table) or an entry (stacked list) at a
time, so it costs Rich's price only where it occurs. The tests hold every byte to Rich's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from chronicle.fastpath.helpscreen import _ratio_reduce
from chronicle.fastpath.helpscreen import _Table as _HelpTable
from chronicle.model import Listed
from chronicle.render.entries import (
    COLUMN_GAP,
    MIN_TAGS_WIDTH,
    MIN_TITLE_WIDTH,
    MUTED,
    _title_cell,
    cell_width,
    date_text,
    plain_date,
    stacked_row,
)
from chronicle.render.timeline import ONE_CELL, style_codes

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

#: A piece of a line: its text, and its style (a name, or a Rich ``Style``).
Piece = tuple[str, Any]
Line = list[Piece]

#: Characters drawn here rather than by Rich: one cell wide each in Rich's measure, none
#: of them a control character or a line break (the en dash is in every date range).
_SIMPLE = ONE_CELL | {"\u2013"}
_simple: Callable[[str], bool] = _SIMPLE.issuperset
_TITLE, _WHO, _TAGS = "bold", MUTED, "cyan"


def list_text(
    entries: Sequence[Listed],
    console: Console,
    *,
    is_imprecise: Callable[[Listed], bool] | None = None,
) -> str | None:
    """What printing `entry_table` (``width=console.width``) on ``console`` with
    ``crop=False`` writes, character for character; None where only Rich can say (a
    terminal so narrow that the layout itself is squeezed)."""
    width = console.width
    dates = [
        (plain_date(entry, imprecise=imprecise), imprecise)
        for entry in entries
        for imprecise in (bool(is_imprecise and is_imprecise(entry)),)
    ]
    date_width = max([4] + [cell_width(date) for date, _ in dates])
    id_width = max([2] + [cell_width(entry.id) for entry in entries])
    needed = date_width + MIN_TITLE_WIDTH + MIN_TAGS_WIDTH + id_width + 3 * COLUMN_GAP
    codes = _Codes(console)
    if needed > width:
        return _stacked(entries, dates, console, codes, width, date_width)
    return _Table(entries, dates, console, codes, width).text()


class _Codes(dict[Any, tuple[str, str]]):
    """The text ``console`` writes before and after a piece in each style
    (`style_codes`), learnt once per style."""

    def __init__(self, console: Console) -> None:
        super().__init__({"": ("", "")})
        self.console = console

    def __missing__(self, style: Any) -> tuple[str, str]:
        self[style] = codes = style_codes(self.console, style)
        return codes

    def line(self, pieces: Line) -> str:
        out = []
        for text, style in pieces:
            if text:
                before, after = self[style]
                out.append(before + text + after if before or after else text)
        return "".join(out)


def _join(first: str, second: str) -> str:
    """Two style names as one (``bold`` and ``dim``: ``bold dim``)."""
    return f"{first} {second}" if first and second else first or second


#: What a line break looks for: the next non-space, the end of a word's letters, and
#: everything through the last space before a point.
_NONSPACE = re.compile(r"\S")
_WORD_BODY = re.compile(r"\S+")
_THROUGH_LAST_SPACE = re.compile(r".*\s", re.DOTALL)


def _breaks(text: str, width: int) -> list[int]:
    """Where Rich's ``divide_line`` (folding) breaks ``text`` of one-cell characters,
    found a line at a time rather than a word at a time (tests hold the two equal)."""
    first = _NONSPACE.search(text)
    if first is None:
        return []
    lead = first.start()  # the first word holds the spaces before it
    stripped = len(text.rstrip())
    out: list[int] = []
    pos = 0  # where the current line starts
    while pos + width < stripped:
        limit = pos + width
        # The word that does not fit: the one at the limit, or the next one.
        if text[limit].isspace():
            start = _NONSPACE.search(text, limit).start()  # type: ignore[union-attr]
        else:
            through = _THROUGH_LAST_SPACE.match(text, pos, limit)
            start = through.end() if through else pos
        if start <= lead:
            start = 0
        letters_end = _WORD_BODY.match(text, max(start, lead)).end()  # type: ignore[union-attr]
        if letters_end - start <= width:  # it starts the next line
            out.append(start)
            pos = start
            continue
        following = _NONSPACE.search(text, letters_end)  # else it is cut every width
        word_end = following.start() if following else len(text)
        pos = start
        while True:
            if pos:
                out.append(pos)
            if pos + width >= word_end:
                break
            pos += width
    return out


def _wrapped(text: str, width: int) -> list[str]:
    """The lines Rich's ``Text`` makes of ``text`` (one-cell characters) folded to
    ``width``, before it pads them."""
    if len(text) <= width:
        return [text]
    cuts = [0, *_breaks(text, width), len(text)]
    lines = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        line = text[start:end]
        if len(line) > width:  # Rich drops the spaces that stick out, then crops
            excess = len(line) - width
            line = line[:len(line) - min(len(line) - len(line.rstrip()), excess)][:width]
        lines.append(line)
    return lines


class _Column:
    """How one column's cells are written: each line of a cell as the segments Rich
    makes (the text's own styles inside the column's style, the padding in the
    column's), as the console writes them."""

    def __init__(self, codes: _Codes, *, base: str, style: str, left: int, right: int,
                 width: int, wraps: bool) -> None:
        self.width = width - left - right
        self.wraps = wraps
        self.text = codes[_join(style, base)]
        self.drawn: dict[tuple[str, str], list[str]] = {}
        self.codes = codes
        self.outer = (style, base)
        pad = codes[style]
        self.left = pad[0] + " " * left + pad[1] if left else ""
        self.right = pad[0] + " " * right + pad[1] if right else ""
        self.blank = pad[0] + " " * width + pad[1] if width else ""

    def lines(self, parts: Sequence[tuple[str, str]]) -> list[str] | None:
        """A cell whose text is ``parts`` (lines of text, each with the style of a span
        over it, or none); None when a line kept whole would be cut (Rich ends it in an
        ellipsis)."""
        out: list[str] = []
        drawn = self.drawn
        for part in parts:
            lines = drawn.get(part)
            if lines is None:
                lines = self._part(*part)
                if lines is None:
                    return None
                drawn[part] = lines  # dates, tags, people and places repeat
            out += lines
        return out

    def _part(self, text: str, span: str) -> list[str] | None:
        width = self.width
        before, after = self.text
        if self.wraps:
            subs = _wrapped(text, width)
        elif len(text) > width:
            return None
        else:
            subs = [text]
        out = []
        if span:
            style, base = self.outer
            span_before, span_after = self.codes[_join(style, _join(base, span))]
            for sub in subs:
                pad = width - len(sub)
                out.append(self.left + (span_before + sub + span_after if sub else "")
                           + (before + " " * pad + after if pad else "") + self.right)
        else:
            for sub in subs:
                body = sub + " " * (width - len(sub))
                out.append(self.left + (before + body + after if body else "") + self.right)
        return out


def _high(high: int, extra: int, limit: int) -> int:
    """The widest Rich measures a cell padded by ``extra`` whose text's longest line is
    ``high`` within ``limit`` columns. (A table's widths never use the narrowest.)"""
    if limit < 1:
        return 0
    inner = limit - extra
    if inner < 1:
        high = limit
    else:
        high = min(max(0, high), inner)
        high = min(high + extra, limit) if high >= 1 else min(extra, limit)
    high = min(max(0, high), limit)
    return high if high >= 1 else 0


class _Table:
    """`entry_table`'s wide table: Date, Title (who and where below), Tags, ID."""

    #: (header, style, wraps, left padding, right padding) of each column.
    COLUMNS = (("Date", "", False, 0, 1), ("Title", "", True, 1, 1),
               ("Tags", _TAGS, True, 1, 1), ("ID", MUTED, False, 1, 0))
    #: Column gaps: the box's one-cell rule between four columns.
    EXTRA = 3

    def __init__(self, entries: Sequence[Listed], dates: list[tuple[str, bool]],
                 console: Console, codes: _Codes, width: int) -> None:
        self.entries = entries
        self.dates = dates
        self.console = console
        self.codes = codes
        self.width = width
        self.id_width = max([2] + [cell_width(entry.id) for entry in entries])
        # Each row's cells as text (None: Rich draws that cell).
        self.rows: list[list[Any]] = []
        for entry, (date, _) in zip(entries, dates, strict=True):
            who_where = " · ".join(part for part in (", ".join(entry.people),
                                                     ", ".join(entry.places)) if part)
            title = [(entry.title, "")] + ([(who_where, _WHO)] if who_where else [])
            tags = ", ".join(entry.tags)
            self.rows.append([
                [(date, "")] if _simple(date) else None,
                title if all(_simple(text) for text, _ in title) else None,
                [(tags, "")] if _simple(tags) else None,
                [(entry.id, "")] if _simple(entry.id) else None,
            ])

    def _renderable(self, row: int, column: int) -> RenderableType:
        from rich.text import Text

        entry = self.entries[row]
        if column == 0:
            return date_text(entry, imprecise=self.dates[row][1])
        if column == 1:
            return _title_cell(entry)
        if column == 2:
            return ", ".join(entry.tags)
        return Text(entry.id)

    def _padded(self, row: int, column: int) -> RenderableType:
        from rich.padding import Padding

        _, _, _, left, right = self.COLUMNS[column]
        return Padding(self._renderable(row, column), (0, right, 0, left))

    def _hard(self, column: int) -> list[int]:
        return [number for number, cells in enumerate(self.rows) if cells[column] is None]

    def _column_width(self, column: int, limit: int, high: int) -> int:
        """The widest Rich's ``Table._measure_column`` gives this column within
        ``limit``, its simple cells' longest line being ``high``."""
        from rich.measure import Measurement

        if limit < 1:
            return 0
        _, _, _, left, right = self.COLUMNS[column]
        high = _high(high, left + right, limit)
        options = self.console.options.update_width(limit)
        for row in self._hard(column):
            high = max(high, Measurement.get(self.console, options,
                                             self._padded(row, column)).maximum)
        high = min(high, limit)
        if column == 3:  # the ID column's min_width
            high = max(high, self.id_width + left + right)
        return high

    def widths(self) -> list[int]:
        """Rich's ``Table._calculate_column_widths`` for this table."""
        limit = self.width - self.EXTRA
        highs = []
        for column, (header, _, _, _, _) in enumerate(self.COLUMNS):
            highs.append(max([len(header)] + [
                len(text) for cells in self.rows if cells[column] is not None
                for text, _ in cells[column]]))
        widths = [self._column_width(column, limit, high) or 1
                  for column, high in enumerate(highs)]
        if sum(widths) > limit:
            wrapable = [column[2] for column in self.COLUMNS]
            widths = _HelpTable.collapse_widths(widths, wrapable, limit)
            if sum(widths) > limit:
                excess = sum(widths) - limit
                widths = _ratio_reduce(excess, [1] * len(widths), widths, widths)
            widths = [self._column_width(column, width, high)
                      for column, (width, high) in enumerate(zip(widths, highs, strict=True))]
        return widths

    def _rich_cell(self, row: int, column: int, width: int, table_width: int) -> list[str]:
        """A cell drawn by Rich, each line as the console writes it."""
        from chronicle.controls import escape_controls

        _, style, wraps, _, _ = self.COLUMNS[column]
        options = self.console.options.update(width=table_width, highlight=False,
                                              height=None).update(
            width=width, justify="left", no_wrap=not wraps,
            overflow="fold" if wraps else "ellipsis", height=None, highlight=False)
        lines = self.console.render_lines(self._padded(row, column), options,
                                          style=self.console.get_style(style))
        return [self.codes.line([(escape_controls(segment.text), segment.style)
                                 for segment in line]) for line in lines]

    def text(self) -> str | None:
        from rich import box

        widths = self.widths()
        if not all(widths):
            return None
        table_width = sum(widths) + self.EXTRA
        columns = []
        headers = []
        for (header, style, wraps, left, right), width in zip(self.COLUMNS, widths,
                                                              strict=True):
            if width - left - right < len(header):
                return None  # a header that wraps: rare enough to leave to Rich
            heading = _Column(self.codes, base="", style="bold", left=left, right=right,
                              width=width, wraps=False).lines([(header, "")])
            assert heading is not None
            headers += heading
            columns.append(_Column(self.codes, base=_TITLE if header == "Title" else "",
                                   style=style, left=left, right=right, width=width,
                                   wraps=wraps))
        rule = box.SIMPLE_HEAD.substitute(
            self.console.options, safe=self.console.safe_box).get_row(widths, "head",
                                                                     edge=False)
        out = [" ".join(headers), rule]
        append = out.append
        blanks = [column.blank for column in columns]
        _, _, _, left, right = self.COLUMNS[0]
        imprecise = _Column(self.codes, base="yellow", style="", left=left, right=right,
                            width=widths[0], wraps=False)
        plain = columns[0]
        for number, cells in enumerate(self.rows):
            columns[0] = imprecise if self.dates[number][1] else plain
            drawn = []
            for index, (column, parts) in enumerate(zip(columns, cells, strict=True)):
                lines = None if parts is None else column.lines(parts)
                if lines is None:
                    lines = self._rich_cell(number, index, widths[index], table_width)
                drawn.append(lines)
            for line in range(max(map(len, drawn))):
                append(" ".join(lines[line] if line < len(lines) else blanks[index]
                                for index, lines in enumerate(drawn)))
        out.append("")
        return "\n".join(out)


def _stacked(entries: Sequence[Listed], dates: list[tuple[str, bool]], console: Console,
             codes: _Codes, width: int, date_width: int) -> str | None:
    """`entry_table`'s stacked list for a narrow terminal: each entry's date beside its
    title, who and where and tags, then its id on a line of its own."""
    from rich.console import Group

    room = width - date_width - 2
    if room < 1:
        return None
    out: list[str] = []
    append = out.append
    dim_before, dim_after = codes[MUTED]
    plain, yellow = codes[""], codes["yellow"]
    blank = " " * (date_width + 2)
    bodies: dict[int, _Column] = {}
    for entry, (date, imprecise) in zip(entries, dates, strict=True):
        who_where = " · ".join(part for part in (", ".join(entry.people),
                                                 ", ".join(entry.places)) if part)
        parts = [(entry.title, "")]
        if who_where:
            parts.append((who_where, _WHO))
        if entry.tags:
            parts.append((", ".join(entry.tags), _TAGS))
        widest = max(len(text) for text, _ in parts)
        if not (widest and _simple(date) and _simple(entry.id)
                and all(_simple(text) for text, _ in parts)):
            title = _title_cell(entry)
            if entry.tags:
                title.append("\n" + ", ".join(entry.tags), style="cyan")
            with console.capture() as capture:
                console.print(Group(*stacked_row(date_text(entry, imprecise=imprecise), title,
                                                 entry.id, width=width,
                                                 date_width=date_width)),
                              crop=False)
            append(capture.get())
            continue
        body_width = min(widest, room)
        if body_width not in bodies:
            bodies[body_width] = _Column(codes, base=_TITLE, style="", left=0, right=0,
                                         width=body_width, wraps=True)
        lines = bodies[body_width].lines(parts)
        assert lines is not None
        before, after = yellow if imprecise else plain
        append(before + date + " " * (date_width - len(date)) + after + "  " + lines[0] + "\n")
        for line in lines[1:]:
            append(blank + line + "\n")
        shown = blank + entry.id if date_width + 2 + len(entry.id) <= width else entry.id
        append(dim_before + shown + dim_after + "\n")
    return "".join(out)
