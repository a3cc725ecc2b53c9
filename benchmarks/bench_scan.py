"""The freshness check alone: chronicle's stat scan of entries/ beside ``find``.

    .venv/bin/python benchmarks/bench_scan.py /var/tmp/chronicle-bench/work-100000-me
    .venv/bin/python benchmarks/bench_scan.py CHRONICLE --runs 9

Every command that reads the catalog without a running ``chronicle watch`` first stats
every entry file and compares the result with the catalog's record of them. In one loop,
so that they share whatever load there is, each round runs in fresh processes:

- ``scan``: `chronicle.store.scan_entry_files` (one ``os.scandir`` per folder, one stat
  per entry file), timed inside its process (imports not counted);
- ``scan + compare``: the same plus reading the catalog's manifest and comparing the
  two: what "nothing changed" costs a command;
- ``find``: ``find entries -type f -printf '%T@ %s\\n' > /dev/null``, the same stats from
  C, timed as a whole process (its start-up included).

It prints the median wall time and median user and system CPU of each, and the CPU
ratio to ``find``. Read-only: the chronicle is never written.
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

from benchmarks.common import measure_as_installed  # noqa: E402

measure_as_installed()

TIMED = """
import resource, sqlite3, sys, time
from pathlib import Path
from chronicle.catalog.refreshing import read_manifest
from chronicle.store import scan_entry_files
root, compare = Path(sys.argv[1]), sys.argv[2] == "compare"
db = sqlite3.connect(f"file:{root / 'index' / 'catalog.sqlite'}?mode=ro", uri=True)
before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
found = scan_entry_files(root / "entries")
same = read_manifest(db) == found if compare else True
after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
print(wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, same)
"""


def run_once(args: list[str], cwd: Path) -> tuple[float, float, float, str]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args[:2])} failed")
    return (time.perf_counter() - started, usage.ru_utime, usage.ru_stime,
            out.decode().strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chronicle", type=Path, help="a chronicle with an up-to-date catalog")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    root = args.chronicle.resolve()
    find = ["find", "entries", "-type", "f", "-printf", "%T@ %s\n"]
    names = ["scan", "scan + compare with the catalog", "find -printf '%T@ %s' (whole process)"]
    figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
    stale = False
    for _ in range(args.runs):
        for name, how in zip(names, ["scan", "compare", None], strict=True):
            if how is None:
                wall, user, system, _ = run_once(find, root)
            else:
                _, _, _, out = run_once([sys.executable, "-c", TIMED, str(root), how], root)
                wall_s, user_s, system_s, same = out.split()
                wall, user, system = float(wall_s), float(user_s), float(system_s)
                stale = stale or same != "True"
            figures[name].append((wall, user, system))
    files = sum(1 for _ in (root / "entries").rglob("*.y*ml"))
    print(f"{files:,} entry files; load {os.getloadavg()[0]:.1f}; medians of {args.runs} runs")
    if stale:
        print("note: the catalog is not in step with entries/ (run chronicle index first)")
    medians = {name: [statistics.median(v[i] for v in values) for i in range(3)]
               for name, values in figures.items()}
    find_cpu = sum(medians[names[-1]][1:])
    for name, (wall, user, system) in medians.items():
        ratio = (user + system) / find_cpu if find_cpu else float("nan")
        print(f"  {name:40} wall {wall * 1000:6.0f} ms  user {user * 1000:5.0f} ms  "
              f"sys {system * 1000:5.0f} ms  CPU {ratio:4.1f}x find's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
