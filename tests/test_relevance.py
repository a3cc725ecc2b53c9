"""The relevance benchmark's floor: chronicle's search must not silently lose recall.

Runs every query of benchmarks/relevance/queries.yaml over a small subset of its public
records (the records each query is about, a few it must avoid, and a sample), with
chronicle only. The full comparison with the baselines is
``python benchmarks/relevance/run.py``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "relevance" / "run.py"

#: Measured on the quick subset; raise them when search gets better, never lower them.
MIN_FULLY_RIGHT = 0.93
MIN_MEAN_RECALL = 0.99
#: Distinct neighbours the matcher still pulls in: Grenada finds Granada and Colombia
#: finds Columbia, vowel variants only knowledge of the places could tell apart.
MAX_NEIGHBOURS_PULLED_IN = 2


def _load_benchmark():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("relevance_run", RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    bench = _load_benchmark()
    queries = bench.load_queries()
    records = bench.quick_subset(bench.load_records(), queries)
    return bench.evaluate(records, queries, ["chronicle"])


def test_the_benchmark_is_large_enough_and_covers_every_class() -> None:
    bench = _load_benchmark()
    queries = bench.load_queries()
    assert len(queries) >= 60
    classes = {q.klass for q in queries}
    assert classes >= {"misspelt-data", "misspelt-query", "transliteration", "vowel",
                       "given-name", "derived-place", "phrase", "distinct"}
    records = bench.load_records()
    for query in queries:
        assert bench.expected_ids(query, records), f"{query.text}: expects nothing"


def test_chronicle_keeps_its_recall_floor(report) -> None:  # type: ignore[no-untyped-def]
    n = len(report.queries)
    fully_right = report.fully_right("chronicle") / n
    recall = report.mean("chronicle", "recall")
    assert fully_right >= MIN_FULLY_RIGHT, f"fully right on {fully_right:.0%} of {n} queries"
    assert recall >= MIN_MEAN_RECALL, f"mean recall {recall:.3f}"


def test_neighbours_stay_apart(report) -> None:  # type: ignore[no-untyped-def]
    wrong = [q.text for q, s in zip(report.queries, report.scores["chronicle"], strict=True)
             if q.klass == "distinct" and s.precision < 0.9]
    assert len(wrong) <= MAX_NEIGHBOURS_PULLED_IN, (
        f"variants pulled in a distinct neighbour for: {wrong}")
