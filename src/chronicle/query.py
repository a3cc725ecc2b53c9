"""The filters every listing command shares, as one value.

``--year --month --on --from --to`` become one span (they intersect); an entry matches
when its own span overlaps it, or lies inside it with ``--within``. ``--tag``,
``--person`` and ``--place`` may be repeated: an entry must match at least one value of
each option given. Names match case-, accent- and transliteration-insensitively, a
lone surname matches the full name, and aliases from chronicle.yaml count as the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from chronicle.dates import (
    EARLIEST,
    ISO_DATE_RE,
    LATEST,
    DateValue,
    PartialDate,
    Precision,
    Span,
    date_text,
)
from chronicle.errors import DateError
from chronicle.records import FrozenRecord

if TYPE_CHECKING:
    from chronicle.matching import Lexicon
    from chronicle.model import Listed
    from chronicle.names import NameRegistry

#: An `Entry` or its `Listing`: filters read only what both have.
L = TypeVar("L", bound="Listed")


_set = object.__setattr__


class Filters(FrozenRecord):
    __slots__ = ("span", "precision", "tags", "people", "places", "within")
    span: Span | None
    #: The finest precision the date filters name; coarser entries that only
    #: overlap are "imprecise" matches and are shown marked.
    precision: Precision | None
    tags: tuple[str, ...]
    people: tuple[str, ...]
    places: tuple[str, ...]
    within: bool

    def __init__(self, span: Span | None = None, precision: Precision | None = None,
                 tags: tuple[str, ...] = (), people: tuple[str, ...] = (),
                 places: tuple[str, ...] = (), within: bool = False) -> None:
        _set(self, "span", span)
        _set(self, "precision", precision)
        _set(self, "tags", tags)
        _set(self, "people", people)
        _set(self, "places", places)
        _set(self, "within", within)

    @classmethod
    def build(
        cls,
        *,
        year: DateValue | None = None,
        month: DateValue | None = None,
        on: DateValue | None = None,
        from_: DateValue | None = None,
        to: DateValue | None = None,
        tags: Names = (),
        people: Names = (),
        places: Names = (),
        within: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> Filters:
        """The filters as a person gives them: dates as text (``"2014-04"``, ``"500
        BC"``), a year as an int, or a `datetime.date`; names as a list or one string.

        A bad date raises DateError naming the filter as the keyword is named (``year``),
        or as ``labels`` says (the command line passes its ``--year``).
        """
        span, precision = filter_span(
            year=date_text("year", year),
            month=date_text("month", month),
            on=date_text("on", on),
            from_=date_text("from_", from_),
            to=date_text("to", to),
            labels=labels,
        )
        return cls(
            span=span,
            precision=precision,
            tags=_clean_names("tags", tags),
            people=_clean_names("people", people),
            places=_clean_names("places", places),
            within=within,
        )

    @property
    def is_empty(self) -> bool:
        return self.span is None and not (self.tags or self.people or self.places)

    def matches_date(self, entry: Listed) -> bool:
        if self.span is None:
            return True
        if self.within:
            return self.span.contains(entry.span)
        return self.span.overlaps(entry.span)

    def matches(
        self,
        entry: Listed,
        registry: NameRegistry | None = None,
        *,
        matcher: NameMatcher | None = None,
    ) -> bool:
        if not self.matches_date(entry):
            return False
        if not (self.tags or self.people or self.places):
            return True
        matcher = matcher or NameMatcher(registry)
        return (
            matcher.any_tag(self.tags, entry.tags)
            and matcher.any_name(self.people, entry.people, "person")
            and matcher.any_name(self.places, entry.places, "place")
        )

    def is_imprecise(self, entry: Listed) -> bool:
        """True when the entry only may fall in the period asked for (``~2014``)."""
        if self.span is None or self.precision is None:
            return False
        return entry.precision < self.precision and not self.span.contains(entry.span)

    def apply(self, entries: Iterable[L], registry: NameRegistry | None = None, *,
              matcher: NameMatcher | None = None) -> list[L]:
        if matcher is None and (self.tags or self.people or self.places):
            matcher = NameMatcher(registry)
        return [entry for entry in entries if self.matches(entry, matcher=matcher)]


def filter_date(option: str, text: str) -> PartialDate:
    """A filter's date: ISO 8601 (``-0499``), or as ``add`` reads it (``500 BC``, ``March
    44 BCE``, ``AD 79``). Raises DateError naming the option and both ways to write BCE."""
    try:
        return PartialDate.parse(text)
    except DateError as err:
        iso_error = err.message
    if ISO_DATE_RE.match(text.strip()):
        # An ISO date with a part out of range: say only that.
        raise DateError(f"{option}: {iso_error}")
    if any(ch.isalpha() for ch in text):
        from chronicle.written_dates import parse_written

        try:
            return parse_written(text)
        except DateError:
            pass
    raise DateError(
        f"{option}: {iso_error}; years before the common era are written '500 BC' "
        "(or '500 BCE') or, in ISO 8601, -0499 (year 0 is 1 BCE)"
    )


def filter_span(
    *,
    year: str | None = None,
    month: str | None = None,
    on: str | None = None,
    from_: str | None = None,
    to: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> tuple[Span | None, Precision | None]:
    """The span a set of date filters asks for, and the finest precision they name.

    Each filter takes any partial date; ``from_``/``to`` include the whole period
    given. Several filters intersect. Returns ``(None, None)`` when no date filter is
    given, and an empty span (start after end) when the filters cannot all hold.
    A bad date raises DateError naming the filter by its keyword (``year``), or by
    what ``labels`` calls it (the command line's ``--year``).
    """
    named = {"year": "year", "month": "month", "on": "on", "from_": "from_", "to": "to"}
    named.update(labels or {})
    spans: list[Span] = []
    precisions: list[Precision] = []

    def take(option: str, text: str | None) -> PartialDate | None:
        if text is None:
            return None
        date = filter_date(option, text)
        precisions.append(date.precision)
        return date

    for key, text in (("year", year), ("month", month), ("on", on)):
        date = take(named[key], text)
        if date is not None:
            spans.append(date.span)
    start = take(named["from_"], from_)
    end = take(named["to"], to)
    if start is not None and end is not None and end.last_instant() < start.first_instant():
        raise DateError(f"{named['from_']} {start} is after {named['to']} {end}")
    if start is not None or end is not None:
        spans.append(
            Span(
                start.first_instant() if start else EARLIEST,
                end.last_instant() if end else LATEST,
            )
        )
    if not spans:
        return None, None
    result: Span | None = spans[0]
    for span in spans[1:]:
        result = result.intersect(span) if result else None
    if result is None:
        # Keep an impossible span rather than None: "no filter" and "nothing can match"
        # must stay different.
        result = Span(LATEST, EARLIEST)
    return result, max(precisions)


#: A name filter's values: several, or one.
Names = str | Iterable[str]


def _clean_names(keyword: str, values: Names) -> tuple[str, ...]:
    if isinstance(values, str):
        values = [values]
    cleaned = []
    for value in values:
        if value is None:
            continue
        if not isinstance(value, str):
            raise TypeError(f"{keyword} takes names as strings, not {type(value).__name__}")
        if value.strip():
            cleaned.append(value.strip())
    return tuple(cleaned)


#: A filter value's words expand to at most this many name keys together.
MAX_WANTED_KEYS = 64


class NameMatcher:
    """Compares filter values with entry names through the search's name keys.

    With ``lexicons`` (per kind, the name keys the chronicle holds: see
    `chronicle.catalog.Catalog.name_matcher`), each word of a value also matches the
    words search's matcher finds for it (`chronicle.matching.expand_key`): ``--person
    Haydar`` finds Heydar Aliyev, as ``search person:Haydar`` does.
    """

    def __init__(self, registry: NameRegistry | None = None,
                 lexicons: Mapping[str, Lexicon] | None = None) -> None:
        from chronicle.names import NameRegistry, name_key

        self.registry = registry or NameRegistry.from_config({})
        self.lexicons = lexicons or {}
        self._name_key = name_key
        self._wanted: dict[tuple[str, str | None], set[str]] = {}

    def wanted_keys(self, value: str, kind: str | None = None) -> set[str]:
        """The padded keys any form of ``value`` (aliases and, given the kind's lexicon,
        the matcher's variants included) can take."""
        if (value, kind) not in self._wanted:
            forms = self.registry.forms(value) | {value}
            keys = {key for key in (self._name_key(form) for form in forms) if key}
            lexicon = self.lexicons.get(kind) if kind else None
            if lexicon is not None:
                keys |= {key for form in forms for key in self._variant_keys(form, lexicon)}
            self._wanted[(value, kind)] = {f" {key} " for key in keys}
        return self._wanted[(value, kind)]

    def _variant_keys(self, form: str, lexicon: Lexicon) -> list[str]:
        from chronicle.matching import name_variants

        return name_variants(form, lexicon, MAX_WANTED_KEYS)

    def any_name(self, wanted: Sequence[str], names: Sequence[str],
                 kind: str | None = None) -> bool:
        """A wanted name matches when its key's words stand in a row in a name's key."""
        if not wanted:
            return True
        keys = [f" {self._name_key(name)} " for name in names]
        return any(
            key_wanted in key
            for value in wanted
            for key_wanted in self.wanted_keys(value, kind)
            for key in keys
        )

    def any_tag(self, wanted: Sequence[str], tags: Sequence[str]) -> bool:
        if not wanted:
            return True
        keys = {f" {self._name_key(tag)} " for tag in tags}
        return any(keys & self.wanted_keys(value, "tag") for value in wanted)


#: No filter at all: every entry matches.
EVERYTHING = Filters()
