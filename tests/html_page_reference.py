"""The HTML page as the whole-string writer made it: the oracle for the streamed writer.

``chronicle.html_page`` writes the page piece by piece from entries read one at a time;
this is the straightforward version it replaced (every entry in memory, the data as one
dict, the page as one string), kept to prove the two write the same bytes.
"""

from __future__ import annotations

import html
from array import array
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chronicle.dates import format_range
from chronicle.html_page import (
    _DATA_MARK,
    _DAY_SECONDS,
    _PRECISIONS,
    CSS,
    DATA_ELEMENT_ID,
    DETAILS_CHUNK,
    PAGE,
    SCRIPT,
    _csp_hash,
    _day_value,
    _search_keys,
    deflate_chunks,
    duration_label,
    encode_postings,
    fold_table,
    instant_days,
    page_variants,
    script_json,
    subtitle,
)

if TYPE_CHECKING:
    from chronicle.model import Entry
    from chronicle.names import NameRegistry


def page_data(
    entries: Sequence[Entry], *, title: str, registry: NameRegistry | None = None
) -> dict[str, Any]:
    """What the page's script reads, as columns: one list per field, entry ``i`` at ``i``.

    Names are written once each (``kinds``: per kind, the spellings the entries use and
    the filter option each belongs to); entries hold their positions in that table. The
    search's words are a sorted table of variant keys (``words``) with, for each, the
    entries holding it (``postings``, see ``encode_postings``), so the script never folds
    the entries' text itself.
    """
    from chronicle.names import WORD_RE
    from chronicle.stats import NameCounter

    counter = NameCounter(registry)
    options: dict[str, list[list[Any]]] = {}
    kinds: dict[str, dict[str, list[Any]]] = {}
    columns: dict[str, list[Any]] = {}
    for kind, field in (("tag", "tags"), ("person", "people"), ("place", "places")):
        counts = counter.count(entries, kind)
        counts.sort(key=lambda count: (count.label.casefold(), count.label))
        options[kind] = [[count.label, count.count] for count in counts]
        option_of = {count.key: index for index, count in enumerate(counts)}
        spellings: dict[str, int] = {}
        spelling_option: list[int] = []
        column: list[list[int]] = []
        for entry in entries:
            row = []
            for name in getattr(entry, field):
                at = spellings.get(name)
                if at is None:
                    at = spellings[name] = len(spelling_option)
                    spelling_option.append(option_of[counter.key(name)[0]])
                row.append(at)
            column.append(row)
        kinds[kind] = {"names": list(spellings), "option": spelling_option}
        columns[field] = column

    alias_cache: dict[str, list[str]] = {}

    def aliases_of(name: str) -> list[str]:
        found = alias_cache.get(name)
        if found is None:
            found = sorted(registry.forms(name) - {name}) if registry is not None else []
            alias_cache[name] = found
        return found

    # The words of each entry as the script's searchKey() would make them of the text it
    # searches: title, summary, body, the date as shown and as written, names and their
    # declared spellings, source titles.
    word_counts: dict[str, int] = {}
    keys_of: dict[str, list[str]] = {}
    # Arrays of C ints: a list would hold an object per (word, entry), millions at 100k.
    postings: dict[str, array[int]] = {}
    ids, titles, summaries, labels, dates, more = [], [], [], [], [], []
    details: list[list[Any]] = []
    precision, years, months, starts, stops, ranges, durations = [], [], [], [], [], [], []
    for number, entry in enumerate(entries):
        span = entry.span
        start = instant_days(span.start)
        # The last instant is the start of the span's last second: add that second.
        stop = instant_days(span.end) + 1 / _DAY_SECONDS
        label = format_range(entry.date, entry.end)
        ids.append(entry.id)
        titles.append(entry.title)
        summaries.append(entry.summary or "")
        labels.append(label)
        dates.append(entry.date.isoformat())
        precision.append(entry.precision - 1)
        years.append(entry.date.year)
        months.append(entry.date.month or 0)
        starts.append(_day_value(start))
        stops.append(_day_value(stop))
        ranges.append(1 if entry.end is not None else 0)
        durations.append((duration_label(stop - start) or "") if entry.end else "")
        details.append([entry.body or "", [[source.title or "", source.url or "",
                                             source.date or ""] for source in entry.sources]])
        more.append((1 if entry.body else 0) | (2 if entry.sources else 0))
        names = (*entry.people, *entry.places, *entry.tags)
        # The matcher weighs how many entries hold a word in their own text and names.
        held = set(WORD_RE.findall(" ".join(
            (entry.title, entry.summary or "", entry.body or "", *names))))
        for word in held:
            word_counts[word] = word_counts.get(word, 0) + 1
        extra = [label, dates[-1], *(source.title or "" for source in entry.sources)]
        if registry is not None:
            for name in names:
                extra += aliases_of(name)
        keys: set[str] = set()
        for word in held.union(WORD_RE.findall(" ".join(extra))):
            found = keys_of.get(word)
            if found is None:
                found = keys_of[word] = _search_keys(word)
            keys.update(found)
        for key in keys:
            posting = postings.get(key)
            if posting is None:
                posting = postings[key] = array("i")
            posting.append(number)
    words = sorted(postings)
    return {
        "title": title,
        "fold": fold_table(),
        "options": options,
        "kinds": kinds,
        "precisions": _PRECISIONS,
        "entries": {
            "id": ids, "title": titles, "summary": summaries, "label": labels,
            "date": dates, "precision": precision, "y": years, "m": months,
            "t0": starts, "t1": stops, "range": ranges, "duration": durations,
            "people": columns["people"], "places": columns["places"],
            "tags": columns["tags"], "more": more,
        },
        "detailsChunk": DETAILS_CHUNK,
        "details": deflate_chunks(details),
        "words": words,
        "postings": [encode_postings(postings[word]) for word in words],
        **page_variants(word_counts),
    }


def whole_page(
    entries: list[Entry], *, title: str, registry: NameRegistry | None = None
) -> str:
    """The whole page as text. ``registry`` (the chronicle's ``names:``) lets a search
    for any declared spelling find the others and groups the filter lists by name."""
    data = script_json(page_data(entries, title=title, registry=registry))
    policy = "; ".join(
        [
            "default-src 'none'",
            f"style-src {_csp_hash(CSS)}",
            f"script-src {_csp_hash(SCRIPT)}",
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    head, _, tail = PAGE.format(
        title=html.escape(title),
        subtitle=html.escape(subtitle(entries)),
        policy=policy,  # quotes are single, base64 has no & or <: nothing to escape
        css=CSS,
        script=SCRIPT,
        data=_DATA_MARK,
        data_id=DATA_ELEMENT_ID,
    ).partition(_DATA_MARK)
    # Joined rather than formatted in: the data can run to many megabytes.
    return "".join((head, data, tail))
