"""The search query language, read into the small tree of ``querytree``. Pure: no Whoosh,
no I/O.

    words AND by default      Tasmajdan park
    phrases                   "Heydar Aliyev"
    OR, NOT (or -word), ( )   (Vucic OR Nikolic) NOT election
    fields                    title: person: place: tag: source: body: summary:
    dates                     date:2014  date:2014-04  date:[2014-01 to 2014-03]  date:[2014 to *]
    prefixes                  Tasm*

`parse` raises `QuerySyntaxError` for a query it cannot read; `parse_or_fallback` turns
that into a search for the query's plain words, with a note saying so. No input, however
long or hostile, makes either take more than linear time or recurse without bound.
"""

from __future__ import annotations

import re

from chronicle.dates import EARLIEST, LATEST, PartialDate, Span
from chronicle.errors import DateError, UsageError
from chronicle.index.querytree import And, DateTerm, Node, Not, Or, ParsedQuery, Words
from chronicle.names import split_words
from chronicle.records import FrozenRecord

#: Query field names (as typed) -> the entry fields they search.
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "person": ("people",),
    "people": ("people",),
    "place": ("places",),
    "places": ("places",),
    "tag": ("tags",),
    "tags": ("tags",),
    "source": ("sources",),
    "sources": ("sources",),
    "body": ("summary", "body", "extra"),
    "summary": ("summary",),
    "text": ("summary", "body", "extra"),
}
DATE_FIELDS = ("date",)
#: More words than this are dropped (with a note): each word costs a few index lookups.
MAX_WORDS = 48
MAX_DEPTH = 24

_OPERATORS = {"AND", "OR", "NOT"}
_FIELD_RE = re.compile(r"^([A-Za-z_]+):(.*)$", re.DOTALL)
_RANGE_RE = re.compile(r"^\s*(?:(\S+)\s+)?(?:to|TO)(?:\s+(\S+))?\s*$")


class QuerySyntaxError(UsageError):
    """A query that cannot be read as written (the search falls back to its words)."""


# -- reading ---------------------------------------------------------------------------


class _Tok(FrozenRecord):
    __slots__ = ("kind", "text", "field")
    kind: str  # word, phrase, lparen, rparen, op, field, range
    text: str
    field: str

    def __init__(self, kind: str, text: str, field: str = "") -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "field", field)


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch == "(":
            tokens.append(_Tok("lparen", ch))
            i += 1
        elif ch == ")":
            tokens.append(_Tok("rparen", ch))
            i += 1
        elif ch in "\"“”":
            end = _find_quote(text, i + 1)
            if end < 0:
                raise QuerySyntaxError("a quote is not closed")
            tokens.append(_Tok("phrase", text[i + 1 : end]))
            i = end + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "()\"“”":
                j += 1
            run = text[i:j]
            i = j
            if run == "-" and i < n and text[i] in "(\"“”":
                tokens.append(_Tok("op", "NOT"))  # -(a OR b), -"a phrase"
                continue
            if run.startswith("-") and len(run) > 1 and split_words(run):
                tokens.append(_Tok("op", "NOT"))
                run = run[1:]
            i = _run_token(run, text, i, tokens)
    return tokens


def _run_token(run: str, text: str, i: int, tokens: list[_Tok]) -> int:
    """Append the token for one run of non-space text; returns where reading goes on."""
    match = _FIELD_RE.match(run)
    name = match.group(1).lower() if match else ""
    if match and (name in FIELDS or name in DATE_FIELDS):
        rest = match.group(2)
        unclosed = rest.startswith(("[", "{")) and not any(c in rest for c in "]}")
        if name in DATE_FIELDS and unclosed:
            # A range runs to its closing bracket, spaces included.
            close = min((k for k in (text.find("]", i), text.find("}", i)) if k >= 0),
                        default=-1)
            if close < 0:
                raise QuerySyntaxError("a date range is not closed with ]")
            rest, i = rest + text[i : close + 1], close + 1
        tokens.append(_Tok("field", rest, name))
    elif run in _OPERATORS:
        tokens.append(_Tok("op", run))
    elif run == "&&":
        tokens.append(_Tok("op", "AND"))
    elif run == "||":
        tokens.append(_Tok("op", "OR"))
    else:
        tokens.append(_Tok("word", run))
    return i


def _find_quote(text: str, start: int) -> int:
    for k in range(start, len(text)):
        if text[k] in "\"“”":
            return k
    return -1


class _Parser:
    def __init__(self, tokens: list[_Tok], notes: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.notes = notes
        self.word_count = 0
        self.dropped = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node | None:
        node = self.or_expr(0)
        tok = self.peek()
        if tok is not None:
            if tok.kind == "rparen":
                raise QuerySyntaxError("a ')' has no matching '('")
            raise QuerySyntaxError(f"unexpected {tok.text!r}")
        return node

    def or_expr(self, depth: int) -> Node | None:
        if depth > MAX_DEPTH:
            raise QuerySyntaxError(f"parentheses nested deeper than {MAX_DEPTH}")
        children = [self.and_expr(depth)]
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text == "OR":
            self.take()
            right = self.and_expr(depth)
            if right is None:
                raise QuerySyntaxError("OR needs something on both sides")
            children.append(right)
        if len(children) > 1 and children[0] is None:
            raise QuerySyntaxError("OR needs something on both sides")
        kept = [child for child in children if child is not None]
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(tuple(kept))

    def and_expr(self, depth: int) -> Node | None:
        children: list[Node] = []
        while (tok := self.peek()) is not None:
            if tok.kind == "rparen" or (tok.kind == "op" and tok.text == "OR"):
                break
            if tok.kind == "op" and tok.text == "AND":
                self.take()
                after = self.peek()
                if not children or after is None or after.kind == "rparen":
                    raise QuerySyntaxError("AND needs something on both sides")
                continue
            node = self.unary(depth)
            if node is not None:
                children.append(node)
        if not children:
            return None
        return children[0] if len(children) == 1 else And(tuple(children))

    def unary(self, depth: int) -> Node | None:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text == "NOT":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in ("rparen", "op") and nxt.text != "NOT":
                raise QuerySyntaxError("NOT needs something after it")
            if depth > MAX_DEPTH:
                raise QuerySyntaxError(f"NOT nested deeper than {MAX_DEPTH}")
            child = self.unary(depth + 1)
            return Not(child) if child is not None else None
        return self.primary(depth)

    def primary(self, depth: int) -> Node | None:
        tok = self.take()
        if tok.kind == "lparen":
            node = self.or_expr(depth + 1)
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QuerySyntaxError("a '(' is not closed")
            self.take()
            return node
        if tok.kind == "rparen":
            raise QuerySyntaxError("a ')' has no matching '('")
        if tok.kind == "op":
            raise QuerySyntaxError(f"{tok.text} needs something on both sides")
        if tok.kind == "phrase":
            return self.words(tok.text, None, phrase=True)
        if tok.kind == "word":
            return self.words(tok.text, None, phrase=False)
        # A field: its value is the rest of the run, or the word, phrase or group after it.
        nxt = self.peek()
        if tok.field in DATE_FIELDS:
            if not tok.text and nxt is not None and nxt.kind == "word":
                return self.date(self.take().text)
            return self.date(tok.text)
        fields = FIELDS[tok.field]
        if tok.text:
            return self.words(tok.text, fields, phrase=False)
        if nxt is not None and nxt.kind == "word":
            return self.words(self.take().text, fields, phrase=False)
        if nxt is not None and nxt.kind == "phrase":
            return self.words(self.take().text, fields, phrase=True)
        if nxt is not None and nxt.kind == "lparen":
            self.take()
            inner = self.or_expr(depth + 1)
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QuerySyntaxError("a '(' is not closed")
            self.take()
            return _with_fields(inner, fields)
        raise QuerySyntaxError(f"{tok.field}: needs a word, a \"phrase\" or a (group) after it")

    def words(self, text: str, fields: tuple[str, ...] | None, *, phrase: bool) -> Node | None:
        prefix = not phrase and text.endswith("*")
        words = tuple(split_words(text))
        if not words:
            return None
        if self.word_count + len(words) > MAX_WORDS:
            self.dropped += len(words)
            return None
        self.word_count += len(words)
        if prefix and len(words) > 1:
            prefix = False
        return Words(words, fields, phrase=phrase or len(words) > 1, prefix=prefix, typed=text)

    def date(self, text: str) -> DateTerm:
        value = text.strip()
        try:
            if value[:1] in ("[", "{"):
                inner = value[1:].rstrip("]}")
                match = _RANGE_RE.match(inner)
                if not match:
                    raise QuerySyntaxError(f"date:{value} is not a range like [2014-01 to 2014-03]")
                low, high = match.group(1) or "", match.group(2) or ""
                start = (PartialDate.parse(low).first_instant()
                         if low not in ("", "*") else EARLIEST)
                end = (PartialDate.parse(high).last_instant()
                       if high not in ("", "*") else LATEST)
                if end < start:
                    raise QuerySyntaxError(f"date:{value}: {low} is after {high}")
                return DateTerm(Span(start, end), value)
            if value[:1] in ("<", ">"):
                inclusive = value[1:2] == "="
                date = PartialDate.parse(value[2:] if inclusive else value[1:])
                if value[0] == "<":
                    end = (date.last_instant() if inclusive
                           else date.first_instant().previous_second())
                    return DateTerm(Span(EARLIEST, end), value)
                start = date.first_instant() if inclusive else date.last_instant().next_second()
                return DateTerm(Span(start, LATEST), value)
            return DateTerm(PartialDate.parse(value).span, value)
        except DateError as err:
            raise QuerySyntaxError(f"date:{value}: {err.message}") from None


def _with_fields(node: Node | None, fields: tuple[str, ...]) -> Node | None:
    if isinstance(node, Words):
        return Words(node.words, fields, node.phrase, node.prefix, node.typed)
    if isinstance(node, Not):
        inner = _with_fields(node.child, fields)
        return Not(inner) if inner is not None else None
    if isinstance(node, And | Or):
        children = tuple(c for c in (_with_fields(c, fields) for c in node.children) if c)
        return type(node)(children) if children else None
    return node


def parse(text: str) -> ParsedQuery:
    """Read ``text``; raises `QuerySyntaxError` when it cannot be read as written."""
    notes: list[str] = []
    parser = _Parser(_tokenize(text), notes)
    root = parser.parse()
    if parser.dropped:
        notes.append(
            f"The query is long; searching for its first {MAX_WORDS} words only "
            f"({parser.dropped} left out)."
        )
    return ParsedQuery(root, notes)


def parse_or_fallback(text: str) -> ParsedQuery:
    """`parse`, or when that fails, all the query's words ANDed, with a note saying why."""
    try:
        return parse(text)
    except QuerySyntaxError as err:
        words = [word for word in split_words(text) if word not in _OPERATORS]
        kept = words[:MAX_WORDS]
        notes = [f"Could not read the query ({err.message}); searching for its words instead."]
        if len(words) > len(kept):
            notes.append(f"The query is long; searching for its first {MAX_WORDS} words only.")
        children = tuple(Words((word,), typed=word) for word in kept)
        root: Node | None
        if not children:
            root = None
        elif len(children) == 1:
            root = children[0]
        else:
            root = And(children)
        return ParsedQuery(root, notes, fallback=True)
