"""One self-contained HTML page that draws a chronicle as a timeline.

The page's HTML, CSS and JavaScript are package data (``page/page.html``, ``page.css``,
``page.js``), read once with importlib.resources. Everything the page needs is inside
the written page: CSS and JavaScript inline, the entries as one JSON block of columns
in a ``<script type="application/json">`` (``page_data``). A Content-Security-Policy forbids
every fetch, so the page works offline and cannot leak what it shows. The script draws
an overview axis (years, months or days, whichever fits; BCE years labelled as such)
with each entry placed by date, ranges as bars and dates known only to the month or
year as hatched bars over that whole period (a range from such a date hatched in the
range's colour); too many entries to draw one by one become bars counting the entries
per stretch of time. The legend names each kind of mark the axis holds, and only those.
Below it, the entries grouped by year and month, of which only the rows near the window
are drawn. A search box (folded like
``chronicle.names.fold``, so case, accents, Cyrillic and transliteration do not matter,
and looked up in the word table the export writes) and tag, person and place filters
narrow both.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import zlib
from array import array
from collections.abc import Mapping, Sequence
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from chronicle import jsontext
from chronicle.calendar import day_number
from chronicle.dates import Instant, Precision, format_range

if TYPE_CHECKING:
    from chronicle.model import Entry
    from chronicle.names import NameRegistry

DATA_ELEMENT_ID = "chronicle-data"
# Stands for the data while the page is formatted; escaped text never holds a "<".
_DATA_MARK = "<chronicle-data/>"
_DAY_SECONDS = 86_400


def _asset(name: str) -> str:
    return (files("chronicle") / "page" / name).read_text(encoding="utf-8")


#: The page's template (``str.format`` fields), its style sheet and its script.
PAGE = _asset("page.html")
CSS = _asset("page.css")
SCRIPT = _asset("page.js")


def instant_days(instant: Instant) -> float:
    """An instant as days (with the fraction of the day) since 1970-01-01."""
    seconds = instant.hour * 3600 + instant.minute * 60 + instant.second
    return day_number(instant.year, instant.month, instant.day) + seconds / _DAY_SECONDS


def duration_label(days: float) -> str | None:
    """``3 days``, ``5 months``, ``12 years``; None under a day (the date label says it)."""
    if days < 1:
        return None
    if days < 60:
        count, unit = round(days), "day"
    elif days < 730:
        count, unit = round(days / 30.436875), "month"
    else:
        count, unit = round(days / 365.2425), "year"
    return f"{count} {unit}" if count == 1 else f"{count:,} {unit}s"


def fold_table() -> dict[str, str]:
    """The letters ``chronicle.names.fold`` maps by hand, for the page's own fold()."""
    from chronicle.names import letter_table

    return letter_table()


#: Entry numbers in a posting list are written as gaps, five bits to a character: the
#: first 32 characters end a number, the last 32 carry its higher bits. None of them needs
#: escaping in JSON or inside a ``<script>`` element.
POSTING_DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_ENDING = POSTING_DIGITS[:32]
_GOING_ON = POSTING_DIGITS[32:]
_PRECISIONS = [precision.name.lower() for precision in Precision]
#: Entries per chunk of details (bodies and sources), deflated together: a chunk is
#: inflated when one of its entries is drawn, so chunks are small, but each starts its
#: compression afresh.
DETAILS_CHUNK = 256


def encode_postings(numbers: Sequence[int]) -> str:
    """Ascending entry numbers as gap characters (``POSTING_DIGITS``).

    Each number is written as its distance from the one before, less one, so entries in a
    row cost one character each: ``[0, 1, 2, 40]`` is ``"000"`` then ``"X5"`` (37, in
    two characters).
    """
    out: list[str] = []
    previous = -1
    for number in numbers:
        gap = number - previous - 1
        previous = number
        if gap < 32:
            out.append(_ENDING[gap])
            continue
        digits = [_ENDING[gap & 31]]
        gap >>= 5
        while gap:
            digits.append(_GOING_ON[gap & 31])
            gap >>= 5
        out.append("".join(reversed(digits)))
    return "".join(out)


def decode_postings(text: str) -> list[int]:
    """``encode_postings`` read back (the page's script does the same)."""
    numbers: list[int] = []
    value, previous = 0, -1
    for char in text:
        digit = POSTING_DIGITS.index(char)
        if digit >= 32:
            value = value * 32 + digit - 32
        else:
            previous += value * 32 + digit + 1
            numbers.append(previous)
            value = 0
    return numbers


def deflate_chunks(rows: Sequence[Any]) -> list[str]:
    """``rows`` as JSON, ``DETAILS_CHUNK`` at a time, raw-deflated and in base64.

    The page's script reads a chunk back with the browser's own DecompressionStream
    ("deflate-raw"). Bodies are most of a chronicle's text, and shown only when an entry is
    opened: deflated, they take about half the room, and the page reads them only then.
    """
    chunks = []
    for start in range(0, len(rows), DETAILS_CHUNK):
        text = jsontext.dumps(rows[start:start + DETAILS_CHUNK], ensure_ascii=False,
                          separators=(",", ":"))
        deflate = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = deflate.compress(text.encode("utf-8")) + deflate.flush()
        chunks.append(base64.b64encode(packed).decode("ascii"))
    return chunks


def inflate_chunks(chunks: Sequence[str]) -> list[Any]:
    """``deflate_chunks`` read back."""
    rows: list[Any] = []
    for chunk in chunks:
        rows += json.loads(zlib.decompress(base64.b64decode(chunk), -15).decode("utf-8"))
    return rows


def _day_value(days: float) -> float | int:
    # A millionth of a day (under a tenth of a second) keeps every precision apart and
    # keeps the numbers short; whole days are written as integers.
    rounded = round(days, 6)
    return int(rounded) if rounded.is_integer() else rounded


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


def _search_keys(word: str) -> list[str]:
    from chronicle.names import fold_word, variant_key

    return [variant_key(folded) for folded in fold_word(word)]


def page_variants(counts: Mapping[str, int]) -> dict[str, dict[str, list[str]]]:
    """Search's matcher, worked out ahead for the page's offline search.

    ``counts`` holds each word of the entries (as written) with the number of entries
    holding it. For each word (by variant key, as the page's script keys words), the
    keys of the other words that search would find for it: vowel variants, other
    romanisations, rare misspellings, a place's adjective. The script looks a typed word
    up here, so the page finds what ``chronicle search`` finds; a word the entries do not
    hold is looked up by its readings (``readings``: the Russian-route and c/k readings
    of the words held, so Geidar finds Heydar), then falls back to its nearest words by
    edit distance (the script's own, with the same length-scaled limits).
    """
    from chronicle.matching import MemoryLexicon, Reason, analyze, expand
    from chronicle.names import variant_key

    lexicon = MemoryLexicon(counts)
    variants: dict[str, list[str]] = {}
    readings: dict[str, set[str]] = {}
    for word in counts:
        forms = analyze(word)
        if not forms.folded or forms.key in variants:
            continue
        found = sorted({variant_key(m.word) for m in expand(forms, lexicon)} - {forms.key})
        if found:
            variants[forms.key] = found
        if word[:1].isupper():
            for reason, key in forms.readings:
                if reason in (Reason.RUSSIAN, Reason.SPELLING):
                    readings.setdefault(key, set()).add(forms.key)
    return {"variants": variants,
            "readings": {key: sorted(keys) for key, keys in readings.items()}}


def script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element.

    Escaping every ``<``, ``>`` and ``&`` means no text in an entry can close the element
    (``</script>``) or open a comment (``<!--``); JSON.parse reads the escapes back.
    """
    text = jsontext.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def subtitle(entries: Sequence[Entry]) -> str:
    if not entries:
        return "No entries"
    first = min(entries, key=lambda entry: entry.date.first_instant())
    last = max(entries, key=lambda entry: (entry.end or entry.date).last_instant())
    count = f"{len(entries):,} {'entry' if len(entries) == 1 else 'entries'}"
    return f"{count} · {format_range(first.date, last.end or last.date)}"


def html_page(
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
