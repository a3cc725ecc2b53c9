"""How fast is `chronicle list --year Y` on a large chronicle?

    .venv/bin/python benchmarks/bench_list.py --n 10000 [--n 100000] [--keep DIR]

For each size: generates a synthetic chronicle, then times fresh `chronicle list` processes
(the cold first run that fills the catalog, then warm runs with the catalog current), the
nothing-changed refresh alone, and a one-entry change. The baseline, run in the same
script on the same files, is what listing costs without the catalog: parse every YAML file
with libyaml and filter, in a fresh process. Figures are medians of several runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import measure_as_installed, workdir  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

measure_as_installed()

BASELINE = """
import sys, yaml
from chronicle.config import find_chronicle
from chronicle.query import Filters
from chronicle.store import load_all
chronicle = find_chronicle()
entries = Filters.build(year=sys.argv[1]).apply(load_all(chronicle).entries)
print(len(entries))
"""

REFRESH = """
from chronicle.config import find_chronicle
from chronicle.catalog import open_catalog
report = open_catalog(find_chronicle()).refresh()
print(report.unchanged)
"""


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def median_of(cmd: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(timed(cmd, env)[0] for _ in range(runs))


def max_rss_mb(cmd: list[str], env: dict[str, str]) -> float:
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024


def bench(n: int, workdir: Path, runs: int) -> None:
    root = workdir / f"chronicle-{n}"
    info = generate(root, n, seed=1)
    year = str(info.busy_year)
    env = dict(os.environ, CHRONICLE_ROOT=str(root), NO_COLOR="1")
    chronicle = str(Path(sys.executable).with_name("chronicle"))
    list_cmd = [chronicle, "list", "--year", year, "--format", "ids"]

    cold, out = timed(list_cmd, env)
    shown = len(out.split())
    warm = median_of(list_cmd, env, runs)
    refresh = median_of([sys.executable, "-c", REFRESH], env, runs)
    table = median_of([chronicle, "list", "--year", year], env, runs)
    baseline = median_of([sys.executable, "-c", BASELINE, year], env, max(1, runs // 3))
    target = next((root / "entries" / year).glob("*.yaml"))
    target.write_text(target.read_text(encoding="utf-8").replace("title:", "title: Edited", 1))
    one_changed, _ = timed(list_cmd, env)
    rss = max_rss_mb(list_cmd, env)

    print(f"\n{n:,} entries, `chronicle list --year {year}` shows {shown}")
    print(f"  first run (fills the catalog)     {cold * 1000:8.0f} ms")
    print(f"  warm, --format ids                {warm * 1000:8.0f} ms")
    print(f"  warm, table                       {table * 1000:8.0f} ms")
    print(f"  nothing-changed refresh alone     {refresh * 1000:8.0f} ms")
    print(f"  after editing one entry           {one_changed * 1000:8.0f} ms")
    print(f"  peak memory (warm list)           {rss:8.0f} MB")
    print(f"  baseline: parse every file        {baseline * 1000:8.0f} ms")
    print(f"  speed-up of warm list over baseline  {baseline / warm:6.1f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="entries (repeatable)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="generate here and keep it")
    args = parser.parse_args()
    with workdir(args.keep) as folder:
        for n in args.n or [10_000]:
            bench(n, folder, args.runs)


if __name__ == "__main__":
    main()
