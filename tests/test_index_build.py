"""Building the search index: whatever path builds it (one process or several, the
tuned writers or Whoosh's own), the index holds the same terms, postings, lengths and
stored values, and searches give the same hits, scores and highlighted snippets.

The expectations in ``golden/index_build.json`` were computed by the plain build (Whoosh's
own writers, documents made one at a time in the parent) on a generated chronicle of 200 entries. Set
``CHRONICLE_WRITE_GOLDEN=1`` to rewrite them from the current code, only when the index's
content is meant to change (a new schema or analysis), and review the diff.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from chronicle import index
from chronicle.config import find_chronicle
from chronicle.index import lifecycle
from conftest import generator

GOLDEN = Path(__file__).parent / "golden" / "index_build.json"
WRITE_GOLDEN = bool(os.environ.get("CHRONICLE_WRITE_GOLDEN"))

#: Words, names in every spelling and script, phrases, prefixes, misspellings, boolean
#: queries, fields and filters: each kind of term the index holds is searched.
QUERIES = [
    "commission", "railway", "treaty", "monastery", "parliament elections",
    "Vučić", "Vucic", "Vuchich", "Вучић", "Djordjevic", "Đorđević", "Dordevic",
    "Aliyev", "Əliyev", "Алиев", "Hacıbəyli", "Hajibeyli", "Lodz", "Łódź", "Tashmaydan",
    "Beograd", "Zurich", "Friedrichstrasse", "Malmoe", "Kiev", "Sao Paulo",
    "Tchaikovsky", "Dvorak", "Walesa", "Østergaard", "Muller",
    '"novak djokovic"', '"kemal ataturk"', '"their between"', "foreign AND minister",
    "strike OR protest", "railw*",
    "parliment", "earthquak", "people:Nikolic", "places:Baku", "tags:energy",
    "title:agreement", "zwierzchowska", "Ksenija",
]
#: Hits per query whose highlighted title and snippet are compared.
SHOWN = 12
YEAR_QUERIES = [("election", 2014), ("railway", 2014), ("treaty", 2014)]


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("build") / "chron"
    generator()(root, 200, seed=5, invalid=2)
    return root


def copy_of(pristine: Path, tmp_path: Path) -> Path:
    root = tmp_path / "chron"
    shutil.copytree(pristine, root, symlinks=True)
    return root


def index_content(root: Path) -> dict[str, Any]:
    """The whole index, independent of document numbers and segments: per field, a
    digest of every term's postings (path, weight, encoded value) and of each entry's
    field length; stored fields and columns by path; totals."""
    chronicle = find_chronicle(root)
    with lifecycle.open_searcher(chronicle) as searcher:
        reader = searcher.reader()
        schema = searcher.schema
        paths = {docnum: fields["path"] for docnum, fields in reader.iter_docs()}
        content: dict[str, Any] = {"documents": reader.doc_count_all()}
        for name in sorted(schema.names()):
            fieldobj = schema[name]
            digest = hashlib.sha256()
            if fieldobj.indexed:
                terms = 0
                for term in reader.lexicon(name):
                    terms += 1
                    postings = reader.postings(name, term)
                    rows = []
                    while postings.is_active():
                        rows.append((paths[postings.id()], round(postings.weight(), 9),
                                     postings.value()))
                        postings.next()
                    digest.update(repr((term, sorted(rows))).encode())
                if fieldobj.scorable:
                    lengths = sorted((path, reader.doc_field_length(docnum, name))
                                     for docnum, path in paths.items())
                    digest.update(repr(lengths).encode())
                    content[f"{name} length"] = reader.field_length(name)
                content[f"{name} terms"] = terms
            if fieldobj.column_type:
                column = reader.column_reader(name)
                digest.update(repr(sorted((path, column[docnum])
                                          for docnum, path in paths.items())).encode())
            if fieldobj.stored:
                stored = sorted((path, repr(reader.stored_fields(docnum).get(name)))
                                for docnum, path in paths.items())
                digest.update(repr(stored).encode())
            content[name] = digest.hexdigest()
    return content


def marked(segments: Any) -> str:
    return "".join(f"[{text}]" if hit else text for text, hit in segments)


def search_answers(root: Path) -> dict[str, Any]:
    """Every hit of every query: id, score, tier, matched fields and forms, and the
    title and snippet with their highlighted parts in brackets. Ties are put in id order
    (Whoosh breaks them by document number, which a parallel build does not fix)."""
    from chronicle.query import Filters

    chronicle = find_chronicle(root)
    runs = [(query, None) for query in QUERIES] + list(YEAR_QUERIES)
    answers: dict[str, Any] = {}
    for query, year in runs:
        filters = Filters.build(year=year) if year is not None else None
        result = index.search(chronicle, query, limit=0, filters=filters)
        ordered = sorted(result.hits, key=lambda h: (h.tier, -round(h.score, 6), h.entry.id))
        key = query if year is None else f"{query} (year {year})"
        answers[key] = {
            "total": result.total,
            "hits": [[hit.entry.id, round(hit.score, 6), int(hit.tier)] for hit in ordered],
            "shown": [[hit.entry.id, hit.matched_fields, hit.matched_forms, marked(hit.title),
                       marked(hit.snippet), hit.snippet_field] for hit in ordered[:SHOWN]],
        }
    return answers


def build(root: Path, *, parallel: bool, monkeypatch: pytest.MonkeyPatch,
          limit_mb: int | None = None) -> None:
    """A first build, in two worker processes or in this one; with ``limit_mb``, each
    writer holds that much before it spills its postings to a run file."""
    monkeypatch.setattr(lifecycle, "PARALLEL_THRESHOLD", 50 if parallel else 10**9)
    monkeypatch.setattr(lifecycle, "PARALLEL_BATCH", 20)
    if limit_mb is not None:
        monkeypatch.setattr(lifecycle, "WRITER_OPTIONS",
                            {**lifecycle.WRITER_OPTIONS, "limitmb": limit_mb})
        monkeypatch.setattr(lifecycle, "PARALLEL_LIMIT_MB", limit_mb)
    report = index.update(find_chronicle(root))
    assert report.rebuilt and report.indexed == 200


def test_an_optimized_index_holds_the_same(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merging a parallel build's segments into one gives what Whoosh's own writers give.

    (Not the expectations of a fresh build: Whoosh's merge adds up the lengths it stored
    rounded to one byte per document, so an optimized index's total field lengths, and
    with them the scores, differ slightly from a fresh build's.)"""
    from chronicle.index import building

    built = copy_of(pristine, tmp_path / "built")
    build(built, parallel=True, monkeypatch=monkeypatch)
    optimized = {}
    for how in ("tuned", "whoosh"):
        if how == "whoosh":
            monkeypatch.setattr(building, "writer", lambda ix, **kw: ix.writer(**kw))
        root = copy_of(built, tmp_path / how)
        lifecycle.optimize_index(find_chronicle(root))
        optimized[how] = index_content(root)
    assert optimized["tuned"] == optimized["whoosh"]


def test_an_index_built_in_memory_holds_the_same(pristine: Path, tmp_path: Path) -> None:
    assert_built_in_memory_holds_the_same(copy_of(pristine, tmp_path))


def assert_built_in_memory_holds_the_same(root: Path) -> None:
    from chronicle.catalog import open_catalog

    chronicle = find_chronicle(root)
    with open_catalog(chronicle) as catalog:
        catalog.refresh()
        lifecycle.build_in_memory(chronicle, catalog)
    try:
        golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
        assert index_content(root) == golden["index"]
    finally:
        lifecycle._in_memory.pop(chronicle.index_dir, None)


def test_an_index_built_in_memory_leaves_the_temp_folder_alone(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from chronicle.index.schema import index_name

    # Another process's build left something under the name Whoosh gives a writer's
    # scratch folder in the temp folder: this build must neither use nor remove it.
    temp = tmp_path / "temp"
    temp.mkdir()
    theirs = temp / f"{index_name()}.tmp"
    theirs.write_text("another process's", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    assert_built_in_memory_holds_the_same(copy_of(pristine, tmp_path / "root"))
    assert list(temp.iterdir()) == [theirs]
    assert theirs.read_text(encoding="utf-8") == "another process's"


def test_golden_expectations_cover_what_they_claim() -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert golden["index"]["documents"] == 200
    answers = golden["search"]
    assert set(answers) == set(QUERIES) | {f"{q} (year {y})" for q, y in YEAR_QUERIES}
    assert all(answer["hits"] for answer in answers.values())
    # Names found through other spellings and scripts, with their highlighted forms.
    assert any("[" in hit[4] for hit in answers["Вучић"]["shown"])


@pytest.mark.parametrize(
    ("parallel", "limit_mb"),
    [(False, None), (True, 1), (False, 1)],
    # With 1 MB, the postings go through many sorted run files on disk and back.
    ids=["one-process", "parallel-many-runs", "one-process-many-runs"],
)
def test_a_build_holds_exactly_the_expected_index_and_answers(
    pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parallel: bool,
    limit_mb: int | None,
) -> None:
    from chronicle.index import building

    runs: list[str] = []
    read_run = building._ChunkedPool._read_run

    def counted(pool: Any, path: str) -> Any:
        runs.append(path)
        return read_run(pool, path)

    monkeypatch.setattr(building._ChunkedPool, "_read_run", counted)
    root = copy_of(pristine, tmp_path)
    build(root, parallel=parallel, monkeypatch=monkeypatch, limit_mb=limit_mb)
    if limit_mb is not None and not parallel:
        assert len(runs) > 5  # (the workers' runs are read in their own processes)
    content = index_content(root)
    # The same content gives the same answers; they are searched where the documents
    # are numbered differently (parallel) and where the expectations are written.
    answers = search_answers(root) if parallel or limit_mb is None else None
    if WRITE_GOLDEN and not parallel and limit_mb is None:
        GOLDEN.write_text(json.dumps({"index": content, "search": answers}, indent=1,
                                     ensure_ascii=False) + "\n", encoding="utf-8")
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    differs = [name for name in golden["index"] if golden["index"][name] != content.get(name)]
    assert not differs, f"the index differs in: {', '.join(differs)}"
    assert content == golden["index"]
    for query, expected in golden["search"].items() if answers is not None else ():
        assert answers[query] == expected, query
