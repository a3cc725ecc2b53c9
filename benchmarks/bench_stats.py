"""How fast are `chronicle stats` and `chronicle names` on a large chronicle?

    .venv/bin/python benchmarks/bench_stats.py --n 100000 [--runs 3] [--keep DIR]

For each size: generates a synthetic chronicle, then times fresh processes of
`chronicle stats` (the first run, which fills the catalog, then warm runs with the catalog
current: table, --format json, --by person) and `chronicle names`. The baseline, run in
the same script on the same files, computes the same statistics without the catalog:
parse every YAML file with libyaml, then count, in a fresh process; its JSON must equal
`stats --format json`. A last process splits a warm run into its phases (reading the
catalog, counting, grouping names, building the HTML timeline page). Figures are medians.
"""

from __future__ import annotations

import argparse
import json
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
import json
from chronicle.config import find_chronicle
from chronicle.names import NameRegistry
from chronicle.stats import compute_stats
from chronicle.store import load_all
chronicle = find_chronicle()
registry = NameRegistry.from_config(chronicle.config.names)
stats = compute_stats(load_all(chronicle).entries, by="auto", registry=registry)
print(json.dumps(stats.to_dict(),
                 ensure_ascii=False, indent=2))
"""

PHASES = """
import json, time
from chronicle import catalog
from chronicle.config import find_chronicle
chronicle = find_chronicle()
t0 = time.perf_counter()
selection = catalog.select(chronicle)
t1 = time.perf_counter()
from chronicle.stats import compute_stats
compute_stats(selection.entries, registry=selection.registry)
t2 = time.perf_counter()
from chronicle.name_groups import group_names
group_names(selection.entries, registry=selection.registry)
t3 = time.perf_counter()
from chronicle.html_page import html_page
page = html_page(selection.entries, title="bench", registry=selection.registry)
t4 = time.perf_counter()
print(json.dumps({"select": t1 - t0, "stats": t2 - t1, "names": t3 - t2, "html": t4 - t3,
                  "html_mb": len(page.encode()) / 1e6}))
"""


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - start, done.stdout


def median_of(cmd: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(timed(cmd, env)[0] for _ in range(runs))


def bench(n: int, workdir: Path, runs: int) -> None:
    root = workdir / f"chronicle-{n}"
    info = generate(root, n, seed=1)
    env = dict(os.environ, CHRONICLE_ROOT=str(root), NO_COLOR="1")
    chronicle = str(Path(sys.executable).with_name("chronicle"))

    cold, _ = timed([chronicle, "stats"], env)
    warm = median_of([chronicle, "stats"], env, runs)
    warm_json_time, warm_json = timed([chronicle, "stats", "--format", "json"], env)
    by_person = median_of([chronicle, "stats", "--by", "person"], env, runs)
    names = median_of([chronicle, "names"], env, runs)
    baseline, baseline_json = timed([sys.executable, "-c", BASELINE], env)
    same = json.loads(baseline_json) == json.loads(warm_json)
    _, phases_out = timed([sys.executable, "-c", PHASES], env)
    phases = json.loads(phases_out)

    print(f"\n{info.entries:,} entries ({info.files:,} files)")
    print(f"  stats, first run (fills the catalog)   {cold * 1000:8.0f} ms")
    print(f"  stats, warm (table)                    {warm * 1000:8.0f} ms")
    print(f"  stats --format json, warm              {warm_json_time * 1000:8.0f} ms")
    print(f"  stats --by person, warm                {by_person * 1000:8.0f} ms")
    print(f"  names, warm                            {names * 1000:8.0f} ms")
    print(f"  baseline: parse every file, count      {baseline * 1000:8.0f} ms")
    print(f"  speed-up of warm stats over baseline   {baseline / warm:8.1f}x")
    print(f"  same JSON as the baseline              {'yes' if same else 'NO'}")
    print("  phases of a warm run, in one process:")
    print(f"    read entries from the catalog        {phases['select'] * 1000:8.0f} ms")
    print(f"    count (compute_stats)                {phases['stats'] * 1000:8.0f} ms")
    print(f"    group names (group_names)            {phases['names'] * 1000:8.0f} ms")
    print(f"    HTML timeline page (html_page)       {phases['html'] * 1000:8.0f} ms, "
          f"{phases['html_mb']:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="entries (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="generate here and keep it")
    args = parser.parse_args()
    with workdir(args.keep) as folder:
        for n in args.n or [10_000]:
            bench(n, folder, args.runs)


if __name__ == "__main__":
    main()
