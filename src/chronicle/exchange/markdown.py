"""Markdown: a readable document of the entries, grouped by year and month; and the
outline ``timeline --format markdown`` writes.

A ``##`` heading per year (``44 BCE`` for BCE years), a ``###`` heading per month, and a
``####`` heading per entry with its date, people, places, tags and custom fields, the
summary in italics, the body as written (it is Markdown already) and the sources as
links. Entries known only to the year come first under their year, before the months;
an entry that spans a period is filed under the period's start.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from chronicle.dates import year_label
from chronicle.exchange import Exported, ExportOptions
from chronicle.model import Entry

if TYPE_CHECKING:
    from chronicle.timeline import Period, Timeline, TimelineItem

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December",
)
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """Text that Markdown shows as written (a title with ``*`` or ``#`` in it)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def export_markdown(entries: Sequence[Entry], options: ExportOptions) -> Exported:
    ordered = sorted(entries, key=lambda entry: entry.sort_key)
    return Exported("".join(markdown_chunks(ordered, options, Exported(""))))


def markdown_chunks(entries: Iterable[Entry], options: ExportOptions, out: Exported
                    ) -> Iterator[str]:
    """`export_markdown`'s text a piece per entry, for entries already in chronicle
    order (``sort_key``); ``out`` takes the warnings (markdown has none)."""
    return strip_trailing_newlines(_markdown_pieces(entries, options))


def _markdown_pieces(entries: Iterable[Entry], options: ExportOptions) -> Iterator[str]:
    lines: list[str] = [f"# {escape(options.title)}", ""]
    year: int | None = None
    month: int | None = None
    empty = True
    for entry in entries:
        if empty:
            empty = False
            yield "".join(line + "\n" for line in lines)
            lines = []
        if entry.date.year != year:
            year, month = entry.date.year, None
            lines += [f"## {year_label(year)}", ""]
        if entry.date.month is not None and entry.date.month != month:
            month = entry.date.month
            lines += [f"### {MONTH_NAMES[month - 1]} {year_label(year)}", ""]
        lines += entry_lines(entry)
        yield "".join(line + "\n" for line in lines)
        lines = []
    if empty:
        lines += ["No entries.", ""]
        yield "".join(line + "\n" for line in lines)


def strip_trailing_newlines(pieces: Iterable[str]) -> Iterator[str]:
    """``"".join(pieces).rstrip("\\n") + "\\n"``, a piece at a time: newlines at the end
    of a piece are held back until more text follows them."""
    held = 0
    for piece in pieces:
        text = piece.rstrip("\n")
        if text:
            yield "\n" * held + text
            held = len(piece) - len(text)
        else:
            held += len(piece)
    yield "\n"


def entry_lines(entry: Entry) -> list[str]:
    lines = [f"#### {escape(entry.title)}", ""]
    facts = [f"*{escape(entry.date_label())}*"]
    for label, values in (("People", entry.people), ("Places", entry.places), ("Tags", entry.tags)):
        if values:
            facts.append(f"**{label}:** {', '.join(escape(value) for value in values)}")
    for key, value in entry.extra.items():
        facts.append(f"**{escape(key)}:** {escape(_plain(value))}")
    # Two trailing spaces: a Markdown line break, so each fact keeps its own line.
    lines += [line + "  " for line in facts[:-1]] + [facts[-1], ""]
    if entry.summary and entry.summary.strip():
        lines += [f"*{escape(entry.summary)}*", ""]
    if entry.body and entry.body.strip():
        lines += [entry.body.strip(), ""]
    if entry.sources:
        lines += ["Sources:", ""]
        for source in entry.sources:
            lines.append(f"- {_source(source.title, source.url, source.date)}")
        lines.append("")
    return lines


def _source(title: str | None, url: str | None, date: str | None) -> str:
    if url and title:
        text = f"[{escape(title)}](<{url}>)"
    elif url:
        text = f"<{url}>"
    else:
        text = escape(title or "")
    return f"{text}, {date}" if date else text


def _plain(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_plain(item) for item in value)
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


# -- timeline --format markdown --------------------------------------------------------


def timeline_markdown(timeline: Timeline, title: str | None = None) -> str:
    """``timeline --format markdown``: a Markdown outline, a heading per year and month
    (and day), a bullet per entry; nothing at all for an empty timeline."""
    if not timeline.total:
        return ""
    lines: list[str] = []
    if title:
        lines += [f"# {_md_escape(title)}", ""]

    def walk(node: Period, depth: int) -> None:
        lines.append(f"{'#' * depth} {node.label}")
        lines.append("")
        for item in node.items:
            lines.append(_md_item(item))
        if node.items:
            lines.append("")
        for child in node.children:
            walk(child, depth + 1)

    for year in timeline.years:
        walk(year, 2 if title else 1)
    from chronicle.timeline import LEGEND, iter_items

    if any(item.imprecise for item in iter_items(timeline)):
        lines.append(f"*{LEGEND}*")
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_item(item: TimelineItem) -> str:
    entry = item.entry
    # The gutter is made of digits, month names, dashes and ~: nothing Markdown reads.
    text = f"- **{item.gutter}** {_md_escape(entry.title)}"
    details = [", ".join(entry.places), ", ".join(entry.people)]
    details = [_md_escape(part) for part in details if part]
    if entry.tags:
        details.append(" ".join(f"`{tag.replace('`', '')}`" for tag in entry.tags))
    if details:
        text += " — " + " · ".join(details)
    return text


#: The characters `_md_escape` escapes. Most text holds none (a timeline escapes
#: thousands of titles and names): one search spares eleven replacements.
_MD_SPECIAL = re.compile(r"[\\`*_\[\]<>#|~]")


def _md_escape(text: str) -> str:
    text = " ".join(text.split())  # a newline in a title would break the list
    if _MD_SPECIAL.search(text) is None:
        return text
    for char in "\\`*_[]<>#|~":
        text = text.replace(char, "\\" + char)
    return text
