"""Rich renderables for ``chronicle timeline``: the count chart and the vertical timeline.

Both measure the console when they are drawn, so the same objects fit 60 columns and
200; they return renderables and never print. Plain forms (JSON, Markdown) live in
``chronicle.timeline``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chronicle.calendar import Counts, Unit, count_periods
from chronicle.dates import EN_DASH
from chronicle.glyphs import ASCII_BLOCKS, BLOCKS, holds_blocks
from chronicle.render.cells import (
    _NOT_DATE_CELL,
    _NOT_ONE_CELL,
    ONE_CELL,
    cell_len,
    chop_cells,
)
from chronicle.timeline import (
    IMPRECISE_MARK,
    LEGEND,
    Period,
    Timeline,
    TimelineItem,
    iter_items,
)

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
    from rich.segment import Segment

    from chronicle.model import Listed

MUTED = "dim"
TAG_STYLE = "cyan"
IMPRECISE_STYLE = "yellow"
#: Bins of this many units between tick labels, smallest first.
TICK_STEPS = {
    Unit.DAY: (1, 2, 7, 14, 28, 56, 91, 182, 364),
    Unit.MONTH: (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200),
    Unit.YEAR: (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
}


def timeline_view(
    timeline: Timeline, entries: Sequence[Listed], *, chart: bool = True
) -> RenderableType:
    """The chart of counts above the timeline (the chart only when there is something to show)."""
    from rich.console import Group

    return Group(*chart_view(timeline, entries, chart=chart), TimelineBody(timeline))


def chart_view(
    timeline: Timeline, entries: Sequence[Listed], *, chart: bool = True
) -> list[RenderableType]:
    """What `timeline_view` draws above the body: the chart and a blank line, or nothing."""
    from rich.text import Text

    if chart and timeline.total > 1:
        return [CountChart(entries, finest=timeline.by), Text("")]
    return []


class CountChart:
    """Bars of entries per period, as many bins as the width allows."""

    def __init__(self, entries: Sequence[Listed], *, finest: Unit = Unit.MONTH, height: int = 3):
        self.entries = entries
        self.finest = finest
        self.height = max(1, height)

    def counts(self, width: int) -> Counts:
        return count_periods(self.entries, max_bins=max(1, width), finest=self.finest)

    def drawn(self, width: int, blocks: str = BLOCKS) -> _Drawn:
        """The chart's lines for ``width`` cells, as text."""
        from chronicle.dates import format_range

        counts = self.counts(width)
        bins = counts.bins
        drawn = _Drawn(f"Entries per {counts.unit_label}")
        if bins:
            from chronicle.dates import PartialDate

            last = bins[-1].start
            if counts.unit is Unit.YEAR and counts.last_year is not None:
                last = PartialDate(counts.last_year)  # the range covers the last entry
            span = format_range(bins[0].start, last)
            drawn.span = f" · {span} · peak {counts.peak}"
        if bins and counts.peak:
            # Month names alone when the caption already gives the one year they are in.
            short = counts.unit is Unit.MONTH and bins[0].start.year == bins[-1].start.year
            labels = [counts.bin_label(b, short=short) for b in bins]
            longest = max(len(label) for label in labels)
            if len(bins) * (longest + 1) <= width:
                column = min(max(4, longest + 1), width // len(bins))  # a label under each bar
            else:
                column = max(1, min(4, width // len(bins)))
            drawn.bars = self._bars(counts, column, blocks)
            drawn.rule = "─" * min(width, column * len(bins))
            drawn.ticks = _tick_labels(counts, labels, column, width)
        if counts.uncounted:
            unit = "year" if counts.unit is Unit.MONTH else "year or month"
            many = "entry" if counts.uncounted == 1 else "entries"
            drawn.note = f"({counts.uncounted} {many} dated only to the {unit} not counted)"
        return drawn

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        drawn = self.drawn(options.max_width,
                           BLOCKS if holds_blocks(console.encoding) else ASCII_BLOCKS)
        caption = Text(drawn.caption, style="bold")
        if drawn.span:
            caption.append(drawn.span, style=MUTED)
        yield caption
        if drawn.rule is not None:
            for line in drawn.bars:
                yield Text(line, style="green", no_wrap=True, overflow="crop")
            yield Text(drawn.rule, style=MUTED, no_wrap=True)
            yield Text(drawn.ticks, style=MUTED, no_wrap=True, overflow="crop")
        if drawn.note:
            yield Text(drawn.note, style=MUTED)

    def text(self, width: int, blocks: str = BLOCKS) -> str | None:
        """What printing the chart on a console ``width`` cells wide writes without
        styles (a pipe), made without Rich; None when Rich must lay it out (a line
        wider than the console: the caption or note would wrap)."""
        drawn = self.drawn(width, blocks)
        lines = [drawn.caption + drawn.span]
        if drawn.rule is not None:
            lines += [*drawn.bars, drawn.rule, drawn.ticks]
        if drawn.note:
            lines.append(drawn.note)
        if any(cell_len(line) > width or not line.isprintable() for line in lines):
            return None
        return "".join(line + "\n" for line in lines)

    def _bars(self, counts: Counts, column: int, blocks: str = BLOCKS) -> list[str]:
        # A gap between bars when they are wider than one column, so neighbours stay apart.
        bar = column - 1 if column > 1 else 1
        levels = self.height * 8
        heights = [
            0 if not b.count else max(1, round(b.count / counts.peak * levels))
            for b in counts.bins
        ]
        lines = []
        for row in range(self.height):
            floor = (self.height - 1 - row) * 8
            line = "".join(
                (blocks[min(8, max(0, h - floor))] * bar).ljust(column) for h in heights
            )
            lines.append(line.rstrip())
        return lines


class _Drawn:
    """A count chart's lines: the caption (and its muted span), the bars' rows, the
    rule and tick labels under them (None: no bars), the note on entries not counted."""

    def __init__(self, caption: str) -> None:
        self.caption = caption
        self.span = ""
        self.bars: list[str] = []
        self.rule: str | None = None
        self.ticks = ""
        self.note = ""


def chart_text(timeline: Timeline, entries: Sequence[Listed], *, width: int,
               encoding: str | None, chart: bool = True) -> str | None:
    """What printing `chart_view` on a console ``width`` cells wide writes into a pipe
    (no styles), made without Rich; None when only Rich can lay it out."""
    if not (chart and timeline.total > 1):
        return ""
    blocks = BLOCKS if holds_blocks(encoding) else ASCII_BLOCKS
    drawn = CountChart(entries, finest=timeline.by).text(width, blocks)
    return None if drawn is None else drawn + "\n"


def _tick_labels(counts: Counts, labels: Sequence[str], column: int, width: int) -> str:
    longest = max(len(label) for label in labels)
    steps = TICK_STEPS[counts.unit]
    every = next((s for s in steps if s * column >= longest + 1), steps[-1] * 10)
    first_index = _absolute_index(counts, 0)
    line = ""
    for position, label in enumerate(labels):
        if (first_index + position) % every:
            continue
        start = position * column
        if start < len(line) + (1 if line else 0) or start + len(label) > width:
            continue
        line = line.ljust(start) + label
    return line


def _absolute_index(counts: Counts, position: int) -> int:
    """A bin's index counted from a fixed origin, so ticks land on round periods."""
    from chronicle.calendar import day_number

    date = counts.bins[position].start
    if counts.unit is Unit.YEAR:
        return date.year // counts.step
    assert date.month is not None
    if counts.unit is Unit.MONTH:
        return date.year * 12 + date.month - 1
    assert date.day is not None
    return day_number(date.year, date.month, date.day)


class TimelineBody:
    """Year headings, month (and day) headings, and one row per entry with a date gutter.

    Lines are wrapped here and yielded as segments: building a Rich ``Text`` per line
    made a timeline of 10,000 entries take seconds. `body_text` writes the same lines
    as the text Rich would write for them, without making a segment at all.
    """

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from _lines(_body_lines(self.timeline, _Styles(console), options.max_width))


def body_text(timeline: Timeline, console: Console | None, *, width: int = 80) -> str:
    """What printing `TimelineBody` on ``console`` writes, character for character
    (colours, escaped control characters, the console's width), made as strings;
    without a console, what a console ``width`` cells wide writes into a pipe (no
    styles), made without loading Rich.

    Rich spends most of a large timeline on its segments: at 9,000 entries this is
    several times faster. Tests hold it to the same output as Rich's.
    """
    from chronicle.controls import escape_controls

    codes = _Codes(console) if console is not None else _Codes.unstyled()
    out: list[str] = []
    append = out.append
    # Only the entries' own text can hold control characters, escaped piece by piece
    # (around the escape codes). One-cell text holds none: only other text is escaped.
    escape = escape_controls
    items = list(iter_items(timeline))
    width = max(20, console.width if console is not None else width)
    writer = _TextWriter(codes, width, _gutter_width(items, width), escape, append)
    for number, year in enumerate(timeline.years):
        if number:
            append("")
        writer.period(year)
    if any(item.imprecise for item in items):
        append("")
        append(_piece(LEGEND, codes.muted, escape))
    out.append("")
    return "\n".join(out)


def _piece(text: str, codes: tuple[str, str], escape: Callable[[str], str]) -> str:
    return codes[0] + escape(text) + codes[1] if text else ""


class _TextWriter:
    """`_period` and `_item_lines` written as the lines of text `body_text` gives,
    straight to ``append`` (a timeline has tens of thousands of lines: no list of
    pieces per line, and the date column's few distinct forms made once each)."""

    def __init__(self, codes: _Codes, width: int, gutter: int,
                 escape: Callable[[str], str], append: Callable[[str], None]) -> None:
        self.codes = codes
        self.width = width
        self.gutter = gutter
        self.content_width = max(8, width - gutter - 3)
        self.escape = escape
        self.append = append
        self.bar = _piece(" │ ", codes.muted, escape)
        self.bar_end = _piece(" │", codes.muted, escape)
        #: Per imprecise: the marker of a first line, and the date column left blank.
        self.marker = {True: _piece(" ○ ", codes.imprecise, escape),
                       False: _piece(" ● ", codes.bold, escape)}
        self.blank = {imprecise: self._date_piece("", imprecise) for imprecise in (True, False)}
        #: The blank date column and the spine, before a line of details.
        self.under = {imprecise: self.blank[imprecise] + self.bar for imprecise in (True, False)}
        self.dates: dict[tuple[str, bool], list[str]] = {}
        self.first: dict[tuple[str, bool], str] = {}
        muted_before, muted_after = codes.muted
        self.who = muted_before, muted_after
        self.tags = codes.tag
        self.separator = muted_before + " · " + muted_after

    def _date_piece(self, date: str, imprecise: bool) -> str:
        style = self.codes.imprecise if imprecise else self.codes.plain
        return _piece(" " * (self.gutter - cell_len(date)) + date, style, self.escape)

    def period(self, period: Period) -> None:
        for line in _heading(period, self.codes, self.width):
            self.append("".join([_piece(text, style, self.escape) for text, style in line]))
        for item in period.items:
            self.item(item)
        for child in period.children:
            self.period(child)

    def item(self, item: TimelineItem) -> None:
        entry, label, imprecise = item
        key = (label, imprecise)
        dates = self.dates.get(key)
        if dates is None:
            dates = self._dates(item)
        title = entry.title
        if _NOT_ONE_CELL.search(title) is not None:
            self._item(item)  # measured by cells, and escaped
            return
        # The details as `_details` makes them: places · people · #tags.
        who = ", ".join(entry.places)
        people = ", ".join(entry.people)
        if people:
            who = who + " · " + people if who else people
        tags = entry.tags
        tagged = "#" + " #".join(tags) if tags else ""
        text = who + " · " + tagged if who and tagged else who or tagged
        if text and _NOT_ONE_CELL.search(text) is not None:
            self._item(item)
            return
        # One cell a character, nothing to escape: written here as `_item` writes it.
        width = self.content_width
        bold_before, bold_after = self.codes.bold
        first = self.first[key]
        if first and len(title) <= width and (not text or (
                len(text) <= width and not text[0].isspace() and not text[-1].isspace())):
            # The usual entry: a date, a title and its details that each fit one line.
            head = title.strip()
            if head:
                self.append(first + bold_before + head + bold_after)
                if text:
                    details = self.under[imprecise]
                    if who:
                        details += self.who[0] + who + self.who[1]
                        if tagged:
                            details += self.separator
                    if tagged:
                        details += self.tags[0] + tagged + self.tags[1]
                    self.append(details)
                return
        titles = _wrap_one_cell(title, width)
        lines = _wrap_one_cell(text, width) if text else []
        # Each line of details clipped to the spans `_details` gives: who (muted), the
        # separator (muted), the tags.
        who_end = len(who)
        tags_start = who_end + 3 if who else 0
        who_before, who_after = self.who
        tags_before, tags_after = self.tags
        heads = len(titles)
        rows = heads + len(lines)
        for index, line in enumerate(self._leads(dates, rows, imprecise)):
            if index < heads:
                start, end = titles[index]
                if start < end:
                    line += bold_before + title[start:end] + bold_after
            elif index < rows:
                start, end = lines[index - heads]  # start < end
                if start < who_end:
                    line += who_before + text[start:end if end < who_end else who_end] + who_after
                if tagged:
                    if who and start < tags_start and end > who_end:
                        line += (who_before
                                 + text[start if start > who_end else who_end:
                                        end if end < tags_start else tags_start]
                                 + who_after)
                    if end > tags_start:
                        line += (tags_before + text[start if start > tags_start else tags_start:end]
                                 + tags_after)
            self.append(line)

    def _dates(self, item: TimelineItem) -> list[str]:
        """The date column's lines of ``item``'s date, made once per date."""
        imprecise = item.imprecise
        key = (item.label, imprecise)
        gutter = item.gutter
        if len(gutter) <= self.gutter and _NOT_DATE_CELL.search(gutter) is None:
            # One line, one cell a character (nearly every date): as _gutter_lines
            # and _date_piece make it, without measuring or wrapping.
            style = self.codes.imprecise if imprecise else self.codes.plain
            date = gutter.strip()
            dates = [style[0] + " " * (self.gutter - len(date)) + date + style[1]
                     if date else self.blank[imprecise]]
        else:
            dates = [self._date_piece(date, imprecise)
                     for date in _gutter_lines(gutter, self.gutter)] or [self.blank[imprecise]]
        self.dates[key] = dates
        self.first[key] = dates[0] + self.marker[imprecise] if len(dates) == 1 else ""
        return dates

    def _leads(self, dates: list[str], rows: int, imprecise: bool) -> list[str]:
        """The date column and the marker or spine that start each of an entry's lines,
        for ``rows`` lines of title and details."""
        leads = [dates[0] + self.marker[imprecise]]
        leads += [date + (self.bar if index < rows else self.bar_end)
                  for index, date in enumerate(dates[1:], 1)]
        leads += [self.under[imprecise]] * (rows - len(leads))
        return leads

    def _item(self, item: TimelineItem) -> None:
        escape = self.escape
        imprecise = item.imprecise
        dates = self.dates[item.label, imprecise]
        title = item.entry.title
        titles = wrap(title, self.content_width)
        text, spans = _details(item, self.codes)
        details = wrap(text, self.content_width) if text else []
        heads = len(titles)
        rows = heads + len(details)
        bold_before, bold_after = self.codes.bold
        for index, line in enumerate(self._leads(dates, rows, imprecise)):
            if index < heads:
                start, end = titles[index]
                if start < end:
                    line += bold_before + escape(title[start:end]) + bold_after
            elif index < rows:
                start, end = details[index - heads]
                if start == 0 and end == len(text):  # all on one line: every span whole
                    line += "".join([before + escape(text[a:b]) + after
                                     for a, b, (before, after) in spans])
                else:
                    line += "".join([before + escape(text[a:b]) + after
                                     for a, b, (before, after) in _clip(spans, start, end)])
            self.append(line)


def _body_lines(timeline: Timeline, styles: _Styles | _Codes, max_width: int) -> Iterator[Line]:
    """Every line of the body as ``(text, style)`` pieces; a blank line between years."""
    width = max(20, max_width)
    items = list(iter_items(timeline))
    gutter = _gutter_width(items, width)
    for number, year in enumerate(timeline.years):
        if number:
            yield []
        yield from _period(year, styles, width, gutter)
    if any(item.imprecise for item in items):
        yield []
        yield [(LEGEND, styles.muted)]


def _gutter_width(items: list[TimelineItem], width: int) -> int:
    # Measured once per distinct date: a year of entries repeats a few hundred.
    gutters = {(label, imprecise) for _, label, imprecise in items}
    longest = max((cell_len(IMPRECISE_MARK + label if imprecise else label)
                   for label, imprecise in gutters), default=4)
    return min(longest, max(6, width // 4), 26)


class _Styles:
    """The styles of a timeline, parsed once per rendering."""

    def __init__(self, console: Console) -> None:
        self.plain = console.get_style("none")
        self.bold = console.get_style("bold")
        self.italic = console.get_style("italic")
        self.muted = console.get_style(MUTED)
        self.tag = console.get_style(TAG_STYLE)
        self.imprecise = console.get_style(IMPRECISE_STYLE)
        self.muted_bold = console.get_style(f"bold {MUTED}")


#: A character no style's escape codes hold, to find where a styled text goes.
_PROBE = "\ue000"


def style_codes(console: Console, style: Any) -> tuple[str, str]:
    """The text ``console`` writes before and after a piece of text in ``style``
    (nothing without colour; no colours under NO_COLOR), learnt from Rich itself."""
    from rich.text import Text

    with console.capture() as capture:
        console.print(Text(_PROBE, style=style), end="")
    before, _, after = capture.get().partition(_PROBE)
    return before, after


class _Codes:
    """The same styles as the text ``console`` writes before and after a piece of text,
    by `style_codes`; None: no styles (a pipe)."""

    def __init__(self, console: Console | None) -> None:
        def codes(style: str) -> tuple[str, str]:
            return style_codes(console, style) if console is not None else ("", "")

        self.plain = ("", "")
        self.bold = codes("bold")
        self.italic = codes("italic")
        self.muted = codes(MUTED)
        self.tag = codes(TAG_STYLE)
        self.imprecise = codes(IMPRECISE_STYLE)
        self.muted_bold = codes(f"bold {MUTED}")

    @classmethod
    def unstyled(cls) -> _Codes:
        return cls(None)


Line = list[tuple[str, Any]]


def _lines(lines: Iterable[Line]) -> Iterator[Segment]:
    from rich.segment import Segment

    for line in lines:
        for text, style in line:
            if text:
                yield Segment(text, style)
        yield Segment.line()


def _heading(period: Period, styles: _Styles | _Codes, width: int) -> list[Line]:
    label = period.label[:width]
    if period.unit is Unit.YEAR:
        rule = " " + "─" * max(0, width - cell_len(label) - 1)
        return [[(label, styles.bold), (rule, styles.muted)]]
    return [[(label, styles.bold if period.unit is Unit.MONTH else styles.italic)]]


def _period(period: Period, styles: _Styles | _Codes, width: int,
            gutter: int) -> Iterator[Line]:
    yield from _heading(period, styles, width)
    for item in period.items:
        yield from _item_lines(item, styles, width, gutter)
    for child in period.children:
        yield from _period(child, styles, width, gutter)


def _item_lines(item: TimelineItem, styles: _Styles | _Codes, width: int,
                gutter: int) -> list[Line]:
    """``   17–18 Apr ● Title`` and the wrapped details under it, hung from a spine."""
    entry = item.entry
    content_width = max(8, width - gutter - 3)
    date_style = styles.imprecise if item.imprecise else styles.plain
    dates = _gutter_lines(item.gutter, gutter)
    body: list[Line] = [
        [(entry.title[start:end], styles.bold)] for start, end in wrap(entry.title, content_width)
    ]
    text, spans = _details(item, styles)
    for start, end in wrap(text, content_width):
        body.append([(text[a:b], style) for a, b, style in _clip(spans, start, end)])
    lines: list[Line] = []
    for index in range(max(len(dates), len(body))):
        date = dates[index] if index < len(dates) else ""
        line: Line = [(" " * (gutter - cell_len(date)) + date, date_style)]
        if index == 0:
            marker = styles.imprecise if item.imprecise else styles.bold
            line.append((" ○ " if item.imprecise else " ● ", marker))
        else:
            line.append((" │ " if index < len(body) else " │", styles.muted))
        if index < len(body):
            line.extend(body[index])
        lines.append(line)
    return lines


@lru_cache(maxsize=4096)  # a busy year repeats the same few hundred day labels
def _gutter_lines(label: str, width: int) -> list[str]:
    """The date label in lines of ``width``, broken after a range's dash where possible,
    so ``30 Dec 2013 –`` / ``2 Jan 2014`` rather than ``30 Dec 2013 – 2`` / ``Jan 2014``."""
    dash = f" {EN_DASH} "
    parts = label.split(dash)
    pieces = [part + (dash.rstrip() if n < len(parts) - 1 else "") for n, part in enumerate(parts)]
    lines: list[str] = []
    for piece in pieces:
        if lines and cell_len(lines[-1]) + 1 + cell_len(piece) <= width:
            lines[-1] += " " + piece
        else:
            lines.append(piece)
    return [line[start:end] for line in lines for start, end in wrap(line, width)]


def _details(
    item: TimelineItem, styles: _Styles | _Codes
) -> tuple[str, list[tuple[int, int, Any]]]:
    """Places and people (muted), then tags: the text and its style spans."""
    entry = item.entry
    parts = [", ".join(entry.places), ", ".join(entry.people)]
    text = " · ".join(part for part in parts if part)
    spans = [(0, len(text), styles.muted)] if text else []
    if entry.tags:
        if text:
            spans.append((len(text), len(text) + 3, styles.muted))
            text += " · "
        tags = " ".join(f"#{tag}" for tag in entry.tags)
        spans.append((len(text), len(text) + len(tags), styles.tag))
        text += tags
    return text, spans


def _clip(
    spans: list[tuple[int, int, Any]], start: int, end: int
) -> Iterator[tuple[int, int, Any]]:
    for a, b, style in spans:
        a, b = max(a, start), min(b, end)
        if a < b:
            yield a, b, style


_WORD_START = re.compile(r"\S")
_LAST_GAP = re.compile(r"\s\S*\Z")


def _wrap_ascii(text: str, width: int) -> list[tuple[int, int]]:
    """`wrap` for ASCII text, a line at a time rather than a word at a time (a timeline
    wraps thousands of these): each line ends at the last gap before ``width``."""
    lines: list[tuple[int, int]] = []
    size = len(text)
    first = _WORD_START.search(text)
    start = first.start() if first else size
    while start < size:
        limit = start + width
        if limit >= size:
            end = len(text.rstrip())
        elif text[limit].isspace():
            end = len(text[:limit].rstrip())
        else:
            gap = _LAST_GAP.search(text, start, limit)
            end = len(text[: gap.start()].rstrip()) if gap else limit  # else cut the word
        lines.append((start, end))
        following = _WORD_START.search(text, end)
        start = following.start() if following else size
    return lines


def _wrap_one_cell(text: str, width: int) -> list[tuple[int, int]]:
    """`wrap` for text known to be one cell a character (no control characters)."""
    if len(text) <= width:
        first = _WORD_START.search(text)
        return [(first.start(), len(text.rstrip()))] if first else []
    if "\u00a0" in text:  # the only other white space in ONE_CELL
        return _wrap_ascii(text, width)
    return _wrap_spaced(text, width)


_NOT_SPACE = re.compile("[^ ]")


def _wrap_spaced(text: str, width: int) -> list[tuple[int, int]]:
    """`_wrap_ascii` for text whose only white space is the space, with string methods."""
    lines: list[tuple[int, int]] = []
    size = len(text.rstrip(" "))
    start = len(text) - len(text.lstrip(" "))
    while start < size:
        limit = start + width
        if limit >= size:
            end = size
        elif text[limit] == " ":
            end = start + len(text[start:limit].rstrip(" "))
        else:
            gap = text.rfind(" ", start, limit)
            end = start + len(text[start:gap].rstrip(" ")) if gap >= 0 else limit
        lines.append((start, end))
        following = _NOT_SPACE.search(text, end)
        start = following.start() if following else size
    return lines


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """Greedy word wrap by terminal cells: ``(start, end)`` of each line of ``text``.

    Lines break at spaces (the spaces are dropped); a word wider than ``width`` is cut.
    """
    if text.isascii() or ONE_CELL.issuperset(text):  # one cell a character: most text
        if len(text) <= width:  # one line (what _wrap_ascii gives, without its search)
            first = _WORD_START.search(text)
            return [(first.start(), len(text.rstrip()))] if first else []
        return _wrap_ascii(text, width)
    return _wrap_words(text, width)




def _wrap_words(text: str, width: int,
                cells: Callable[[str], int] = cell_len) -> list[tuple[int, int]]:
    """`wrap` a word at a time, measuring with ``cells``."""
    lines: list[tuple[int, int]] = []
    start = end = 0  # the current line, without its trailing spaces
    used = 0
    for match in re.finditer(r"\S+", text):
        word_start, word_end = match.span()
        word = cells(match.group())
        gap = cells(text[end:word_start]) if used else 0
        if used and used + gap + word <= width:
            end, used = word_end, used + gap + word
            continue
        if used:
            lines.append((start, end))
        while word > width:  # too wide for any line: cut it
            cut = word_start + len(chop_cells(text[word_start:word_end], width)[0])
            lines.append((word_start, cut))
            word_start = cut
            word = cells(text[word_start:word_end])
        start, end, used = word_start, word_end, word
    if used:
        lines.append((start, end))
    return lines
