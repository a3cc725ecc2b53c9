"""What variant matching costs per query: the matcher's expansion, and a whole search with
and without it, in one process on one open index.

    python benchmarks/bench_variants.py ROOT [ROOT...] [--repeat 7]

Each ROOT is a chronicle whose index is current (make one with benchmarks/generate.py,
then ``chronicle --root ROOT index``). For each query it prints the median of
``--repeat`` runs of: the expansion alone (analysis plus the lexicon lookups and edit
distances); the search with expansion (compile, run, collect every hit); the same search
with the expansion switched off; and the ratio of the two searches. The searches reuse
one searcher, so start-up and the catalog's freshness check are left out: the figures
are the expansion's share of the query itself.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

QUERIES = [
    ("name", "Vucic"),
    ("vowel variant", "Haydar"),
    ("Azerbaijani Latin", "Xocalı"),
    ("Russian route", "Gasanov"),
    ("typo", "Tasmajdn"),
    ("common word", "minister"),
    ("phrase", '"Heydar Aliyev"'),
    ("two words", "pipeline minister"),
]


def median_ms(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(root: Path, repeat: int) -> None:
    from chronicle.config import find_chronicle
    from chronicle.index import compiler as compiler_module
    from chronicle.index.lifecycle import open_searcher
    from chronicle.index.querylang import parse_or_fallback
    from chronicle.index.searching import _Search
    from chronicle.matching import analyze, expand
    from chronicle.names import NameRegistry, split_words

    location = find_chronicle(root)
    registry = NameRegistry.from_config(location.config.names)
    with open_searcher(location) as searcher:
        count = searcher.doc_count()
        print(f"\n{root}: {count} entries, {repeat} runs each, median ms")
        print(f"{'query':<30}{'expansion':>10}{'search':>10}{'no expansion':>14}{'ratio':>7}"
              f"{'hits':>7}")

        def search(text: str) -> int:
            outcome = _Search(searcher, parse_or_fallback(text), None, registry, None,
                              "relevance", details=False)
            outcome.run(False)
            return outcome.total

        for label, text in QUERIES:
            from chronicle.index.lexicon import IndexLexicon

            def expansion(text: str = text) -> None:
                lexicon = IndexLexicon(searcher.reader())
                for word in split_words(text):
                    analyze.cache_clear()
                    expand(analyze(word), lexicon)

            hits = search(text)
            expand_ms = median_ms(expansion, repeat)
            with_ms = median_ms(lambda text=text: search(text), repeat)
            original = compiler_module.Compiler.expansion
            compiler_module.Compiler.expansion = lambda self, word: []  # type: ignore[method-assign]
            try:
                without_ms = median_ms(lambda text=text: search(text), repeat)
            finally:
                compiler_module.Compiler.expansion = original  # type: ignore[method-assign]
            print(f"{label + ' (' + text + ')':<30}{expand_ms:>10.1f}{with_ms:>10.1f}"
                  f"{without_ms:>14.1f}{with_ms / without_ms:>7.2f}{hits:>7}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    for root in args.roots:
        measure(root, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
