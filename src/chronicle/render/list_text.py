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
    date_labels,
    date_text,
    stacked_row,
)
from chronicle.render.timeline import _NOT_DATE_CELL, style_codes

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

#: A piece of a line: its text, and its style (a name, or a Rich ``Style``).
Piece = tuple[str, Any]
Line = list[Piece]

#: Characters drawn here rather than by Rich: one cell wide each in Rich's measure, none
#: of them a control character or a line break (the en dash is in every date range).
#: (A regular expression finds a character outside them faster than a set does.)
_not_simple = _NOT_DATE_CELL.search


def _simple(text: str) -> bool:
    return _not_simple(text) is None


def _widest(texts: Sequence[str], least: int) -> int:
    """The most cells any of ``texts`` takes, and at least ``least``: their lengths
    when all are one-cell text (one search over them all), else measured."""
    if _not_simple("".join(texts)) is None:
        return max(least, max(map(len, texts), default=least))
    return max([least] + [cell_width(text) for text in texts])


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
    dates = date_labels(entries, is_imprecise)
    date_width = _widest(list({date for date, _ in dates}), 4)
    id_width = _widest([entry.id for entry in entries], 2)
    needed = date_width + MIN_TITLE_WIDTH + MIN_TAGS_WIDTH + id_width + 3 * COLUMN_GAP
    codes = _Codes(console)
    if needed > width:
        return _stacked(entries, dates, console, codes, width, date_width)
    return _Table(entries, dates, console, codes, width, id_width).text()


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
        self.spans: dict[str, tuple[str, str]] = {}
        self.codes = codes
        self.outer = (style, base)
        pad = codes[style]
        self.left = pad[0] + " " * left + pad[1] if left else ""
        self.right = pad[0] + " " * right + pad[1] if right else ""
        self.blank = pad[0] + " " * width + pad[1] if width else ""

    def fit(self, text: str, span: str) -> str:
        """`_part`'s one line for a ``text`` that fits the column (no longer than its
        width), made without the lists."""
        pad = self.width - len(text)
        before, after = self.text
        if span:
            span_before, span_after = self.spans.get(span) or self._span(span)
            return (self.left + (span_before + text + span_after if text else "")
                    + (before + " " * pad + after if pad else "") + self.right)
        body = text + " " * pad if pad else text
        return self.left + (before + body + after if body else "") + self.right

    def _span(self, span: str) -> tuple[str, str]:
        style, base = self.outer
        self.spans[span] = codes = self.codes[_join(style, _join(base, span))]
        return codes

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
            span_before, span_after = self.spans.get(span) or self._span(span)
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
                 console: Console, codes: _Codes, width: int, id_width: int) -> None:
        self.entries = entries
        self.dates = dates
        self.console = console
        self.codes = codes
        self.width = width
        self.id_width = id_width
        # Each row's cells as text (None: Rich draws that cell).
        self.rows: list[list[Any]] = []
        append = self.rows.append
        for entry, (date, _) in zip(entries, dates, strict=True):
            people, places = ", ".join(entry.people), ", ".join(entry.places)
            who_where = people + " · " + places if people and places else people or places
            title = entry.title
            tags = ", ".join(entry.tags)
            titled = [(title, ""), (who_where, _WHO)] if who_where else [(title, "")]
            if _not_simple(date + title + who_where + tags + entry.id) is None:
                # One search for the whole row: nearly every row is one-cell text.
                append([[(date, "")], titled, [(tags, "")], [(entry.id, "")]])
                continue
            append([
                [(date, "")] if _simple(date) else None,
                titled if _simple(title + who_where) else None,
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
        title, tags, ids = columns[1:]
        title_width, tags_width, id_width = title.width, tags.width, ids.width
        tags_lines = tags.drawn
        blank_date, blank_title, blank_tags, blank_id = blanks
        for number, cells in enumerate(self.rows):
            date_cell, title_cell, tags_cell, id_cell = cells
            if (title_cell is not None and tags_cell is not None and id_cell is not None
                    and date_cell is not None):
                # The usual row: each text on one line (as `lines` makes it, without
                # its lists), the date and the tags drawn once per distinct text.
                (head, _), *who = title_cell
                (tag_text, _), = tags_cell
                (entry_id, _), = id_cell
                tag_lines = tags_lines.get(tags_cell[0])
                if (len(head) <= title_width and (not who or len(who[0][0]) <= title_width)
                        and len(entry_id) <= id_width
                        and (tag_lines is not None or len(tag_text) <= tags_width)):
                    dated = (imprecise if self.dates[number][1] else plain).lines(date_cell)
                    if dated is not None and len(dated) == 1:
                        if tag_lines is None:
                            tag_lines = tags_lines[tags_cell[0]] = [tags.fit(tag_text, "")]
                        first = (dated[0] + " " + title.fit(head, "") + " " + tag_lines[0]
                                 + " " + ids.fit(entry_id, ""))
                        append(first)
                        if who or len(tag_lines) > 1:
                            tail = [title.fit(who[0][0], _WHO)] if who else []
                            for line in range(1, max(len(tail) + 1, len(tag_lines))):
                                append(blank_date + " "
                                       + (tail[line - 1] if line <= len(tail) else blank_title)
                                       + " "
                                       + (tag_lines[line] if line < len(tag_lines)
                                          else blank_tags)
                                       + " " + blank_id)
                        continue
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
    dates_drawn: dict[str, str] = {}
    for entry, (date, imprecise) in zip(entries, dates, strict=True):
        people, places = ", ".join(entry.people), ", ".join(entry.places)
        who_where = people + " · " + places if people and places else people or places
        title, entry_id = entry.title, entry.id
        tags = ", ".join(entry.tags) if entry.tags else ""
        widest = max(len(title), len(who_where), len(tags))
        if not widest or _not_simple(date + title + who_where + tags + entry_id) is not None:
            title_cell = _title_cell(entry)
            if entry.tags:
                title_cell.append("\n" + tags, style="cyan")
            with console.capture() as capture:
                console.print(Group(*stacked_row(date_text(entry, imprecise=imprecise),
                                                 title_cell, entry_id, width=width,
                                                 date_width=date_width)),
                              crop=False)
            append(capture.get())
            continue
        body_width = min(widest, room)
        body = bodies.get(body_width)
        if body is None:
            body = bodies[body_width] = _Column(codes, base=_TITLE, style="", left=0,
                                                right=0, width=body_width, wraps=True)
        key = date + "\0" if imprecise else date
        dated = dates_drawn.get(key)
        if dated is None:
            before, after = yellow if imprecise else plain
            dated = dates_drawn[key] = (before + date + " " * (date_width - len(date)) + after
                                        + "  ")
        if widest <= room:  # each part on one line (`lines` without its lists)
            append(dated + body.fit(title, "") + "\n")
            if who_where:
                append(blank + body.fit(who_where, _WHO) + "\n")
            if entry.tags:
                append(blank + body.fit(tags, _TAGS) + "\n")
        else:
            parts = [(title, "")]
            if who_where:
                parts.append((who_where, _WHO))
            if entry.tags:
                parts.append((tags, _TAGS))
            lines = body.lines(parts)
            assert lines is not None
            append(dated + lines[0] + "\n")
            for line in lines[1:]:
                append(blank + line + "\n")
        shown = blank + entry_id if date_width + 2 + len(entry_id) <= width else entry_id
        append(dim_before + shown + dim_after + "\n")
    return "".join(out)
