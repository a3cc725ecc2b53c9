"""One self-contained HTML page that draws a chronicle as a timeline.

The page's HTML, CSS and JavaScript are package data (``page/page.html``, ``page.css``,
``page.js``), read once with importlib.resources. Everything the page needs is inside
the written page: CSS and JavaScript inline, the entries as JSON
in a ``<script type="application/json">`` block. A Content-Security-Policy forbids
every fetch, so the page works offline and cannot leak what it shows. The script draws
an overview axis (years, months or days, whichever fits; BCE years labelled as such)
with each entry placed by date, ranges as bars and dates known only to the month or
year as hatched bars over that whole period (a range from such a date hatched in the
range's colour); too many entries to draw one by one become bars counting the entries
per stretch of time. The legend names each kind of mark the axis holds, and only those.
Below it, the entries grouped by year and
month. A search box (folded like ``chronicle.names.fold``, so case, accents, Cyrillic
and transliteration do not matter) and tag, person and place filters narrow both.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from collections.abc import Sequence
from importlib.resources import files
from typing import TYPE_CHECKING, Any

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


def page_data(
    entries: Sequence[Entry], *, title: str, registry: NameRegistry | None = None
) -> dict[str, Any]:
    """What the page's script reads: entries with axis positions, and the filter lists."""
    from chronicle.stats import NameCounter

    counter = NameCounter(registry)
    options: dict[str, list[list[Any]]] = {}
    indexes: dict[str, dict[str, int]] = {}
    for kind in ("tag", "person", "place"):
        counts = counter.count(entries, kind)
        counts.sort(key=lambda count: (count.label.casefold(), count.label))
        options[kind] = [[count.label, count.count] for count in counts]
        indexes[kind] = {count.key: index for index, count in enumerate(counts)}

    def picks(kind: str, names: Sequence[str]) -> list[int]:
        # One option per name, in the entry's order: a name's chip filters by its option.
        return [indexes[kind][counter.key(name)[0]] for name in names]

    alias_cache: dict[str, list[str]] = {}

    def aliases_of(name: str) -> list[str]:
        found = alias_cache.get(name)
        if found is None:
            found = sorted(registry.forms(name) - {name}) if registry is not None else []
            alias_cache[name] = found
        return found

    rows: list[dict[str, Any]] = []
    for entry in entries:
        span = entry.span
        start = instant_days(span.start)
        # The last instant is the start of the span's last second: add that second.
        stop = instant_days(span.end) + 1 / _DAY_SECONDS
        aliases: list[str] = []
        if registry is not None:
            for name in (*entry.people, *entry.places, *entry.tags):
                aliases += aliases_of(name)
        rows.append(
            {
                "id": entry.id,
                "title": entry.title,
                "label": format_range(entry.date, entry.end),
                "date": entry.date.isoformat(),
                "end": entry.end.isoformat() if entry.end else None,
                "precision": entry.precision.name.lower(),
                "y": entry.date.year,
                "m": entry.date.month,
                "t0": start,
                "t1": stop,
                "vague": entry.precision < Precision.DAY,
                "range": entry.end is not None,
                "duration": duration_label(stop - start) if entry.end else None,
                "summary": entry.summary,
                "body": entry.body,
                "people": list(entry.people),
                "places": list(entry.places),
                "tags": list(entry.tags),
                "sources": [source.to_dict() for source in entry.sources],
                "path": entry.path,
                "aliases": aliases,
                "ti": picks("tag", entry.tags),
                "pi": picks("person", entry.people),
                "li": picks("place", entry.places),
            }
        )
    return {"title": title, "fold": fold_table(), "options": options, "entries": rows,
            **page_variants(entries)}


def page_variants(entries: Sequence[Entry]) -> dict[str, dict[str, list[str]]]:
    """Search's matcher, worked out ahead for the page's offline search.

    For each word the entries hold (by variant key, as the page's script keys words),
    the keys of the other words that search would find for it: vowel variants, other
    romanisations, rare misspellings, a place's adjective. The script looks a typed word
    up here, so the page finds what ``chronicle search`` finds; a word the entries do not
    hold is looked up by its readings (``readings``: the Russian-route and c/k readings
    of the words held, so Geidar finds Heydar), then falls back to its nearest words by
    edit distance (the script's own, with the same length-scaled limits).
    """
    from collections import Counter

    from chronicle.matching import MemoryLexicon, Reason, analyze, expand
    from chronicle.names import split_words, variant_key

    counts: Counter[str] = Counter()
    for entry in entries:
        texts = [entry.title, entry.summary or "", entry.body or "", *entry.people,
                 *entry.places, *entry.tags]
        counts.update({word for text in texts for word in split_words(text)})
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
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
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
