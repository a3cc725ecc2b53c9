"""What a chronicle holds, counted: by period, tag, person, place and source. No I/O.

Periods count an entry where it starts: a range from 2013 to 2014 is one entry of 2013,
so the counts of a breakdown always add up to the number of entries. Names are counted
once per entry under one spelling: the canonical form when ``chronicle.yaml`` declares
the name, else the form used most often; spellings with the same name key (case,
accents, transliteration) are one name. Sources count by web site (the URL's host) when
they have a URL, else by title.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, get_args

from chronicle.calendar import PeriodKey, period_label, tally_periods
from chronicle.dates import PartialDate, Precision
from chronicle.errors import UsageError

if TYPE_CHECKING:
    from chronicle.model import Entry, Source
    from chronicle.names import NameRegistry

Breakdown = Literal["year", "month", "decade", "century", "tag", "person", "place", "source"]
BREAKDOWNS: tuple[str, ...] = get_args(Breakdown)
#: Breakdowns over time, listed in date order; the others are listed busiest first.
PERIODS: frozenset[str] = frozenset({"year", "month", "decade", "century"})
#: ``by="auto"`` counts by year, or by decade or century when there would be more rows
#: than this: three thousand one-line bars tell less than sixty.
AUTO_MAX_ROWS = 60
NAME_KINDS: dict[str, str] = {"tag": "tags", "person": "people", "place": "places"}


@dataclass(frozen=True, slots=True)
class Count:
    """One bucket of a breakdown: a stable key, a label for people, how many entries."""

    key: str
    label: str
    count: int

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": self.label, "count": self.count}


@dataclass
class Stats:
    """Everything ``chronicle stats`` shows, in one value the CLI renders or dumps."""

    total: int
    by: str
    counts: list[Count]
    first: PartialDate | None = None
    last: PartialDate | None = None
    precisions: dict[str, int] = field(default_factory=dict)
    ranges: int = 0
    #: Busiest years, months and days, each busiest first.
    busiest: dict[str, list[Count]] = field(default_factory=dict)
    #: Most frequent people, places, tags and sources.
    top: dict[str, list[Count]] = field(default_factory=dict)
    #: Entries with no tags, people, places or sources.
    without: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON form of ``chronicle stats --format json`` (stable keys)."""
        return {
            "entries": self.total,
            "first": self.first.isoformat() if self.first else None,
            "last": self.last.isoformat() if self.last else None,
            "precision": dict(self.precisions),
            "ranges": self.ranges,
            "by": self.by,
            "counts": [count.to_dict() for count in self.counts],
            "busiest": {
                period: [count.to_dict() for count in counts]
                for period, counts in self.busiest.items()
            },
            "top": {
                kind: [count.to_dict() for count in counts] for kind, counts in self.top.items()
            },
            "without": dict(self.without),
        }


def compute_stats(
    entries: Sequence[Entry],
    *,
    by: str = "year",
    top: int = 10,
    busiest: int = 5,
    registry: NameRegistry | None = None,
) -> Stats:
    """Count ``entries`` by ``by`` (or "auto"), and gather the overview shown above the chart."""
    by = resolve_breakdown(entries, by)
    names = NameCounter(registry)
    precisions: Counter[Precision] = Counter()
    ranges = 0
    first: PartialDate | None = None
    last: PartialDate | None = None
    first_key = last_key = None
    for entry in entries:
        date = entry.date
        precisions[date.precision] += 1
        end_date = entry.end
        if end_date is None:
            end_date = date
        else:
            ranges += 1
        start_key = date.first_instant()
        end_key = end_date.last_instant()
        if first_key is None or start_key < first_key:
            first, first_key = date, start_key
        if last_key is None or end_key > last_key:
            last, last_key = end_date, end_key
    # Every name list is counted once, for its top list and, if asked, the chart.
    full = {
        "person": names.count(entries, "person"),
        "place": names.count(entries, "place"),
        "tag": names.count(entries, "tag"),
        "source": count_sources(entries),
    }
    return Stats(
        total=len(entries),
        by=by,
        counts=full[by] if by in full else period_counts(entries, by),
        first=first,
        last=last,
        precisions={
            precision.name.lower(): precisions[precision]
            for precision in Precision
            if precisions[precision]
        },
        ranges=ranges,
        busiest=busiest_periods(entries, limit=busiest),
        top={
            kind: full[name][:top]
            for kind, name in (
                ("people", "person"), ("places", "place"), ("tags", "tag"), ("sources", "source")
            )
        },
        without={
            kind: sum(1 for entry in entries if not getattr(entry, kind))
            for kind in ("tags", "people", "places", "sources")
        },
    )


def check_breakdown(by: str) -> None:
    if by not in BREAKDOWNS:
        raise UsageError(
            f"cannot count by '{by}'; choose one of {', '.join(BREAKDOWNS)} or auto"
        )


def resolve_breakdown(entries: Sequence[Entry], by: str) -> str:
    """``by`` itself, or for "auto" the finest of year, decade, century that keeps the
    chart within `AUTO_MAX_ROWS` rows (century when none does)."""
    if by != "auto":
        check_breakdown(by)
        return by
    return auto_breakdown({entry.date.year for entry in entries})


def auto_breakdown(years: Iterable[int]) -> str:
    """What "auto" counts by for entries starting in ``years``."""
    years = set(years)
    for period, size in (("year", 1), ("decade", 10)):
        if len({year // size for year in years}) <= AUTO_MAX_ROWS:
            return period
    return "century"


def breakdown(
    entries: Sequence[Entry],
    by: str,
    *,
    registry: NameRegistry | None = None,
    names: NameCounter | None = None,
) -> list[Count]:
    """Entries counted by ``by``: periods in date order, names busiest first."""
    check_breakdown(by)
    if by in NAME_KINDS:
        return (names or NameCounter(registry)).count(entries, by)
    if by == "source":
        return count_sources(entries)
    return period_counts(entries, by)


# -- periods ---------------------------------------------------------------------------

def period_counts(entries: Iterable[Entry], by: str) -> list[Count]:
    """Entries per year, month, decade or century, in date order."""
    return [Count(*row) for row in tally_periods((entry.date for entry in entries), by)]


def busiest_periods(entries: Sequence[Entry], *, limit: int = 5) -> dict[str, list[Count]]:
    """The years, months and days with the most entries (at least two), busiest first,
    ties earliest first.

    Only dates known to the month count towards months, and to the day towards days:
    "some time in 2014" tells nothing about which month was busy.
    """
    years: Counter[PeriodKey] = Counter()
    months: Counter[PeriodKey] = Counter()
    days: Counter[tuple[int, int, int]] = Counter()
    for entry in entries:
        date = entry.date
        years[(date.year, 0)] += 1
        if date.month is not None:
            months[(date.year, date.month)] += 1
            if date.day is not None:
                days[(date.year, date.month, date.day)] += 1

    def top(counter: Counter[Any]) -> list[Any]:
        # A period with a single entry is not busy; listing it would only be noise.
        busy = [bucket for bucket, count in counter.items() if count > 1]
        return sorted(busy, key=lambda bucket: (-counter[bucket], bucket))[:limit]

    result = {
        "years": [Count(*period_label("year", b), years[b]) for b in top(years)],
        "months": [Count(*period_label("month", b), months[b]) for b in top(months)],
        "days": [],
    }
    for year, month, day in top(days):
        date = PartialDate(year, month, day)
        result["days"].append(Count(date.isoformat(), date.display(), days[(year, month, day)]))
    return result


# -- names -----------------------------------------------------------------------------


class NameCounter:
    """Counts people, places and tags under one spelling per name (see the module doc)."""

    def __init__(self, registry: NameRegistry | None = None) -> None:
        from chronicle.names import NameRegistry

        self.registry = registry or NameRegistry()
        self._keys: dict[str, tuple[str, str | None, str]] = {}
        self._canonical_keys: dict[str, str] = {}

    def key(self, name: str) -> tuple[str, str | None]:
        """``(name key, declared canonical or None)``, cached per spelling."""
        key, canonical, _ = self.keys(name)
        return key, canonical

    def keys(self, name: str) -> tuple[str, str | None, str]:
        """``key(name)`` and the name's `fold_key`, cached per spelling: the name is
        keyed once (keying is most of the cost of counting a few thousand names)."""
        found = self._keys.get(name)
        if found is None:
            from chronicle.names import name_key

            keyed = name_key(name)
            fold = _folded(name, keyed)
            group = self.registry.group_of_key(keyed)
            if group is None:
                found = (fold, None, fold)
            else:
                canonical_key = self._canonical_keys.get(group.canonical)
                if canonical_key is None:
                    canonical_key = name_key(group.canonical)
                    self._canonical_keys[group.canonical] = canonical_key
                found = (canonical_key, group.canonical, fold)
            self._keys[name] = found
        return found

    def count(self, entries: Iterable[Entry], kind: str) -> list[Count]:
        """Every name of ``kind`` (tag, person, place), busiest first, then by label."""
        lists = [names for names in map(attrgetter(NAME_KINDS[kind]), entries) if names]
        # Spellings are counted in bulk and keyed once each; at 100k entries a per-name
        # loop costs more than everything else here.
        spellings: Counter[str] = Counter(chain.from_iterable(lists))
        key_of = {name: self.key(name) for name in spellings}
        counts: Counter[str] = Counter()
        forms: dict[str, Counter[str]] = defaultdict(Counter)
        declared: dict[str, str] = {}
        for name, total in spellings.items():
            key, canonical = key_of[name]
            counts[key] += total
            forms[key][name] = total
            if canonical is not None:
                declared[key] = canonical
        # An entry naming one person twice (Vučić, Vucic) counts once.
        for names in lists:
            if len(names) > 1:
                keys = [key_of[name][0] for name in names]
                if len(set(keys)) < len(keys):
                    for key, repeats in Counter(keys).items():
                        counts[key] -= repeats - 1
        result = [
            Count(key, declared.get(key) or _most_common(forms[key]), total)
            for key, total in counts.items()
        ]
        result.sort(key=lambda count: (-count.count, count.label.casefold(), count.label))
        return result


def fold_key(name: str) -> str:
    """The key a name is counted under when chronicle.yaml declares nothing about it."""
    from chronicle.names import name_key

    return _folded(name, name_key(name))


def _folded(name: str, keyed: str) -> str:
    """`fold_key` of ``name``, given its `name_key` ``keyed``."""
    return keyed or name.strip().casefold()


def _most_common(spellings: Counter[str]) -> str:
    # Ties go to the alphabetically first spelling, so the label does not depend on order.
    return min(spellings, key=lambda spelling: (-spellings[spelling], spelling))


def source_key(source: Source) -> tuple[str, str]:
    """``(key, label)`` a source is counted under: the URL's host, else its title."""
    if source.url:
        host = _host(source.url)
        if host:
            return host, host
    label = (source.title or source.url or "").strip()
    return " ".join(label.casefold().split()), label


def _host(url: str) -> str:
    """The host of a URL, lower case, without ``www.``, port or user (``example.org``).

    Split by hand: urllib's parser costs more than the rest of the counting together.
    """
    rest = url.split("://", 1)[1] if "://" in url else url
    authority = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    host = authority.rsplit("@", 1)[-1]
    if host.startswith("["):  # an IPv6 address keeps its colons
        host = host.split("]", 1)[0] + "]"
    else:
        host = host.split(":", 1)[0]
    return host.lower().removeprefix("www.")


def count_sources(entries: Iterable[Entry]) -> list[Count]:
    counts: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        seen: set[str] = set()
        for source in entry.sources:
            key, label = source_key(source)
            if not key:
                continue
            labels[key][label] += 1
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    result = [Count(key, _most_common(labels[key]), total) for key, total in counts.items()]
    result.sort(key=lambda count: (-count.count, count.label.casefold(), count.label))
    return result
