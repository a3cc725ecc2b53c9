"""Relevance benchmark: does a search find every entry it should, and only those?

Builds a chronicle from ``data/records.jsonl`` (public records nobody on this project
wrote; see ``data/SOURCES.md``), runs every query of ``queries.yaml`` through chronicle's
search and, in the same run, through three baselines over the same records:

``whoosh-std``      Whoosh's StandardAnalyzer (lower case, stop words), words ANDed
``whoosh-fuzzy``    Whoosh folding accents before a Snowball stemmer, ``word~1`` on every word
``fts5``            SQLite FTS5, ``unicode61 remove_diacritics 2``, words ANDed

Each query's expected records come from hand-checked regular expressions over the raw
records, not from any search engine. Per query and in total it prints recall, precision
and "fully right" (recall 1 and precision at least 0.9)::

    python benchmarks/relevance/run.py            # every record, every engine
    python benchmarks/relevance/run.py --quick    # the records the queries are about, plus a sample
    python benchmarks/relevance/run.py --engines chronicle --class distinct
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
RECORDS = HERE / "data" / "records.jsonl"
QUERIES = HERE / "queries.yaml"
FULLY_RIGHT_PRECISION = 0.9
ENGINES = ("chronicle", "whoosh-std", "whoosh-fuzzy", "fts5")


@dataclass(frozen=True)
class Query:
    text: str
    klass: str
    expect: tuple[re.Pattern[str], ...]
    avoid: re.Pattern[str] | None
    note: str = ""


@dataclass
class Score:
    recall: float
    precision: float
    found: int
    expected: int

    @property
    def fully_right(self) -> bool:
        return self.recall == 1.0 and self.precision >= FULLY_RIGHT_PRECISION


@dataclass
class Report:
    queries: list[Query]
    scores: dict[str, list[Score]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def fully_right(self, engine: str) -> int:
        return sum(score.fully_right for score in self.scores[engine])

    def mean(self, engine: str, attr: str) -> float:
        values = [getattr(score, attr) for score in self.scores[engine]]
        return sum(values) / len(values) if values else 0.0


def load_records() -> list[dict]:
    with RECORDS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def load_queries(klass: str | None = None) -> list[Query]:
    found = []
    for item in yaml.safe_load(QUERIES.read_text(encoding="utf-8")):
        expect = item["expect"] if isinstance(item["expect"], list) else [item["expect"]]
        avoid = item.get("not")
        query = Query(
            item["query"], item["class"],
            tuple(re.compile(rx, re.IGNORECASE) for rx in expect),
            re.compile(avoid, re.IGNORECASE) if avoid else None,
            item.get("note", ""),
        )
        if klass is None or query.klass == klass:
            found.append(query)
    return found


def record_text(record: dict) -> str:
    return " ".join([record["title"], record["body"], *record["people"], *record["places"]])


def expected_ids(query: Query, records: list[dict]) -> set[str]:
    return {r["id"] for r in records if all(rx.search(record_text(r)) for rx in query.expect)}


def quick_subset(records: list[dict], queries: list[Query], per_query: int = 4,
                 every: int = 80) -> list[dict]:
    """A small chronicle for a quick run: for each query, its first ``per_query`` expected
    records and as many it must avoid, plus every ``every``-th record as background.

    The expected sets are recomputed over the subset, so the scores stay exact for it.
    """
    keep: set[int] = set(range(0, len(records), every))
    texts = [record_text(record) for record in records]
    for query in queries:
        wanted = [i for i, text in enumerate(texts) if all(rx.search(text) for rx in query.expect)]
        keep.update(wanted[:per_query])
        if query.avoid is not None:
            avoid = [i for i, text in enumerate(texts) if query.avoid.search(text)]
            keep.update(avoid[:per_query])
    return [records[i] for i in sorted(keep)]


def score(found: set[str], expected: set[str]) -> Score:
    right = len(found & expected)
    recall = right / len(expected) if expected else 1.0
    precision = right / len(found) if found else (1.0 if not expected else 0.0)
    return Score(recall, precision, len(found), len(expected))


# -- engines ---------------------------------------------------------------------------

Searcher = Callable[[str], set[str]]


def write_chronicle(records: list[dict], root: Path) -> None:
    entries = root / "entries"
    for record in records:
        path = entries / f"{record['id']}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        data: dict = {"title": record["title"], "date": record["date"]}
        for key in ("body", "people", "places"):
            if record[key]:
                data[key] = record[key]
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    (root / "chronicle.yaml").write_text("title: relevance benchmark\n", encoding="utf-8")


def chronicle_engine(records: list[dict], folder: Path) -> Searcher:
    from chronicle.config import find_chronicle
    from chronicle.errors import ChronicleError
    from chronicle.index.searching import search

    root = folder / "chronicle"
    write_chronicle(records, root)
    chronicle = find_chronicle(root)
    search(chronicle, "warm", limit=1, details=False)  # builds the index

    def run(text: str) -> set[str]:
        try:
            result = search(chronicle, text, limit=None, details=False)
        except ChronicleError:
            return set()
        return {hit.entry.id for hit in result.hits}

    return run


def _whoosh_engine(records: list[dict], folder: Path, analyzer: object,
                   rewrite: Callable[[str], str], plugins: Iterable[object] = ()) -> Searcher:
    from whoosh import fields, index
    from whoosh.qparser import QueryParser

    schema = fields.Schema(id=fields.ID(stored=True, unique=True),
                           content=fields.TEXT(analyzer=analyzer))
    folder.mkdir(parents=True)
    ix = index.create_in(str(folder), schema)
    writer = ix.writer()
    for record in records:
        writer.add_document(id=record["id"], content=record_text(record))
    writer.commit()
    parser = QueryParser("content", schema)
    for plugin in plugins:
        parser.add_plugin(plugin)
    searcher = ix.searcher()

    def run(text: str) -> set[str]:
        query = parser.parse(rewrite(text))
        return {hit["id"] for hit in searcher.search(query, limit=None)}

    return run


def whoosh_standard(records: list[dict], folder: Path) -> Searcher:
    from whoosh.analysis import StandardAnalyzer

    return _whoosh_engine(records, folder / "whoosh-std", StandardAnalyzer(), lambda t: t)


def whoosh_fuzzy(records: list[dict], folder: Path) -> Searcher:
    from whoosh.analysis import (
        CharsetFilter,
        LowercaseFilter,
        RegexTokenizer,
        StemFilter,
        StopFilter,
    )
    from whoosh.qparser import FuzzyTermPlugin
    from whoosh.support.charset import accent_map

    analyzer = (RegexTokenizer() | LowercaseFilter() | CharsetFilter(accent_map)
                | StopFilter() | StemFilter(lang="en"))

    def rewrite(text: str) -> str:
        if text.startswith('"'):
            return text  # Whoosh cannot put ~1 inside a phrase
        return " ".join(f"{word}~1" for word in re.findall(r"\w+", text))

    return _whoosh_engine(records, folder / "whoosh-fuzzy", analyzer, rewrite,
                          [FuzzyTermPlugin()])


def fts5(records: list[dict], folder: Path) -> Searcher:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE r USING fts5(id UNINDEXED, content, "
               "tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO r VALUES (?, ?)",
                   [(record["id"], record_text(record)) for record in records])

    def run(text: str) -> set[str]:
        if text.startswith('"'):
            match = text
        else:
            match = " ".join(f'"{word}"' for word in re.findall(r"\w+", text))
        return {row[0] for row in db.execute("SELECT id FROM r WHERE r MATCH ?", (match,))}

    return run


BUILDERS: dict[str, Callable[[list[dict], Path], Searcher]] = {
    "chronicle": chronicle_engine,
    "whoosh-std": whoosh_standard,
    "whoosh-fuzzy": whoosh_fuzzy,
    "fts5": fts5,
}


def evaluate(records: list[dict], queries: list[Query], engines: Iterable[str] = ENGINES,
             ) -> Report:
    report = Report(queries)
    truth = [expected_ids(query, records) for query in queries]
    with tempfile.TemporaryDirectory(prefix="chronicle-relevance-") as tmp:
        for engine in engines:
            started = time.perf_counter()
            run = BUILDERS[engine](records, Path(tmp) / engine)
            report.scores[engine] = [score(run(q.text), expected)
                                     for q, expected in zip(queries, truth, strict=True)]
            report.seconds[engine] = time.perf_counter() - started
    return report


# -- output ----------------------------------------------------------------------------


def _floor(value: float) -> str:
    # Rounded down, so that 264 of 265 never shows as a perfect 1.00.
    return f"{math.floor(value * 100) / 100:4.2f}"


def cell(s: Score) -> str:
    mark = "ok" if s.fully_right else "--"
    return f"{_floor(s.recall)} {_floor(s.precision)} {mark}"


def print_report(report: Report, *, per_query: bool = True) -> None:
    engines = list(report.scores)
    width = max(len(q.text) for q in report.queries) + 2
    header = f"{'query':<{width}}{'class':<16}{'exp':>4}  " + "  ".join(
        f"{e:<14}" for e in engines)
    if per_query:
        print("per query: recall precision fully-right (ok = recall 1, precision >= 0.9)")
        print(header)
        for number, query in enumerate(report.queries):
            first = report.scores[engines[0]][number]
            print(f"{query.text:<{width}}{query.klass:<16}{first.expected:>4}  " + "  ".join(
                f"{cell(report.scores[e][number]):<14}" for e in engines))
        print()
    classes = list(dict.fromkeys(q.klass for q in report.queries))
    print("fully right per class (of the class's queries)")
    print(f"{'class':<18}{'n':>3}  " + "  ".join(f"{e:>13}" for e in engines))
    for klass in classes:
        picks = [i for i, q in enumerate(report.queries) if q.klass == klass]
        print(f"{klass:<18}{len(picks):>3}  " + "  ".join(
            f"{sum(report.scores[e][i].fully_right for i in picks):>13}" for e in engines))
    n = len(report.queries)
    print()
    print(f"{'total (' + str(n) + ' queries)':<22}" + "  ".join(f"{e:>13}" for e in engines))
    for label, attr in (("mean recall", "recall"), ("mean precision", "precision")):
        print(f"{label:<22}" + "  ".join(f"{report.mean(e, attr):>13.3f}" for e in engines))
    print(f"{'fully right':<22}" + "  ".join(
        f"{report.fully_right(e):>5} ({100 * report.fully_right(e) / n:3.0f}%)" for e in engines))
    print(f"{'seconds (build+run)':<22}" + "  ".join(
        f"{report.seconds[e]:>13.1f}" for e in engines))


def show_truth(queries: list[Query], records: list[dict]) -> None:
    for query in queries:
        forms: dict[str, int] = {}
        avoided: dict[str, int] = {}
        count = 0
        for record in records:
            text = record_text(record)
            if all(rx.search(text) for rx in query.expect):
                count += 1
                for rx in query.expect:
                    for match in rx.finditer(text):
                        forms[match.group(0)] = forms.get(match.group(0), 0) + 1
            if query.avoid is not None:
                for match in query.avoid.finditer(text):
                    avoided[match.group(0)] = avoided.get(match.group(0), 0) + 1
        print(f"{query.text} [{query.klass}]: {count} records; matches {forms}"
              + (f"; must not match {avoided}" if avoided else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="only the records the queries are about, plus a sample")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated, from {', '.join(ENGINES)}")
    parser.add_argument("--class", dest="klass", help="only the queries of this class")
    parser.add_argument("--summary", action="store_true", help="no per-query lines")
    parser.add_argument("--show-truth", action="store_true",
                        help="print what each query's expressions match, to check them by hand")
    args = parser.parse_args(argv)
    queries = load_queries(args.klass)
    records = load_records()
    if args.show_truth:
        show_truth(queries, records)
        return 0
    if args.quick:
        records = quick_subset(records, queries)
    engines = [e for e in args.engines.split(",") if e]
    unknown = [e for e in engines if e not in BUILDERS]
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    print(f"{len(queries)} queries over {len(records)} records")
    report = evaluate(records, queries, engines)
    print_report(report, per_query=not args.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
