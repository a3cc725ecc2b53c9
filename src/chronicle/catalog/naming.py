"""The names in use, as the catalog's ``names`` table holds them: the queries behind
the ``--person/--place/--tag`` filters' matcher, ``names`` and lookalike warnings.

Kinds are person, place or tag; keys are `chronicle.names.name_key` values, stored
padded with a space on each side so a key's words can be matched as a run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chronicle.matching import MemoryLexicon
    from chronicle.names import NameRegistry
    from chronicle.query import NameMatcher


class NameQueries:
    """The name queries of `chronicle.catalog.Catalog`, over its open database."""

    db: sqlite3.Connection

    def name_matcher(self, registry: NameRegistry | None) -> NameMatcher:
        """The filters' name matcher, with the matcher's variants over the names this
        chronicle holds (each kind's lexicon built when a filter first asks)."""
        from chronicle.query import NameMatcher

        return NameMatcher(registry, _NameLexicons(self))

    def name_lexicon(self, kind: str) -> MemoryLexicon:
        """The words of the name keys of ``kind`` in use, each with its entry count."""
        from collections import Counter

        from chronicle.matching import MemoryLexicon

        counts: Counter[str] = Counter()
        for key, count in self.db.execute(
            "SELECT key, COUNT(DISTINCT relpath) FROM names WHERE kind = ? GROUP BY key",
            (kind,),
        ):
            for word in set(key.split()):
                counts[word] += count
        return MemoryLexicon(counts, names=True)

    def ids_naming(self, kind: str, key: str, limit: int) -> list[str]:
        """Ids of valid entries naming ``key`` under ``kind``, at most ``limit``."""
        return [
            entry_id
            for (entry_id,) in self.db.execute(
                "SELECT DISTINCT f.id FROM names n JOIN files f ON f.relpath = n.relpath "
                "WHERE n.kind = ? AND n.key = ? AND f.valid = 1 LIMIT ?",
                (kind, f" {key} ", limit),
            )
        ]

    def count_naming(self, kind: str, keys: set[str]) -> int:
        """How many valid entries name any of ``keys`` under ``kind``."""
        marks = ",".join("?" * len(keys))
        (count,) = self.db.execute(
            "SELECT count(DISTINCT n.relpath) FROM names n JOIN files f "
            f"ON f.relpath = n.relpath WHERE n.kind = ? AND f.valid = 1 AND n.key IN ({marks})",
            (kind, *(f" {key} " for key in sorted(keys))),
        ).fetchone()
        return int(count)

    def name_keys_starting(self, kind: str, letter: str) -> list[str]:
        """Every key of ``kind`` in use that begins with ``letter``."""
        return [
            found[1:-1]
            for (found,) in self.db.execute(
                "SELECT DISTINCT key FROM names WHERE kind = ? AND key >= ? AND key < ?",
                (kind, f" {letter}", f" {chr(ord(letter) + 1)}"),
            )
        ]

    def most_named(self, kind: str, limit: int) -> list[tuple[str, int]]:
        """The keys of ``kind`` the most valid entries use, with their counts."""
        return [
            (key[1:-1], int(uses))
            for key, uses in self.db.execute(
                "SELECT n.key, count(*) AS uses FROM names n JOIN files f "
                "ON f.relpath = n.relpath WHERE n.kind = ? AND f.valid = 1 "
                "GROUP BY n.key ORDER BY uses DESC, n.key LIMIT ?",
                (kind, limit),
            ).fetchall()
        ]


class _NameLexicons(Mapping[str, "MemoryLexicon"]):
    """Per kind, the catalog's name lexicon, read from the database when first used."""

    def __init__(self, catalog: NameQueries) -> None:
        self.catalog = catalog
        self._built: dict[str, MemoryLexicon] = {}

    def __getitem__(self, kind: str) -> MemoryLexicon:
        if kind not in ("person", "place", "tag"):
            raise KeyError(kind)
        if kind not in self._built:
            self._built[kind] = self.catalog.name_lexicon(kind)
        return self._built[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(("person", "place", "tag"))

    def __len__(self) -> int:
        return 3
