"""The tree a search query is read into: words, date terms, NOT, AND and OR. Pure.

``querylang`` builds it from what a person typed; ``compiler`` turns it into Whoosh
queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chronicle.dates import Span


@dataclass(frozen=True)
class Words:
    """One typed term: a word, a prefix (``Tasm*``) or a phrase (``"Heydar Aliyev"``).

    A term that holds several words without quotes (``Azerbaijan-Serbia``) is a phrase too.
    """

    words: tuple[str, ...]
    fields: tuple[str, ...] | None = None
    phrase: bool = False
    prefix: bool = False
    typed: str = ""

    def describe(self) -> str:
        text = " ".join(self.words)
        if self.phrase:
            text = f'"{text}"'
        if self.prefix:
            text += "*"
        if self.fields:
            text = f"{'+'.join(self.fields)}:{text}"
        return text


@dataclass(frozen=True)
class DateTerm:
    """``date:...``: entries whose span overlaps ``span``."""

    span: Span
    typed: str

    def describe(self) -> str:
        return f"date:{self.typed}"


@dataclass(frozen=True)
class Not:
    child: Node

    def describe(self) -> str:
        return f"NOT {self.child.describe()}"


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]

    def describe(self) -> str:
        return "(" + " AND ".join(child.describe() for child in self.children) + ")"


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]

    def describe(self) -> str:
        return "(" + " OR ".join(child.describe() for child in self.children) + ")"


Node = Words | DateTerm | Not | And | Or


@dataclass
class ParsedQuery:
    """The tree, plus what a person should be told about how the query was read."""

    root: Node | None
    notes: list[str] = field(default_factory=list)
    fallback: bool = False

    def words(self) -> list[Words]:
        """Every positive `Words` term, in query order (for highlighting and fuzzy retries)."""
        found: list[Words] = []

        def walk(node: Node | None, negated: bool) -> None:
            if isinstance(node, Words) and not negated:
                found.append(node)
            elif isinstance(node, Not):
                walk(node.child, not negated)
            elif isinstance(node, And | Or):
                for child in node.children:
                    walk(child, negated)

        walk(self.root, False)
        return found
