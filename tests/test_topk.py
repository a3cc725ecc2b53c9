"""A search evaluated in bulk (`chronicle.index.topk`) gives exactly what Whoosh's
collector gives: the same (docnum, score) pairs in the same order, and the same total,
for queries of every shape the query language has, every filter, both sorts and any
limit; on the sample chronicle and on a generated one whose index has several segments
and deleted documents; with either of Whoosh's Or matchers. And the common shapes are
evaluated in bulk, not handed back to Whoosh."""

from __future__ import annotations

import contextlib
import random
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chronicle.api import Chronicle
from chronicle.index import searching, topk
from chronicle.index.filtering import filter_query
from chronicle.index.lifecycle import open_searcher
from chronicle.index.querylang import parse_or_fallback
from chronicle.query import Filters
from conftest import REPO, generator


class Corpus:
    """A built chronicle, its vocabulary and its filter values, opened once."""

    def __init__(self, root: Path) -> None:
        self.chronicle = Chronicle.open(root)
        self.location = self.chronicle.location
        self.registry = self.chronicle.registry
        self.catalog = self.chronicle.catalog
        self.names = self.catalog.name_matcher(self.registry)
        with open_searcher(self.location) as searcher:
            reader = searcher.reader()
            # The word table's folded words ("=word"), each in the chronicle.
            self.words = sorted(text[1:] for text in reader.field_terms("words")
                                if text.startswith("=") and text[1:].isalpha())
            self.leaves = len(searcher.leaf_searchers())
            self.deleted = reader.doc_count_all() - reader.doc_count()
        entries = self.catalog.entries()
        self.years = sorted({entry.span.start.year for entry in entries})
        self.tags = sorted({tag for entry in entries for tag in entry.tags})
        self.people = sorted({person for entry in entries for person in entry.people})
        self.places = sorted({place for entry in entries for place in entry.places})
        self.titles = [entry.title for entry in entries]

    @contextlib.contextmanager
    def searcher(self) -> Iterator[Any]:
        with open_searcher(self.location) as searcher:
            yield searcher


def both_ways(corpus: Corpus, searcher: Any, text: str, filters: Filters | None,
              sort: str, limit: int | None,
              ) -> tuple[tuple[Any, int], tuple[Any, int], list[str] | None] | None:
    """(Whoosh's items and total, the bulk evaluation's, what it stepped through), as
    `chronicle.index.searching` runs a search; None when there is nothing to search."""
    search = searching._Search(searcher, parse_or_fallback(text), filters, corpus.registry,
                               limit, sort, names=corpus.names)
    query = search.compiler.compile(search.parsed.root)
    restrict = filter_query(filters, corpus.registry, corpus.names)
    if query is None and restrict is None:
        return None
    outcomes = []
    saved = searching.FAST_COLLECT
    try:
        for fast in (False, True):
            searching.FAST_COLLECT = fast
            outcomes.append(search.execute(query, restrict))
    finally:
        searching.FAST_COLLECT = saved
    return outcomes[0], outcomes[1], search.stepped


def assert_same(corpus: Corpus, searcher: Any, text: str, filters: Filters | None = None,
                sort: str = "relevance", limit: int | None = 20) -> list[str] | None:
    found = both_ways(corpus, searcher, text, filters, sort, limit)
    if found is None:
        return None
    slow, fast, stepped = found
    # Exactly: the same floats, the same order, the same total.
    assert fast == slow, (text, filters, sort, limit)
    assert stepped is not None, f"{text!r}: Whoosh's collector ran, not the bulk evaluation"
    return stepped


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("topk-sample")
    shutil.copytree(REPO / "entries", root / "entries")
    shutil.copy(REPO / "chronicle.yaml", root / "chronicle.yaml")
    (root / "index").mkdir()
    Chronicle.open(root).update_index()
    return Corpus(root)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """A generated chronicle indexed, then changed in three rounds (edits, removals,
    additions), so its index has several segments and deleted documents."""
    root = tmp_path_factory.mktemp("topk-generated") / "chron"
    generator()(root, 240, seed=7)
    # Entries holding one word in many fields, at many lengths: scores summed from
    # several parts, where the order of the additions shows in the last bits.
    rng = random.Random(7)
    filler = ["alpha", "beta", "gamma", "delta", "river", "stone", "light"]
    for number in range(60):
        def words(low: int, high: int) -> str:
            return " ".join(rng.choices(filler, k=rng.randint(low, high)))
        fields = {
            "title": f"Quillwort {words(0, 8)}",
            "summary": f"{words(0, 20)} quillwort {words(0, 5)} Quillworts",
            "body": " ".join(["quillwort"] * rng.randint(1, 4)) + " " + words(0, 90),
            "tags": ["quillwort"] if number % 2 else ["river"],
            "people": ["Ana Quillwort"] if number % 3 else [],
        }
        fields = {key: value for key, value in fields.items() if rng.random() < 0.8}
        fields.setdefault("title", "Quillwort")
        lines = [f"title: {fields['title']}", f"date: {1990 + number % 30}-0{1 + number % 9}"]
        lines += [f"{key}: {value}" for key, value in fields.items()
                  if key in ("summary", "body")]
        lines += [f"{key}: {value!r}".replace("'", '"') for key, value in fields.items()
                  if key in ("tags", "people")]
        (root / "entries" / f"quillwort-{number}.yaml").write_text(
            "\n".join(lines) + "\n", encoding="utf-8")
    chronicle = Chronicle.open(root)
    chronicle.update_index()
    files = sorted((root / "entries").rglob("*.yaml"))
    for round_ in range(3):
        for path in rng.sample(files, 12):
            if path.exists():
                text = path.read_text(encoding="utf-8")
                path.write_text(text.replace("title: ", f"title: Commission round{round_} ",
                                             1), encoding="utf-8")
        for path in rng.sample(files, 5):
            path.unlink(missing_ok=True)
        for number, path in enumerate(rng.sample(files, 4)):
            if path.exists():
                copy = path.with_name(f"copy-{round_}-{number}.yaml")
                copy.write_text(path.read_text(encoding="utf-8").replace(
                    "title: ", "title: Copied ", 1), encoding="utf-8")
        chronicle.update_index()
    corpus = Corpus(root)
    assert corpus.leaves > 1 and corpus.deleted > 0, "the index should have been changed"
    return corpus


@pytest.fixture(params=["auto", "union tree", "array", "array in small parts"])
def or_matchers(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Whoosh's Or picks its matcher by the segment's size: small segments (all of
    these) sum into an array, 2048 documents at a time, large ones build a tree of
    unions. Try each, and arrays in parts smaller than these segments."""
    from whoosh.matching import ArrayUnionMatcher
    from whoosh.query import Or

    kinds = {"auto": Or.AUTO_MATCHER, "union tree": Or.DEFAULT_MATCHER,
             "array": Or.ARRAY_MATCHER, "array in small parts": Or.ARRAY_MATCHER}
    monkeypatch.setattr(Or, "matcher_type", kinds[request.param])
    if request.param == "array in small parts":
        defaults = ArrayUnionMatcher.__init__.__defaults__
        assert defaults is not None and defaults[-1] == 2048
        monkeypatch.setattr(ArrayUnionMatcher.__init__, "__defaults__", (*defaults[:-1], 7))
    return str(request.param)


SHAPES = [
    "quillwort", "quillwort OR {w}", "quillwort {w}", "quillwort -{w}", "quill*",
    "{w}", "{w} {v}", "{w} OR {v}", "{w} -{v}", "{w} AND NOT {v}", "NOT {w}",
    "{p}*", '"{w} {v}"', "title:{w}", "({w} OR {v}) {u}", "{w} date:{y}",
    "{w} {v} {u} OR {w}", "-{w} -{v}", "{typo}",
]


def shaped(corpus: Corpus, rng: random.Random) -> str:
    w, v, u = (rng.choice(corpus.words) for _ in range(3))
    typo = w[:-1] + ("a" if w[-1] != "a" else "e") if len(w) > 4 else w
    return rng.choice(SHAPES).format(w=w, v=v, u=u, p=w[:3], y=rng.choice(corpus.years),
                                     typo=typo)


@st.composite
def queries(draw: st.DrawFn, corpus: Corpus) -> str:
    """Query text of any shape: words of the chronicle (and near misses), prefixes,
    phrases, fields, dates, names, AND, OR, NOT and groups."""
    def word() -> str:
        kind = draw(st.sampled_from(["word", "word", "word", "name", "title", "typo",
                                     "prefix", "date", "field", "phrase", "stop"]))
        if kind == "word":
            return draw(st.sampled_from(corpus.words))
        if kind == "name":
            names = corpus.people + corpus.places + corpus.tags
            return draw(st.sampled_from(names)).split()[-1] if names else "x"
        if kind == "title":
            return '"' + draw(st.sampled_from(corpus.titles)) + '"'
        if kind == "typo":
            found = draw(st.sampled_from(corpus.words))
            at = draw(st.integers(0, len(found) - 1))
            return found[:at] + draw(st.sampled_from("aeiouxz")) + found[at + 1:]
        if kind == "prefix":
            return draw(st.sampled_from(corpus.words))[:draw(st.integers(1, 4))] + "*"
        if kind == "date":
            return f"date:{draw(st.sampled_from(corpus.years))}"
        if kind == "field":
            field = draw(st.sampled_from(["title", "body", "people", "places", "tags"]))
            return f"{field}:{draw(st.sampled_from(corpus.words))}"
        if kind == "phrase":
            return f'"{draw(st.sampled_from(corpus.words))} {draw(st.sampled_from(corpus.words))}"'
        return draw(st.sampled_from(["the", "and", "of"]))

    parts = [word()]
    for _ in range(draw(st.integers(0, 3))):
        joint = draw(st.sampled_from([" ", " ", " OR ", " AND ", " -", " NOT "]))
        parts.append(joint + word())
    text = "".join(parts)
    if draw(st.booleans()) and len(parts) > 1:
        text = f"({text}) {word()}"
    return text


@st.composite
def filters(draw: st.DrawFn, corpus: Corpus) -> Filters | None:
    options: dict[str, Any] = {}
    for kind in draw(st.sets(st.sampled_from(
            ["year", "range", "tags", "people", "places", "within"]), max_size=3)):
        if kind == "year":
            options["year"] = draw(st.sampled_from(corpus.years))
        elif kind == "range":
            first, last = sorted(draw(st.lists(st.sampled_from(corpus.years), min_size=2,
                                               max_size=2)))
            options["from_"], options["to"] = str(first), str(last)
        elif kind == "within":
            options["within"] = True
        else:
            values = getattr(corpus, kind)
            if values:
                options[kind] = draw(st.lists(st.sampled_from(values), min_size=1,
                                              max_size=2))
    if not options or set(options) == {"within"}:
        return None
    return Filters.build(**options)


SORTS = st.sampled_from(["relevance", "date"])
LIMITS = st.sampled_from([1, 3, 20, None])


def any_search(corpus: Corpus, data: st.DataObject) -> None:
    text = data.draw(queries(corpus))
    chosen = data.draw(filters(corpus))
    with corpus.searcher() as searcher:
        assert_same(corpus, searcher, text, chosen, data.draw(SORTS), data.draw(LIMITS))


@settings(max_examples=70)
@given(data=st.data())
def test_generated_chronicle_any_query(generated: Corpus, data: st.DataObject) -> None:
    any_search(generated, data)


@settings(max_examples=40)
@given(data=st.data())
def test_sample_chronicle_any_query(sample: Corpus, data: st.DataObject) -> None:
    any_search(sample, data)


def test_every_shape_with_each_or_matcher(generated: Corpus, or_matchers: str) -> None:
    rng = random.Random(or_matchers)
    with generated.searcher() as searcher:
        for _ in range(20):
            text = shaped(generated, rng)
            for sort in ("relevance", "date"):
                for limit in (3, None):
                    assert_same(generated, searcher, text, None, sort, limit)


def test_filters_alone_and_with_words(generated: Corpus) -> None:
    year = generated.years[len(generated.years) // 2]
    cases = [
        Filters.build(year=year),
        Filters.build(from_=str(generated.years[0]), to=str(year), within=True),
        Filters.build(tags=generated.tags[:2]),
        Filters.build(people=generated.people[:1], year=year),
        Filters.build(places=generated.places[:2]),
    ]
    with generated.searcher() as searcher:
        for chosen in cases:
            for text in ("", "commission", "commission OR copied", "-commission"):
                for sort in ("relevance", "date"):
                    for limit in (3, None):
                        assert_same(generated, searcher, text, chosen, sort, limit)


def test_common_shapes_are_evaluated_in_bulk(generated: Corpus) -> None:
    """The bulk evaluation ran (not Whoosh's collector), and stepped through nothing
    Whoosh's way, for the shapes people type most: if a Whoosh change or a new query
    shape makes it fall back, this fails rather than the search silently slowing."""
    word, other = "commission", generated.words[len(generated.words) // 2]
    year = generated.years[len(generated.years) // 2]
    with generated.searcher() as searcher:
        for text, chosen, sort in [
            (word, None, "relevance"),
            (f"{word} {other}", None, "relevance"),
            (f"{word} OR {other}", None, "date"),
            (f"{word} -{other}", None, "relevance"),
            (f"{word[:4]}*", None, "relevance"),
            (f"{word} date:{year}", None, "relevance"),
            ("comission", None, "relevance"),
            (word, Filters.build(year=year), "relevance"),
            ("", Filters.build(year=year), "relevance"),
            (word, Filters.build(tags=generated.tags[:1]), "date"),
        ]:
            assert assert_same(generated, searcher, text, chosen, sort) == [], text
        # A phrase's spans are stepped through, that subtree alone.
        stepped = assert_same(generated, searcher, f'"{word} round0"')
        assert stepped and all("Span" in name for name in stepped)


def test_whole_searches_agree(generated: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the public search: the same hits, scores, tiers, total and notes."""
    def run(fast: bool, text: str, **options: Any) -> Any:
        monkeypatch.setattr(searching, "FAST_COLLECT", fast)
        result = generated.chronicle.search(text, **options)
        return ([(hit.entry.id, hit.score, hit.tier) for hit in result.hits],
                result.total, result.notes)

    for text, options in [
        ("commission", {}),
        ("commission", {"limit": None, "sort": "date"}),
        ("copied OR round1", {"limit": 5}),
        ("", {"year": generated.years[-1]}),
        ("commission -copied", {"tags": generated.tags[:3], "limit": 0}),
    ]:
        assert run(True, text, **options) == run(False, text, **options)


def test_an_unknown_scorer_falls_back_to_whoosh(generated: Corpus,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A weighting that adjusts final scores cannot be reproduced: Whoosh's collector
    answers, with the same result."""
    with generated.searcher() as searcher:
        monkeypatch.setattr(type(searcher.weighting), "use_final", True, raising=False)
        monkeypatch.setattr(type(searcher.weighting), "final",
                            lambda self, searcher, docnum, score: score * 2, raising=False)
        with pytest.raises(topk.Unsupported):
            topk.collect(searcher, _term("body", "commiss"), limit=20)
        found = both_ways(generated, searcher, "commission", None, "relevance", 20)
        assert found is not None
        slow, fast, stepped = found
        assert fast == slow and stepped is None


def _term(fieldname: str, text: str) -> Any:
    from whoosh.query import Term

    return Term(fieldname, text)
