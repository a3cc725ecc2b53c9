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
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from importlib.resources import files
from itertools import chain, repeat
from operator import sub
from typing import TYPE_CHECKING, Any, cast

from chronicle import jsontext
from chronicle.calendar import day_number
from chronicle.dates import Instant, PartialDate, Precision, format_range
from chronicle.names import split_words

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
    entries: Iterable[Entry], *, title: str, registry: NameRegistry | None = None
) -> dict[str, Any]:
    """What the page's script reads (the data block `PageWriter` writes), as a value.

    Columns: one list per field, entry ``i`` at ``i``. Names are written once each
    (``kinds``: per kind, the spellings the entries use and the filter option each
    belongs to); entries hold their positions in that table. The search's words are a
    sorted table of variant keys (``words``) with, for each, the entries holding it
    (``postings``, see ``encode_postings``), so the script never folds the entries' text.
    """
    writer = PageWriter(title=title, registry=registry)
    for entry in entries:
        writer.add(entry)
    value: dict[str, Any] = json.loads("".join(writer.data_chunks()))
    return value


class _Names:
    """The one field of an entry ``NameCounter.count`` reads, rebuilt from the columns."""

    __slots__ = ("people", "places", "tags")


_append = array.append
_NAME_FIELDS = (("tag", "tags"), ("person", "people"), ("place", "places"))
_ENTRY_COLUMNS = ("id", "title", "summary", "label", "date", "precision", "y", "m", "t0",
                  "t1", "range", "duration", "people", "places", "tags", "more")


class PageWriter:
    """The page, made from entries given one at a time and written piece by piece.

    Each entry is reduced at once to what the page keeps of it: its columns as JSON text
    (UTF-8), its words as gap-encoded postings, its body and sources deflated with their
    chunk. Nothing holds the entries themselves, and the page is never one string:
    ``chunks()`` gives it in pieces (the largest a column), for a file or a pipe.
    """

    def __init__(self, *, title: str, registry: NameRegistry | None = None) -> None:
        self.title = title
        self.registry = registry
        self.count = 0
        self._columns = {name: bytearray() for name in _ENTRY_COLUMNS}
        # Per kind: each spelling's number (first seen first), and every entry's names as
        # those numbers, end to end (``_name_ends`` marks where each entry's stop).
        self._spellings: dict[str, dict[str, int]] = {kind: {} for kind, _ in _NAME_FIELDS}
        self._name_numbers = {kind: array("i") for kind, _ in _NAME_FIELDS}
        self._name_ends = {kind: array("i") for kind, _ in _NAME_FIELDS}
        self._aliases: dict[str, list[str]] = {}
        # Per word as written, the entries holding it in their own text and names (the
        # matcher weighs how many do), and those holding it elsewhere only (the date,
        # source titles, declared spellings of their names).
        self._held: dict[str, array[int]] = {}
        self._extra: dict[str, array[int]] = {}
        self._details: list[list[Any]] = []
        self._chunks: list[str] = []
        self._first: tuple[Any, PartialDate] | None = None
        self._last_date: tuple[Any, PartialDate] | None = None

    def add(self, entry: Entry) -> None:
        """Entry number ``count`` (entries come in the order the page lists them)."""
        number = self.count
        self.count += 1
        columns = self._columns
        span = entry.span
        start = instant_days(span.start)
        # The last instant is the start of the span's last second: add that second.
        stop = instant_days(span.end) + 1 / _DAY_SECONDS
        label = format_range(entry.date, entry.end)
        written = entry.date.isoformat()
        summary = entry.summary or ""
        for name, text in (("id", entry.id), ("title", entry.title), ("summary", summary),
                            ("label", label), ("date", written),
                            ("duration", (duration_label(stop - start) or "")
                             if entry.end else "")):
            columns[name] += _string(text)
        for name, value in (("precision", entry.precision - 1), ("y", entry.date.year),
                            ("m", entry.date.month or 0), ("t0", _day_value(start)),
                            ("t1", _day_value(stop)),
                            ("range", 1 if entry.end is not None else 0),
                            ("more", (1 if entry.body else 0) | (2 if entry.sources else 0))):
            columns[name] += _number(value)
        for kind, field in _NAME_FIELDS:
            spellings = self._spellings[kind]
            numbers = []
            for name in getattr(entry, field):
                at = spellings.get(name)
                if at is None:
                    at = spellings[name] = len(spellings)
                numbers.append(at)
            self._name_numbers[kind].extend(numbers)
            self._name_ends[kind].append(len(self._name_numbers[kind]))
            columns[field] += ("[" + ",".join(map(str, numbers)) + "],").encode("ascii")
        self._details.append([entry.body or "", [[source.title or "", source.url or "",
                                                   source.date or ""]
                                                  for source in entry.sources]])
        if len(self._details) == DETAILS_CHUNK:
            self._chunks += deflate_chunks(self._details)
            self._details = []
        self._add_words(number, entry, label, written)
        self._see_dates(entry)

    def _add_words(self, number: int, entry: Entry, label: str, written: str) -> None:
        # The words of the entry as the script's searchKey() would make them of the text
        # it searches: title, summary, body, the date as shown and as written, names and
        # their declared spellings, source titles.
        names = (*entry.people, *entry.places, *entry.tags)
        held = set(split_words(" ".join(
            (entry.title, entry.summary or "", entry.body or "", *names))))
        extra = [label, written, *(source.title or "" for source in entry.sources)]
        if self.registry is not None:
            for name in names:
                extra += self._aliases_of(name)
        only_extra = set(split_words(" ".join(extra))).difference(held)
        # The entry is put in each word's postings without a step of Python per word (at
        # 100k entries, some 11 million): a word's first entry makes its array.
        for words, postings in ((held, self._held), (only_extra, self._extra)):
            for word in words.difference(postings):
                postings[word] = array("i")
            deque(map(_append, map(postings.__getitem__, words), repeat(number)), maxlen=0)

    def _aliases_of(self, name: str) -> list[str]:
        found = self._aliases.get(name)
        if found is None:
            assert self.registry is not None
            found = self._aliases[name] = sorted(self.registry.forms(name) - {name})
        return found

    def _see_dates(self, entry: Entry) -> None:
        # The first and last dates for the subtitle: the earliest start (the first entry
        # holding it) and the latest end (likewise).
        first = entry.date.first_instant()
        if self._first is None or first < self._first[0]:
            self._first = (first, entry.date)
        last_date = entry.end or entry.date
        last = last_date.last_instant()
        if self._last_date is None or last > self._last_date[0]:
            self._last_date = (last, last_date)

    def subtitle(self) -> str:
        if self._first is None or self._last_date is None:
            return "No entries"
        count = f"{self.count:,} {'entry' if self.count == 1 else 'entries'}"
        return f"{count} · {format_range(self._first[1], self._last_date[1])}"

    def _name_tables(self) -> tuple[dict[str, Any], dict[str, Any]]:
        from chronicle.stats import NameCounter

        counter = NameCounter(self.registry)
        options: dict[str, list[list[Any]]] = {}
        kinds: dict[str, dict[str, list[Any]]] = {}
        for kind, field in _NAME_FIELDS:
            spellings = list(self._spellings[kind])
            numbers, ends = self._name_numbers[kind], self._name_ends[kind]

            def named(field: str = field, numbers: array[int] = numbers,
                      ends: array[int] = ends,
                      spellings: list[str] = spellings) -> Iterator[_Names]:
                begin = 0
                for end in ends:
                    names = _Names()
                    setattr(names, field, tuple(spellings[k] for k in numbers[begin:end]))
                    begin = end
                    yield names

            counts = counter.count(cast("Iterable[Entry]", named()), kind)
            counts.sort(key=lambda count: (count.label.casefold(), count.label))
            options[kind] = [[count.label, count.count] for count in counts]
            option_of = {count.key: index for index, count in enumerate(counts)}
            kinds[kind] = {"names": spellings,
                           "option": [option_of[counter.key(name)[0]] for name in spellings]}
        return options, kinds

    def data_chunks(self) -> Iterator[str]:
        """The data block (``script_json`` text), piece by piece. Call once, after the
        last ``add``: it gives away what the writer holds as it goes."""
        if self._details:
            self._chunks += deflate_chunks(self._details)
            self._details = []
        options, kinds = self._name_tables()
        yield script_json({"title": self.title, "fold": fold_table(), "options": options,
                           "kinds": kinds, "precisions": _PRECISIONS})[:-1]
        yield ',"entries":{'
        for at, name in enumerate(_ENTRY_COLUMNS):
            column = self._columns.pop(name)
            if column:
                del column[-1]  # the last comma
            text = column.decode("utf-8")
            del column
            yield ("," if at else "") + f'"{name}":[' + _script_text(text) + "]"
        yield f'}},"detailsChunk":{DETAILS_CHUNK},"details":['
        chunks, self._chunks = self._chunks, []
        for at, chunk in enumerate(chunks):
            yield ("," if at else "") + '"' + chunk + '"'  # base64: nothing to escape
        yield "]"
        # Each search key (variant_key of a folded word) and the words giving it.
        words_of: dict[str, list[str]] = {}
        for word in (*self._held, *self._extra.keys() - self._held.keys()):
            for key in dict.fromkeys(_search_keys(word)):
                words_of.setdefault(key, []).append(word)
        keys = sorted(words_of)
        yield ',"words":' + script_json(keys)
        yield ',"postings":['
        # Gap characters by the distance between two entry numbers (the first counted
        # from -1; 0, a repeat, writes nothing), for every distance there can be:
        # encoding is then all in C.
        gap_text = ["", *(encode_postings([gap]) for gap in range(self.count))]
        empty = array("i")
        for at, key in enumerate(keys):
            arrays = [found for word in words_of.pop(key)
                      for found in (self._held.get(word, empty), self._extra.get(word, empty))
                      if found]
            numbers = arrays[0] if len(arrays) == 1 else sorted(chain.from_iterable(arrays))
            yield ("," if at else "") + '"' + "".join(
                map(gap_text.__getitem__, map(sub, numbers, chain((-1,), numbers)))) + '"'
        yield "],"
        counts = {word: len(numbers) for word, numbers in self._held.items()}
        self._held, self._extra = {}, {}
        yield script_json(page_variants(counts))[1:]

    def chunks(self) -> Iterator[str]:
        """The whole page, piece by piece: the same text ``html_page`` gives."""
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
            title=html.escape(self.title),
            subtitle=html.escape(self.subtitle()),
            policy=policy,  # quotes are single, base64 has no & or <: nothing to escape
            css=CSS,
            script=SCRIPT,
            data=_DATA_MARK,
            data_id=DATA_ELEMENT_ID,
        ).partition(_DATA_MARK)
        yield head
        yield from self.data_chunks()
        yield tail


_encode_string = json.encoder.encode_basestring


def _string(value: str) -> bytes:
    """A string as a JSON list item (json.dumps's own text for it), comma included."""
    return (_encode_string(value) + ",").encode("utf-8")


def _number(value: float) -> bytes:
    # json writes floats by repr and ints by str; day numbers are always finite.
    return (repr(value) + ",").encode("ascii")


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
    for word in sorted(counts):  # in a fixed order: the same page from every run
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
    return _script_text(jsontext.dumps(data, ensure_ascii=False, separators=(",", ":")))


def _script_text(text: str) -> str:
    """JSON text made safe inside a ``<script>`` element (see ``script_json``)."""
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


def page_chunks(
    entries: Iterable[Entry], *, title: str, registry: NameRegistry | None = None
) -> Iterator[str]:
    """The page of ``entries`` in pieces, reading one entry at a time: nothing but the
    page's own compact form is held, so ``entries`` can stream from the catalog."""
    writer = PageWriter(title=title, registry=registry)
    for entry in entries:
        writer.add(entry)
    yield from writer.chunks()


def html_page(
    entries: Iterable[Entry], *, title: str, registry: NameRegistry | None = None
) -> str:
    """The whole page as text. ``registry`` (the chronicle's ``names:``) lets a search
    for any declared spelling find the others and groups the filter lists by name."""
    return "".join(page_chunks(entries, title=title, registry=registry))
