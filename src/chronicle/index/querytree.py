"""The tree a search query is read into: words, date terms, NOT, AND and OR. Pure.

``querylang`` builds it from what a person typed; ``compiler`` turns it into Whoosh
queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chronicle.records import FrozenRecord, Record

if TYPE_CHECKING:
    from chronicle.dates import Span

_set = object.__setattr__


class Words(FrozenRecord):
    """One typed term: a word, a prefix (``Tasm*``) or a phrase (``"Heydar Aliyev"``).

    A term that holds several words without quotes (``Azerbaijan-Serbia``) is a phrase too.
    """

    __slots__ = ("words", "fields", "phrase", "prefix", "typed")
    words: tuple[str, ...]
    fields: tuple[str, ...] | None
    phrase: bool
    prefix: bool
    typed: str

    def __init__(self, words: tuple[str, ...], fields: tuple[str, ...] | None = None,
                 phrase: bool = False, prefix: bool = False, typed: str = "") -> None:
        _set(self, "words", words)
        _set(self, "fields", fields)
        _set(self, "phrase", phrase)
        _set(self, "prefix", prefix)
        _set(self, "typed", typed)

    def describe(self) -> str:
        text = " ".join(self.words)
        if self.phrase:
            text = f'"{text}"'
        if self.prefix:
            text += "*"
        if self.fields:
            text = f"{'+'.join(self.fields)}:{text}"
        return text


class DateTerm(FrozenRecord):
    """``date:...``: entries whose span overlaps ``span``."""

    __slots__ = ("span", "typed")
    span: Span
    typed: str

    def __init__(self, span: Span, typed: str) -> None:
        _set(self, "span", span)
        _set(self, "typed", typed)

    def describe(self) -> str:
        return f"date:{self.typed}"


class Not(FrozenRecord):
    __slots__ = ("child",)
    child: Node

    def __init__(self, child: Node) -> None:
        _set(self, "child", child)

    def describe(self) -> str:
        return f"NOT {self.child.describe()}"


class And(FrozenRecord):
    __slots__ = ("children",)
    children: tuple[Node, ...]

    def __init__(self, children: tuple[Node, ...]) -> None:
        _set(self, "children", children)

    def describe(self) -> str:
        return "(" + " AND ".join(child.describe() for child in self.children) + ")"


class Or(FrozenRecord):
    __slots__ = ("children",)
    children: tuple[Node, ...]

    def __init__(self, children: tuple[Node, ...]) -> None:
        _set(self, "children", children)

    def describe(self) -> str:
        return "(" + " OR ".join(child.describe() for child in self.children) + ")"


Node = Words | DateTerm | Not | And | Or


class ParsedQuery(Record):
    """The tree, plus what a person should be told about how the query was read."""

    __slots__ = ("root", "notes", "fallback")
    root: Node | None
    notes: list[str]
    fallback: bool

    def __init__(self, root: Node | None, notes: list[str] | None = None,
                 fallback: bool = False) -> None:
        self.root = root
        self.notes = [] if notes is None else notes
        self.fallback = fallback

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
