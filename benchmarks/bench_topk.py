"""The search query itself: the bulk evaluation (`chronicle.index.topk`) beside Whoosh's
collector, in-process and as whole processes, against the bare Whoosh script.

    .venv/bin/python benchmarks/bench_topk.py DIR/work-100000-NAME --baseline-ref REF \\
        [--query commission ...] [--runs 7] [--watch]

In-process (one Python process, the chronicle opened once, runs taking turns):
- the query alone: the compiled query run by Whoosh's collector (``whoosh_collect``,
  what every search did before) and by ``topk.collect``, on the same searcher; both
  must give the same hits and total, or the script stops;
- the whole ``Chronicle.search`` (freshness check, compile, collect, hits) with the
  bulk evaluation turned off and on.

Whole processes (fresh ``chronicle search QUERY`` each run, taking turns): this
checkout; REF's code (``git archive``, first on PYTHONPATH, same interpreter); the bare
Whoosh script (``bench_search_whoosh.py``) on the same index and word. ``--watch``
measures it all again with ``chronicle watch`` running (commands then skip statting
every entry file). Figures: medians of --runs, wall and user + system CPU, and the
ratios of CPU medians. WORK must have a current catalog and index; nothing is written
to it but what a search writes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_listing import (  # noqa: E402
    _start_watcher,
    baseline_tree,
    run,
    stop_watcher,
)
from benchmarks.common import measure_as_installed  # noqa: E402

measure_as_installed()

PYTHON = sys.executable


def _cpu() -> float:
    usage = os.times()
    return usage.user + usage.system


def in_process(work: Path, queries: list[str], runs: int, suffix: str) -> None:
    from chronicle.api import Chronicle
    from chronicle.index import searching, topk
    from chronicle.index.lifecycle import open_searcher
    from chronicle.index.querylang import parse_or_fallback

    chronicle = Chronicle.open(work)
    registry = chronicle.registry
    for text in queries:
        chronicle.search(text)  # warm: catalog open, index files read once
        with open_searcher(chronicle.location) as searcher:
            search = searching._Search(searcher, parse_or_fallback(text), None, registry,
                                       20, "relevance")
            query = search.compiler.compile(search.parsed.root)
            times: dict[str, list[float]] = {"whoosh": [], "bulk": []}
            for _ in range(runs):
                started = time.perf_counter()
                slow = searching.whoosh_collect(searcher, query, 20, "score", None)
                times["whoosh"].append(time.perf_counter() - started)
                started = time.perf_counter()
                found = topk.collect(searcher, query, limit=20)
                times["bulk"].append(time.perf_counter() - started)
                if (found.items, found.total) != slow:
                    raise SystemExit(f"{text!r}: the bulk evaluation differs from Whoosh's")
            old, new = (statistics.median(times[k]) * 1000 for k in ("whoosh", "bulk"))
            print(f"| in-process, the query alone: `{text}`{suffix} | {old:.0f} ms | "
                  f"{new:.0f} ms | {old / new:.2f}x (wall) | {slow[1]:,} matches, same hits | "
                  f"load {os.getloadavg()[0]:.1f} |", flush=True)
        whole: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
        saved = searching.FAST_COLLECT
        try:
            for _ in range(runs):
                for fast in (False, True):
                    searching.FAST_COLLECT = fast
                    started, cpu = time.perf_counter(), _cpu()
                    chronicle.search(text)
                    whole[fast].append((time.perf_counter() - started, _cpu() - cpu))
        finally:
            searching.FAST_COLLECT = saved
        (ow, oc), (nw, nc) = ((statistics.median(w for w, _ in whole[k]) * 1000,
                               statistics.median(c for _, c in whole[k]) * 1000)
                              for k in (False, True))
        print(f"| in-process, `Chronicle.search({text!r})`{suffix} | {ow:.0f} ms (CPU "
              f"{oc:.0f}) | {nw:.0f} ms (CPU {nc:.0f}) | {oc / max(nc, 1e-9):.2f}x | | "
              f"load {os.getloadavg()[0]:.1f} |", flush=True)
    chronicle.close()


def whole_processes(work: Path, baseline_src: Path, queries: list[str], runs: int,
                    suffix: str) -> None:
    base = dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1")
    sides = {
        "before": ([PYTHON, "-m", "chronicle", "search"], dict(base, PYTHONPATH=str(baseline_src))),
        "after": ([PYTHON, "-m", "chronicle", "search"], base),
        "bare": ([PYTHON, str(HERE / "bench_search_whoosh.py"), "search", str(work)], base),
    }
    for text in queries:
        times: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        outputs: dict[str, bytes] = {}
        for _ in range(runs):
            for side, (command, env) in sides.items():
                wall, cpu, out = run([*command, text], env, work, None)
                times[side].append((wall, cpu))
                outputs[side] = out
        figures = {side: (statistics.median(w for w, _ in values) * 1000,
                          statistics.median(c for _, c in values) * 1000)
                   for side, values in times.items()}
        same = "same output" if outputs["before"] == outputs["after"] else "OUTPUT DIFFERS"
        (bw, bc), (aw, ac), (ww, wc) = (figures[k] for k in ("before", "after", "bare"))
        print(f"| whole process, `chronicle search {text}`{suffix} | {bw:.0f} ms (CPU {bc:.0f})"
              f" | {aw:.0f} ms (CPU {ac:.0f}) | {bc / ac:.2f}x | bare Whoosh {ww:.0f} ms "
              f"(CPU {wc:.0f}): before {bc / wc:.2f}x, after {ac / wc:.2f}x of it | {same} | "
              f"load {os.getloadavg()[0]:.1f} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="a chronicle with a current catalog and index")
    parser.add_argument("--baseline-ref", required=True,
                        help="the revision whose code runs as 'before' (whole processes)")
    parser.add_argument("--query", action="append", help="default: commission")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--watch", action="store_true",
                        help="also measure with chronicle watch running")
    parser.add_argument("--only", choices=["in-process", "processes"], action="append")
    args = parser.parse_args()
    work = args.work.resolve()
    queries = args.query or ["commission"]
    parts = args.only or ["in-process", "processes"]
    baseline_src = baseline_tree(args.baseline_ref)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}; {work.name}; before = {args.baseline_ref} (whole "
          f"processes) or Whoosh's collector (in-process), after = this checkout; medians "
          f"of {args.runs}\n")
    print("| what | before | after | CPU before/after | reference | load |")
    print("|---|---|---|---|---|---|")

    def measure(suffix: str) -> None:
        if "in-process" in parts:
            in_process(work, queries, args.runs, suffix)
        if "processes" in parts:
            whole_processes(work, baseline_src, queries, args.runs, suffix)

    measure("")
    if args.watch:
        env = dict(os.environ, CHRONICLE_ROOT=str(work))
        watcher = _start_watcher(work, env)
        try:
            measure(", watch running")
        finally:
            stop_watcher(watcher)
    return 0


if __name__ == "__main__":
    sys.exit(main())
