"""The bare-Whoosh baseline for bench_search.py: no chronicle code on the hot path.

    python benchmarks/bench_search_whoosh.py search CHRONICLE "query text"
    python benchmarks/bench_search_whoosh.py build CHRONICLE OUT --procs 2

``search`` opens the chronicle's own index in ``index/whoosh/`` and runs the query through
Whoosh's stock MultifieldParser, printing the ids of the top 20 hits: what a script using
Whoosh directly would do. (Unpickling the index schema imports chronicle's analyzer
class, which Whoosh needs to read the index at all.)

``build`` indexes the same entries (read from chronicle's catalog, not timed) into a
stock Whoosh schema (StemmingAnalyzer text fields, comma keyword fields, a numeric date)
and prints the seconds the build took: Whoosh's own speed on the same documents.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path


def search(root: Path, text: str) -> int:
    from whoosh import index
    from whoosh.qparser import MultifieldParser

    folder = root / "index" / "whoosh"
    names = sorted(p.name for p in folder.glob("_*.toc"))
    indexname = names[-1][1:].rsplit("_", 1)[0]
    ix = index.open_dir(str(folder), indexname=indexname)
    with ix.searcher() as searcher:
        fields = ["title", "summary", "body", "people", "places", "tags"]
        query = MultifieldParser(fields, ix.schema).parse(text)
        results = searcher.search(query, limit=20)
        for hit in results:
            print(hit["id"])
        return 0 if len(results) else 1


def build(root: Path, out: Path, procs: int) -> int:
    from chronicle.catalog import open_catalog
    from chronicle.config import find_chronicle

    chronicle = find_chronicle(root)
    catalog = open_catalog(chronicle)
    catalog.refresh()
    entries = catalog.entries()
    catalog.close()

    from whoosh import fields, index
    from whoosh.analysis import StemmingAnalyzer

    analyzer = StemmingAnalyzer()
    schema = fields.Schema(
        id=fields.ID(unique=True, stored=True),
        title=fields.TEXT(analyzer=analyzer, field_boost=3.0),
        summary=fields.TEXT(analyzer=analyzer),
        body=fields.TEXT(analyzer=analyzer),
        sources=fields.TEXT(analyzer=analyzer),
        people=fields.KEYWORD(commas=True, lowercase=True, scorable=True),
        places=fields.KEYWORD(commas=True, lowercase=True, scorable=True),
        tags=fields.KEYWORD(commas=True, lowercase=True, scorable=True),
        start=fields.NUMERIC(int, bits=64, signed=True, sortable=True),
    )
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    started = time.perf_counter()
    ix = index.create_in(str(out), schema)
    options = {"procs": procs, "multisegment": True} if procs > 1 else {}
    writer = ix.writer(limitmb=128, **options)
    for entry in entries:
        writer.add_document(
            id=entry.id,
            title=entry.title,
            summary=entry.summary or "",
            body=entry.body or "",
            sources=" ".join(" ".join(filter(None, (s.title, s.url))) for s in entry.sources),
            people=",".join(entry.people),
            places=",".join(entry.places),
            tags=",".join(entry.tags),
            start=max(-(2**62), min(2**62, entry.span.start.key())),
        )
    writer.commit()
    print(f"{time.perf_counter() - started:.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("search")
    s.add_argument("root", type=Path)
    s.add_argument("query")
    b = sub.add_parser("build")
    b.add_argument("root", type=Path)
    b.add_argument("out", type=Path)
    b.add_argument("--procs", type=int, default=2)
    args = parser.parse_args(argv)
    if args.command == "search":
        return search(args.root, args.query)
    return build(args.root, args.out, args.procs)


if __name__ == "__main__":
    sys.exit(main())
