"""``chronicle names``: every person, place and tag with its count, spellings grouped.

Two spellings belong to one name when

- they have the same `chronicle.names.name_key` (case, accents, Cyrillic and the
  transliteration families: ``Tashmaydan Park`` = ``Tasmajdan park``);
- ``chronicle.yaml`` declares them as one name (``Tashmay Park`` under ``Tasmajdan Park``);
- search's matcher (`chronicle.matching`) finds one for the other, word by word, over
  the names in use: vowel variants (``Heydar Aliyev`` ~ ``Haydar Aliyev``), other
  romanisations, rare misspellings; two well-attested names stay apart.

Groups are closed transitively. ``--suggest`` turns the groups into a ``names:`` block
for ``chronicle.yaml``: the declared groups first, as declared, with any spelling found
in the entries added; then new groups, with the most frequent spelling as canonical.
Only spellings that need an alias are suggested: one whose key equals a listed form's
key is matched already. No I/O, no third-party imports.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import chain
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from chronicle.names import MIN_FUZZY_LENGTH, NameRegistry, name_key

if TYPE_CHECKING:
    from chronicle.model import Entry

KINDS: tuple[str, ...] = ("person", "place", "tag")
ATTRIBUTES: dict[str, str] = {"person": "people", "place": "places", "tag": "tags"}

#: Words of this many letters or more may differ by two edits (as in the search's
#: fuzzy retry in `chronicle.index`); shorter ones by one, from `MIN_FUZZY_LENGTH` on.
FUZZY_TWO_EDITS_LENGTH = 9


def max_edits(length: int) -> int:
    """How many edits (insert, delete, substitute, swap two neighbours) a word of
    ``length`` letters may be from another and still be the same word misspelt.

    The search's own rule, so ``names`` groups what a search would find: words shorter
    than `MIN_FUZZY_LENGTH` must match exactly (Nis is not Nik).
    """
    if length < MIN_FUZZY_LENGTH:
        return 0
    return 1 if length < FUZZY_TWO_EDITS_LENGTH else 2


@lru_cache(maxsize=100_000)
def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance between ``a`` and ``b``, or ``limit + 1`` as
    soon as it is certain to exceed ``limit`` (most pairs are rejected early)."""
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                value = min(value, previous2[j - 2] + 1)
            current[j] = value
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return min(previous[-1], limit + 1)


def keys_are_close(a: str, b: str) -> bool:
    """Whether two name keys are near misses of each other (see the module doc)."""
    if a == b:
        return True
    words_a, words_b = a.split(), b.split()
    if len(words_a) != len(words_b):
        return False
    total = 0
    for word_a, word_b in zip(words_a, words_b, strict=True):
        if word_a == word_b:
            continue
        if word_a[0] != word_b[0]:
            return False
        allowed = max_edits(min(len(word_a), len(word_b)))
        if not allowed:
            return False
        distance = edit_distance(word_a, word_b, allowed)
        if distance > allowed:
            return False
        total += distance
    # Every word may be a little off, the name as a whole only as much as its longest
    # word: "Ana Novak" and "Ava Nowak" are two people.
    return total <= max_edits(max(len(word) for word in words_a))


@dataclass
class NameGroupCount:
    """One name as the entries spell it: the canonical form and every spelling seen."""

    kind: str
    canonical: str
    #: Entries naming it under any spelling.
    count: int
    #: Every spelling found in the entries with its count, most frequent first.
    forms: list[tuple[str, int]] = field(default_factory=list)
    #: True when chronicle.yaml declares the name (then ``canonical`` is its canonical).
    declared: bool = False

    @property
    def others(self) -> list[tuple[str, int]]:
        return [(form, count) for form, count in self.forms if form != self.canonical]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.canonical,
            "count": self.count,
            "declared": self.declared,
            "forms": [{"form": form, "count": count} for form, count in self.forms],
        }


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            root = self.find(parent)
            self.parent[item] = root
            return root
        return item

    def union(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            # The smaller root wins, so the result does not depend on the order of unions.
            if root_b < root_a:
                root_a, root_b = root_b, root_a
            self.parent[root_b] = root_a


def _key(form: str) -> str:
    # A name with no letters or digits ("?", "—") still needs a key of its own.
    return name_key(form) or " ".join(form.casefold().split())


def group_names(
    entries: Sequence[Entry],
    *,
    kinds: Iterable[str] = KINDS,
    registry: NameRegistry | None = None,
    fuzzy: bool = True,
) -> dict[str, list[NameGroupCount]]:
    """For each kind, every name the entries use, spellings grouped, busiest first."""
    registry = registry or NameRegistry()
    return {
        kind: _group_kind(entries, kind, registry, fuzzy=fuzzy)
        for kind in kinds
        if kind in ATTRIBUTES
    }


def _group_kind(
    entries: Sequence[Entry], kind: str, registry: NameRegistry, *, fuzzy: bool
) -> list[NameGroupCount]:
    lists = [names for names in map(attrgetter(ATTRIBUTES[kind]), entries) if names]

    def entries_per_group(root_of: Mapping[str, str]) -> Counter[str]:
        # Entries counted once per group, however many of its spellings they use.
        group_counts: Counter[str] = Counter()
        for names in lists:
            if len(names) == 1:
                group_counts[root_of[names[0]]] += 1
            else:
                group_counts.update({root_of[name] for name in names})
        return group_counts

    return group_forms(kind, Counter(chain.from_iterable(lists)), entries_per_group,
                       registry, fuzzy=fuzzy)


def group_forms(
    kind: str,
    form_counts: Mapping[str, int],
    entries_per_group: Callable[[Mapping[str, str]], Mapping[str, int]],
    registry: NameRegistry,
    *,
    fuzzy: bool = True,
) -> list[NameGroupCount]:
    """The groups of one kind from its spellings and their uses (``form_counts``).

    ``entries_per_group(root_of)`` counts the entries naming each group once, given
    each spelling's group; `group_names` counts them over entries, the catalog in SQL
    (`chronicle.catalog.facts.names_from_catalog`).
    """
    form_counts = Counter(form_counts)
    key_of = {form: _key(form) for form in form_counts}
    sets = _UnionFind()
    declared_of: dict[str, str] = {}  # spelling -> the canonical chronicle.yaml gives it
    for form, key in key_of.items():
        sets.find(key)
        group = registry.group(form)
        if group is not None:
            # One node per declared name joins every key that belongs to it.
            sets.union(key, "\0" + group.canonical)
            declared_of[form] = group.canonical
    if fuzzy:
        _join_variants(form_counts, key_of, sets)

    root_of = {form: sets.find(key) for form, key in key_of.items()}
    forms_of: dict[str, list[str]] = defaultdict(list)
    for form, root in root_of.items():
        forms_of[root].append(form)
    group_counts = entries_per_group(root_of)

    groups: list[NameGroupCount] = []
    for root, forms in forms_of.items():
        forms.sort(key=lambda form: (-form_counts[form], form))
        # Near misses can join two declared names; the one used most names the group.
        uses: Counter[str] = Counter()
        for form in forms:
            if form in declared_of:
                uses[declared_of[form]] += form_counts[form]
        declared = sorted(uses, key=lambda canonical: (-uses[canonical], canonical))
        groups.append(
            NameGroupCount(
                kind=kind,
                canonical=declared[0] if declared else forms[0],
                count=group_counts.get(root, 0),
                forms=[(form, form_counts[form]) for form in forms],
                declared=bool(declared),
            )
        )
    groups.sort(key=lambda group: (-group.count, group.canonical.casefold(), group.canonical))
    return groups


def _join_variants(form_counts: Counter[str], key_of: dict[str, str], sets: _UnionFind,
                   ) -> None:
    """Union every spelling with the spellings search's matcher finds for it.

    The lexicon is the words of these names' keys, weighed by use, as the filters see
    them (`chronicle.catalog.Catalog.name_lexicon`): ``names`` groups what ``search``
    and ``--person`` find, and keeps apart what they keep apart.
    """
    from chronicle.matching import MemoryLexicon, name_variants

    counts: Counter[str] = Counter()
    for form, count in form_counts.items():
        for word in set(key_of[form].split()):
            counts[word] += count
    lexicon = MemoryLexicon(counts, names=True)
    keys = set(key_of.values())
    for form, key in key_of.items():
        for other in name_variants(form, lexicon):
            if other != key and other in keys:
                sets.union(key, other)


# -- suggestions -----------------------------------------------------------------------


@dataclass
class Suggestion:
    """A ``names:`` mapping for chronicle.yaml and what it adds to the declared one."""

    names: dict[str, list[str]]
    #: Canonical names chronicle.yaml does not declare yet.
    new: list[str] = field(default_factory=list)
    #: ``(canonical, spelling)`` for every spelling added, to new or declared names.
    added: list[tuple[str, str]] = field(default_factory=list)

    def to_yaml(self) -> str:
        return names_yaml(self.names, self.new)


def suggest_names(
    groups: Iterable[NameGroupCount], registry: NameRegistry | None = None
) -> Suggestion:
    """The ``names:`` block to paste into chronicle.yaml.

    Declared names come first and keep their canonical and variants; spellings the
    entries use that no declared form matches are added to them. Groups of two or more
    keys that nothing declares follow, busiest first, the most frequent spelling as
    canonical. A spelling is never suggested under two names, so the result always loads.
    """
    registry = registry or NameRegistry()
    suggestion = Suggestion({})
    mapping = suggestion.names
    claimed: dict[str, str] = {}  # name key -> the canonical it is listed under
    for declared in registry:
        mapping[declared.canonical] = list(declared.variants)
        for form in declared.forms:
            claimed.setdefault(_key(form), declared.canonical)
    for group in sorted(groups, key=lambda g: (not g.declared, -g.count, g.canonical)):
        canonical = claimed.get(_key(group.canonical), group.canonical)
        if canonical not in mapping:
            if len({_key(form) for form, _ in group.forms}) < 2:
                continue  # every spelling matches the others already
            mapping[canonical] = []
            claimed[_key(canonical)] = canonical
            suggestion.new.append(canonical)
        for form, _ in group.forms:
            key = _key(form)
            if key in claimed:
                continue
            mapping[canonical].append(form)
            claimed[key] = canonical
            suggestion.added.append((canonical, form))
    return suggestion


_PLAIN_SCALAR = re.compile(r"[^\W\d_][^,:\[\]{}#&*!|>'\"%@`?]*")
_YAML_WORDS = frozenset(
    "y n yes no true false on off null ~".split()
)


def yaml_scalar(text: str) -> str:
    """``text`` as a YAML flow scalar: plain when it reads back unchanged, else quoted."""
    if (
        _PLAIN_SCALAR.fullmatch(text)
        and text == text.strip()
        and text.casefold() not in _YAML_WORDS
        and " -" not in text
    ):
        return text
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(text, ensure_ascii=False)


def names_yaml(mapping: Mapping[str, Sequence[str]], new: Iterable[str] = ()) -> str:
    """A ``names:`` block, one name a line, new names after a comment saying so."""
    new = set(new)
    lines = ["names:"]
    marked = False
    for canonical, variants in mapping.items():
        if canonical in new and not marked:
            lines.append("  # Found in the entries; check each before keeping it:")
            marked = True
        items = ", ".join(yaml_scalar(variant) for variant in variants)
        lines.append(f"  {yaml_scalar(canonical)}: [{items}]")
    if len(lines) == 1:
        return "names: {}\n"
    return "\n".join(lines) + "\n"
