"""Help screens without Typer or Rich: the screens Typer's Rich help prints, laid out
here from their description (`chronicle.fastpath.described`), the way Rich lays them out.

The description holds each screen as the tree of Rich renderables Typer builds for it
(padding, panels, tables, columns of text, with their styles): everything but the layout,
which depends on the terminal's width. This module does that layout with Rich's own
rules (its table column widths, word wrapping and columns), for the kinds of node and
the settings the tree uses; anything else raises `Unsure`, and Typer prints the screen.
"""

from __future__ import annotations

import re
from math import ceil

from chronicle.fastpath import TYPE_CHECKING, Unsure

if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    Node = list[Any]

DEFAULT_JUSTIFY = "default"
DEFAULT_OVERFLOW = "fold"
_WORD = re.compile(r"\s*\S+\s*")
_TRAILING_SPACE = re.compile(r"\s+$")


#: A style as Rich holds it: (attribute bits, which attribute bits are set, standard
#: colour number or None); None is the null style.
Style = tuple[int, int, "int | None"]
#: A piece of a line: its text and style (Rich's Segment).
Piece = tuple[str, "Style | None"]
Line = list[Piece]


def add(first: Style | None, second: Style | None) -> Style | None:
    """Rich's ``Style.__add__``: the second style's settings over the first's."""
    if second is None:
        return first
    if first is None:
        return second
    attributes = (first[0] & ~second[1]) | (second[0] & second[1])
    return attributes, first[1] | second[1], second[2] if second[2] is not None else first[2]


class Options:
    """Rich's ConsoleOptions, the part layout reads."""

    __slots__ = ("width", "justify", "overflow", "no_wrap", "styles")

    def __init__(self, width: int, styles: dict[str, Style | None], justify: str | None = None,
                 overflow: str | None = None, no_wrap: bool | None = None) -> None:
        self.width = width
        self.styles = styles
        self.justify = justify
        self.overflow = overflow
        self.no_wrap = no_wrap

    def style(self, name: str | None) -> Style | None:
        """Console.get_style: a style by its name or definition, as Typer's theme reads it."""
        if not name:
            return None
        try:
            return self.styles[name]
        except KeyError:
            raise Unsure(f"style {name!r}") from None

    def update(self, width: int | None = None, **changes: Any) -> Options:
        copy = Options(self.width if width is None else width, self.styles, self.justify,
                       self.overflow, self.no_wrap)
        for name, value in changes.items():
            setattr(copy, name, value)
        return copy


# Text ----------------------------------------------------------------------------


class _Text:
    """Rich's Text, the part layout changes: its characters, base style and spans."""

    __slots__ = ("plain", "style", "spans")

    def __init__(self, plain: str, style: str, spans: list[list[Any]]) -> None:
        self.plain = plain
        self.style = style
        self.spans = spans

    def crop(self, length: int) -> None:
        """Keep the first ``length`` characters; spans past them are cut (_trim_spans)."""
        self.plain = self.plain[:length]
        self.spans = [span if span[1] < length else [span[0], min(length, span[1]), span[2]]
                      for span in self.spans if span[0] < length]

    def divide(self, cuts: list[int]) -> list[_Text]:
        if not cuts:
            return [_Text(self.plain, self.style, list(self.spans))]
        bounds = [0, *cuts, len(self.plain)]
        ranges = list(zip(bounds, bounds[1:], strict=False))
        lines = [_Text(self.plain[a:b], self.style, []) for a, b in ranges]
        for start, end, style in self.spans:
            for line, (low, high) in zip(lines, ranges, strict=True):
                new_start, new_end = max(0, start - low), min(end - low, high - low)
                if new_end > new_start:
                    line.spans.append([new_start, new_end, style])
        return lines

    def set_plain(self, plain: str) -> None:
        """Text.plain's setter: spans past a shorter text are cut."""
        shorter = len(plain) < len(self.plain)
        self.plain = plain
        if shorter:
            self.crop(len(plain))

    def truncate(self, width: int, overflow: str, pad: bool = False) -> None:
        if width < 1:
            raise Unsure("no room")
        if overflow != "ignore":
            length = len(self.plain)
            if length > width:
                if overflow == "ellipsis":
                    self.set_plain(self.plain[:width - 1] + "…")
                else:
                    self.set_plain(self.plain[:width])
            if pad and length < width:
                self.plain += " " * (width - length)


def _divide_line(text: str, width: int, fold: bool) -> list[int]:
    """Where Rich breaks a line of single-cell characters to fit ``width``."""
    breaks: list[int] = []
    offset = 0
    for match in _WORD.finditer(text):
        start, word = match.start(), match.group(0)
        length = len(word.rstrip())
        if width - offset >= length:
            offset += len(word)
        elif length > width:
            if fold:
                pieces = [word[i:i + width] for i in range(0, len(word), width)]
                for number, piece in enumerate(pieces):
                    if start:
                        breaks.append(start)
                    if number == len(pieces) - 1:
                        offset = len(piece)
                    else:
                        start += len(piece)
            else:
                if start:
                    breaks.append(start)
                offset = len(word)
        elif offset and start:
            breaks.append(start)
            offset = len(word)
    return breaks


def _wrap(node: Node, options: Options) -> list[_Text]:
    _, plain, style, justify, overflow, no_wrap, _end, spans = node
    justify = justify or options.justify or DEFAULT_JUSTIFY
    overflow = overflow or options.overflow or DEFAULT_OVERFLOW
    if no_wrap is None:
        no_wrap = options.no_wrap if options.no_wrap is not None else False
    no_wrap = no_wrap or overflow == "ignore"
    width = options.width
    if justify not in ("default", "left") or (no_wrap and overflow == "ignore"):
        raise Unsure(f"justify {justify}, overflow {overflow}")
    whole = _Text(plain, style, spans)
    cuts = [i for i, char in enumerate(plain) if char == "\n"]
    pieces = []
    for i, line in enumerate(whole.divide([c for cut in cuts for c in (cut, cut + 1)])):
        if i % 2 == 0:  # the odd pieces are the line breaks themselves
            pieces.append(line)
    lines: list[_Text] = []
    for line in pieces:
        if no_wrap:
            new = [line]
        else:
            new = line.divide(_divide_line(line.plain, width, overflow == "fold"))
            for piece in new:
                if len(piece.plain) > width:
                    space = _TRAILING_SPACE.search(piece.plain)
                    if space is not None:
                        piece.crop(len(piece.plain) - min(len(space.group(0)),
                                                          len(piece.plain) - width))
        if justify == "left":
            for piece in new:
                piece.truncate(width, overflow, pad=True)
        for piece in new:
            piece.truncate(width, overflow)
        lines.extend(new)
    return lines


def _text_lines(lines: list[_Text], end: str, options: Options) -> list[Line]:
    """Text.join with new lines, then Text.render, split into lines of pieces."""
    plain = "\n".join(line.plain for line in lines)
    spans: list[list[Any]] = []
    offset = 0
    for line in lines:
        if line.style:
            spans.append([offset, offset + len(line.plain), line.style])
        spans.extend([offset + a, offset + b, style] for a, b, style in line.spans)
        offset += len(line.plain) + 1
    if not spans:
        segments: list[Piece] = [(plain, None)]
    else:
        styles = [options.style(style) for _, _, style in spans]
        bounds = sorted({0, len(plain), *(s[0] for s in spans), *(s[1] for s in spans)})
        segments = []
        for low, high in zip(bounds, bounds[1:], strict=False):
            if high > low:
                style = None
                for (start, end_, _), span_style in zip(spans, styles, strict=True):
                    if start <= low and end_ >= high:
                        style = add(style, span_style)
                segments.append((plain[low:high], style))
    if end:
        segments.append((end, None))
    return split_lines(segments)


def split_lines(segments: list[Piece]) -> list[Line]:
    """Segment.split_lines: pieces broken at new lines (a last unfinished line kept)."""
    lines: list[Line] = []
    line: Line = []
    for text, style in segments:
        if "\n" in text:
            while text:
                part, newline, text = text.partition("\n")
                if part:
                    line.append((part, style))
                if newline:
                    lines.append(line)
                    line = []
        else:
            line.append((text, style))
    if line:
        lines.append(line)
    return lines


def _measure_text(node: Node) -> tuple[int, int]:
    plain = node[1]
    lines = plain.splitlines()
    widest = max((len(line) for line in lines), default=0)
    words = plain.split()
    return (max(len(word) for word in words) if words else widest), widest


# Measuring -----------------------------------------------------------------------


def measure(node: Node, options: Options) -> tuple[int, int]:
    """Rich's Measurement.get: the least and most width ``node`` takes."""
    width = options.width
    if width < 1:
        return 0, 0
    kind = node[0]
    if kind == "str":
        low, high = 0, 0
    elif kind == "text":
        low, high = _measure_text(node)
    elif kind == "padding":
        top, right, bottom, left = node[2]
        extra = left + right
        if width - extra < 1:
            low, high = width, width
        else:
            low, high = measure(node[1], options)
            low, high = min(low + extra, width), min(high + extra, width)
    elif kind == "group":
        if not node[2]:
            low, high = width, width
        elif not node[1]:
            low, high = 0, 0
        else:
            measured = [measure(child, options) for child in node[1]]
            low, high = max(m[0] for m in measured), max(m[1] for m in measured)
    elif kind == "columns":
        return 0, width
    else:
        raise Unsure(f"measure {kind}")
    # Measurement.get: normalize, with_maximum, nothing under one cell, normalize.
    low = min(max(0, low), high)
    low, high = max(0, low), max(0, max(low, high))
    low, high = min(low, width), min(high, width)
    if high < 1:
        return 0, 0
    low = min(max(0, low), high)
    return max(0, low), max(0, max(low, high))


# Rendering: each renderer gives whole lines of pieces ---------------------------------


def render(node: Node, options: Options) -> list[Line]:
    if options.width < 1:
        return []
    kind = node[0]
    if kind == "text":
        return _text_lines(_wrap(node, options), node[6], options)
    if kind == "str":
        return [[("", None)]]
    return _RENDERERS[kind](node, options)


def apply_style(lines: list[Line], style: Style | None) -> list[Line]:
    if style is None:
        return lines
    return [[(text, add(style, own)) for text, own in line] for line in lines]


def render_lines(node: Node, options: Options, style: Style | None = None) -> list[Line]:
    """Console.render_lines: styled, then each line cropped or padded to the width."""
    width = options.width
    return [fit(line, width, style) for line in apply_style(render(node, options), style)]


def length(line: Line) -> int:
    return sum(len(text) for text, _ in line)


def fit(line: Line, width: int, style: Style | None = None, pad: bool = True) -> Line:
    """Segment.adjust_line_length."""
    size = length(line)
    if size < width:
        return line + [(" " * (width - size), style)] if pad else line[:]
    if size > width:
        cropped: Line = []
        size = 0
        for text, own in line:
            if size + len(text) < width:
                cropped.append((text, own))
                size += len(text)
            else:
                cropped.append((text[:width - size].ljust(width - size), own))
                break
        return cropped
    return line


def _padding(node: Node, options: Options) -> list[Line]:
    _, child, (top, right, bottom, left), style_name, expand = node
    style = options.style(style_name)
    if expand:
        width = options.width
    else:
        width = min(measure(child, options)[1] + left + right, options.width)
    lines = render_lines(child, options.update(width - left - right), style)
    blank = [(" " * width, style)]
    result = [blank] * top
    for line in lines:
        result.append(([(" " * left, style)] if left else []) + line
                      + ([(" " * right, style)] if right else []))
    result.extend([blank] * bottom)
    return result


def _align(node: Node, options: Options) -> list[Line]:
    _, child, align, _style, pad = node
    width = measure(child, options)[1]
    lines = render(child, options.update(min(width, options.width)))
    width = max((length(line) for line in lines), default=0)
    lines = [fit(line, width) for line in lines]
    excess = options.width - width
    if excess <= 0 or (align == "left" and not pad):
        return lines
    raise Unsure(f"align {align}")


def _group(node: Node, options: Options) -> list[Line]:
    lines: list[Line] = []
    for child in node[1]:
        lines.extend(render(child, options))
    return lines


_ROUNDED = ("╭", "─", "╮", "│", "│", "╰", "─", "╯")


def _panel(node: Node, options: Options) -> list[Line]:
    _, child, title, title_align, style_name, border_name, padding, expand = node
    if not expand or title_align != "left" or any(padding[i] for i in (0, 2)):
        raise Unsure("panel shape")
    top_left, top, top_right, left, right, bottom_left, bottom, bottom_right = _ROUNDED
    style = options.style(style_name)
    border = add(style, options.style(border_name))
    width = options.width
    child_width = width - 2
    if title is not None:
        child_width = min(width - 2, max(child_width, len(title[1]) + 2))
    width = child_width + 2
    inner = ["padding", child, [0, padding[1], 0, padding[3]], None, True]
    lines = render_lines(inner, options.update(child_width), style)
    if title is None or width <= 4:
        head: Line = [(top_left + top * (width - 2) + top_right, border)]
    else:
        # align_text: the title (the border's style first), cut to fit, the rest of the
        # top edge after it; rendered with no wrapping and no end.
        _, plain, title_style, *_rest, spans = title
        text = _Text(plain, title_style, [[0, len(plain), border_name], *spans])
        text.truncate(width - 4, "fold")
        if text.style:
            raise Unsure("styled title")
        excess = width - 4 - len(text.plain)
        if excess:
            text.spans.append([len(text.plain), len(text.plain) + excess, border_name])
            text.plain += top * excess
        [title_line] = _text_lines([text], "", options)
        head = [(top_left + top, border), *title_line, (top + top_right, border)]
    return [head, *([(left, border), *line, (right, border)] for line in lines),
            [(bottom_left + bottom * (width - 2) + bottom_right, border)]]


# Tables --------------------------------------------------------------------------


def _ratio_reduce(total: int, ratios: list[int], maximums: list[int],
                  values: list[int]) -> list[int]:
    ratios = [ratio if most else 0 for ratio, most in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, most, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            given = min(most, round(ratio * remaining / total_ratio))
            result.append(value - given)
            remaining -= given
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def _ratio_distribute(total: int, ratios: list[int],
                      minimums: list[int] | None = None) -> list[int]:
    if minimums:
        ratios = [ratio if least else 0 for ratio, least in zip(ratios, minimums, strict=True)]
    total_ratio = sum(ratios)
    if total_ratio <= 0:
        raise Unsure("ratios")
    remaining = total
    result = []
    for ratio, least in zip(ratios, minimums or [0] * len(ratios), strict=True):
        given = max(least, ceil(ratio * remaining / total_ratio)) if total_ratio > 0 else remaining
        result.append(given)
        total_ratio -= ratio
        remaining -= given
    return result


class _Table:
    def __init__(self, node: Node) -> None:
        (_, self.columns, padding, self.collapse, self.pad_edge, self.expand, self.show_edge,
         _style, _border) = node
        self.top, self.right, self.bottom, self.left = padding
        if self.top or self.bottom:
            raise Unsure("vertical padding")
        self.rows = max((len(column[9]) for column in self.columns), default=0)

    def padding_width(self, index: int) -> int:
        left, right = self.left, self.right
        if self.collapse:
            left = 0
            right = abs(left - right)
        if not self.pad_edge:
            if index == 0:
                left = 0
            if index == len(self.columns) - 1:
                right = 0
        return left + right

    def cell_padding(self, index: int) -> tuple[int, int]:
        left, right = self.left, self.right
        first, last = index == 0, index == len(self.columns) - 1
        if self.collapse and not first:
            left = max(0, left - right)
        if not self.pad_edge:
            if first:
                left = 0
            if last:
                right = 0
        return left, right

    def cells(self, index: int) -> list[Node]:
        """The column's cells, each in its padding (Table._get_cells)."""
        left, right = self.cell_padding(index)
        cells = self.columns[index][9]
        cells = cells + [["str", ""]] * (self.rows - len(cells))
        return [["padding", cell, [0, right, 0, left], None, True] for cell in cells]

    def measure_column(self, index: int, options: Options) -> tuple[int, int]:
        width = options.width
        if width < 1:
            return 0, 0
        column = self.columns[index]
        padding = self.padding_width(index)
        if column[3] is not None:
            fixed = column[3] + padding
            return min(fixed, width), min(fixed, width)
        measured = [measure(cell, options) for cell in self.cells(index)]
        low = max((m[0] for m in measured), default=1)
        high = max((m[1] for m in measured), default=width)
        low, high = min(low, width), min(high, width)
        if column[4] is not None or column[5] is not None:
            raise Unsure("column min/max width")
        return low, high

    def widths(self, options: Options) -> list[int]:
        width = options.width
        columns = self.columns
        ranges = [self.measure_column(i, options) for i in range(len(columns))]
        widths = [high or 1 for _, high in ranges]
        if self.expand:
            flexible = [column[6] is not None for column in columns]
            ratios = [column[6] or 0 for column, flex in zip(columns, flexible, strict=True)
                      if flex]
            if any(ratios):
                fixed = [0 if flex else high
                         for (_, high), flex in zip(ranges, flexible, strict=True)]
                least = [(column[3] or 1) + self.padding_width(i)
                         for i, column in enumerate(columns) if flexible[i]]
                flexed = iter(_ratio_distribute(width - sum(fixed), ratios, least))
                for i, flex in enumerate(flexible):
                    if flex:
                        widths[i] = fixed[i] + next(flexed)
        total = sum(widths)
        if total > width:
            widths = self.collapse_widths(
                widths, [column[3] is None and not column[7] for column in columns], width)
            total = sum(widths)
            if total > width:
                widths = _ratio_reduce(total - width, [1] * len(widths), widths, widths)
                total = sum(widths)
            widths = [self.measure_column(i, options.update(w))[1] or 0
                      for i, w in enumerate(widths)]
            total = sum(widths)
        if total < width and self.expand:
            widths = [w + pad for w, pad in
                      zip(widths, _ratio_distribute(width - total, widths), strict=True)]
        return widths

    @staticmethod
    def collapse_widths(widths: list[int], wrapable: list[bool], width: int) -> list[int]:
        total = sum(widths)
        excess = total - width
        if any(wrapable):
            while total and excess > 0:
                most = max(w for w, can in zip(widths, wrapable, strict=True) if can)
                second = max(w if can and w != most else 0
                             for w, can in zip(widths, wrapable, strict=True))
                difference = most - second
                ratios = [1 if (w == most and can) else 0
                          for w, can in zip(widths, wrapable, strict=True)]
                if not any(ratios) or not difference:
                    break
                widths = _ratio_reduce(excess, ratios, [min(excess, difference)] * len(widths),
                                       widths)
                total = sum(widths)
                excess = total - width
        return widths

    def render(self, options: Options) -> list[Line]:
        if not self.columns:
            return [[]]
        widths = self.widths(options)
        table_options = options.update(sum(widths))
        columns = [self.cells(i) for i in range(len(self.columns))]
        lines: list[Line] = []
        for row in range(self.rows):
            rendered = []
            styles = []
            for width, column, cells in zip(widths, self.columns, columns, strict=True):
                cell_options = table_options.update(width, justify=column[1], no_wrap=column[7],
                                                    overflow=column[2])
                if column[8] != "top":
                    raise Unsure("vertical alignment")
                style = options.style(column[0])
                styles.append(style)
                rendered.append(render_lines(cells[row], cell_options, style))
            height = max(len(cell) for cell in rendered)
            for width, cell, style in zip(widths, rendered, styles, strict=True):
                cell.extend([[(" " * width, style)]] * (height - len(cell)))
            lines.extend([piece for cell in rendered for piece in cell[n]] for n in range(height))
        return lines


def _table(node: Node, options: Options) -> list[Line]:
    return _Table(node).render(options)


def _columns(node: Node, options: Options) -> list[Line]:
    _, items, (_top, right, _bottom, left), expand = node
    if not items:
        return []
    gap = max(left, right)
    width = options.width
    sizes = [measure(item, options)[1] for item in items]
    count = len(items)

    def laid(count: int) -> list[tuple[int, Node | None]]:
        cells: list[tuple[int, Node | None]] = list(zip(sizes, items, strict=True))
        if len(items) % count:
            cells.extend([(0, None)] * (count - len(items) % count))
        return cells

    while count > 1:
        widths: dict[int, int] = {}
        column = 0
        for size, _ in laid(count):
            widths[column] = max(widths.get(column, 0), size)
            if sum(widths.values()) + gap * (len(widths) - 1) > width:
                count = len(widths) - 1
                break
            column = (column + 1) % count
        else:
            break
    cells = [item if item is not None else ["str", ""] for _, item in laid(count)]
    grid_columns = [
        ["", "left", "ellipsis", None, None, None, None, False, "top", cells[i::count]]
        for i in range(count)
    ]
    grid = ["table", grid_columns, [0, right, 0, left], True, False, expand, False, "", ""]
    return _table(grid, options)


_RENDERERS = {"padding": _padding, "align": _align, "group": _group, "panel": _panel,
              "table": _table, "columns": _columns}


def screen(printed: list[Any], width: int, styles: dict[str, Style | None]) -> list[Line]:
    """The lines Typer's console prints for a help screen (Console.print, each renderable
    with its style, lines cropped to the width)."""
    out: list[Line] = []
    options = Options(width, styles)
    for node, style_name in printed:
        lines = apply_style(render(node, options), options.style(style_name))
        out.extend(fit(line, width, pad=False) for line in lines)
    return out


_ATTRIBUTE_CODES = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "21", "51", "52", "53")


def sgr(style: Style | None, color: bool) -> str:
    """The SGR parameters Rich writes for ``style`` (colour left out when not ``color``)."""
    if style is None:
        return ""
    attributes = style[0] & style[1]
    codes = [code for bit, code in enumerate(_ATTRIBUTE_CODES) if attributes & (1 << bit)]
    number = style[2]
    if color and number is not None:
        codes.append(str(30 + number if number < 8 else 82 + number))
    return ";".join(codes)


def text(lines: list[Line], color_system: bool, no_color: bool) -> str:
    """The screen as Rich writes it: every piece in its own SGR sequence on a terminal
    that has colours, plain text otherwise."""
    if not color_system:
        return "".join("".join(t for t, _ in line) + "\n" for line in lines)
    out = []
    for line in lines:
        for piece, style in line:
            codes = sgr(style, not no_color) if piece else ""
            out.append(f"\x1b[{codes}m{piece}\x1b[0m" if codes else piece)
        out.append("\n")
    return "".join(out)


# Which screen, and the terminal it goes to ------------------------------------------


def help_request(argv: list[str], environ: Mapping[str, str]) -> tuple[str, int] | None:
    """The help screen ``argv`` asks for (``--help``, ``-h``, ``COMMAND --help``, or
    nothing at all, which shows the top screen with status 2), written for this terminal;
    None when ``argv`` asks for something else."""
    description = _description()
    if not argv:
        name, status, trailer = "", 2, ""
    else:
        *command, flag = argv
        name = command[0] if command else ""
        if name and name not in description["commands"]:
            return None
        spec = description["commands"][name] if name else description["group"]
        names = [opt for number in spec["params"]
                 for param in [description["parameters"][number]]
                 if param["name"] == "help" and param["eager"] for opt in param["opts"]]
        if flag not in names:
            return None
        status, trailer = 0, "\n"  # Click echoes the (empty) rest of the help
    from chronicle.fastpath.screens import SCREENS, STYLES

    width, colors, no_color = terminal(environ)
    lines = screen(SCREENS[name], width, STYLES)
    return text(lines, colors, no_color) + trailer, status


def _description() -> dict[str, Any]:
    from chronicle.fastpath import description

    return description("typer", "rich")


def terminal(environ: Mapping[str, str]) -> tuple[int, bool, bool]:
    """The width Typer's Rich console lays the help out for, whether it writes colour
    (any colour system: the help uses only the 16 standard colours, written the same in
    each), and whether NO_COLOR asks it to leave colours out (Rich then keeps bold and
    dim). Rich's own rules (Console's is_terminal, size and colour system), with Typer's
    settings (TERMINAL_WIDTH, FORCE_COLOR, PY_COLORS, GITHUB_ACTIONS)."""
    import builtins
    import os
    import sys

    if sys.platform == "win32" or hasattr(builtins, "get_ipython"):
        raise Unsure("Windows or Jupyter")
    stdout = sys.stdout
    encoding = getattr(stdout, "encoding", None) or "utf-8"
    if stdout is None or not encoding.lower().startswith("utf"):
        raise Unsure("not UTF-8")
    fixed = environ.get("TERMINAL_WIDTH")
    if fixed and not fixed.isdigit():
        raise Unsure("TERMINAL_WIDTH")
    forced: bool | None = True if (environ.get("GITHUB_ACTIONS") or environ.get("FORCE_COLOR")
                                   or environ.get("PY_COLORS")) else None
    if environ.get("_TYPER_FORCE_DISABLE_TERMINAL"):
        forced = False
    if forced is not None:
        is_terminal = forced
    elif environ.get("TTY_COMPATIBLE", "") in ("0", "1"):
        is_terminal = environ["TTY_COMPATIBLE"] == "1"
    elif environ.get("FORCE_COLOR") is not None:
        is_terminal = environ["FORCE_COLOR"] != ""
    else:
        try:
            is_terminal = stdout.isatty()
        except ValueError:
            is_terminal = False
    dumb = is_terminal and environ.get("TERM", "").lower() in ("dumb", "unknown")
    colors = is_terminal and not dumb
    no_color = environ.get("NO_COLOR", "") != ""
    width: int | None = int(fixed) if fixed else None
    columns = environ.get("COLUMNS")
    if width is None and columns is not None and columns.isdigit():
        width = int(columns)
    lines = environ.get("LINES")
    if width is not None and lines is not None and lines.isdigit():
        size = width
    elif dumb:
        size = 80
    else:
        found = None
        for descriptor in (0, 1, 2):
            try:
                found = os.get_terminal_size(descriptor).columns
            except (AttributeError, ValueError, OSError):
                continue
            break
        if columns is not None and columns.isdigit():
            found = int(columns)
        size = (found or 80) if width is None else width
    if not 20 <= size <= 500:
        raise Unsure(f"width {size}")
    return size, colors, no_color
