"""``check`` on one core and on every core, in turn, on the same chronicle.

    .venv/bin/python benchmarks/bench_check.py CHRONICLE [--runs 3]

CHRONICLE is any chronicle (``generate.py`` makes one; ``check`` only reads it). Each
round runs, in fresh processes, `chronicle.store.check_all` with ``workers=1`` (every
file parsed by the one process, the baseline) and with the default (worker processes
on every usable core), and prints the median wall time, user + system CPU of the
process and its workers, and the peak memory of the process tree of each, the ratio of
their wall times, and whether their reports are the same.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import measure_as_installed, run_tree  # noqa: E402

measure_as_installed()

CHECK = """
import hashlib, sys
from pathlib import Path
from chronicle.config import find_chronicle
from chronicle.store import check_all
root, workers, out = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
report = check_all(find_chronicle(root), workers=workers or None)
text = "\\n".join(map(str, report.problems)) + f"\\n{report.valid}\\n"
Path(out).write_text(hashlib.sha256(text.encode()).hexdigest() + f" {report.valid}")
"""

SIDES = {"one core": 1, "every core": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chronicle", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.chronicle.resolve()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"check of {root}, {args.runs} runs each, {cores} usable cores, "
          f"load {os.getloadavg()[0]:.2f}")
    runs: dict[str, list] = {side: [] for side in SIDES}
    reports: dict[str, set[str]] = {side: set() for side in SIDES}
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "report"
        for _ in range(args.runs):
            for side, workers in SIDES.items():
                run = run_tree([sys.executable, "-c", CHECK, str(root), str(workers), str(out)])
                if run.code != 0:
                    raise SystemExit(f"check ({side}) exited {run.code}")
                runs[side].append(run)
                reports[side].add(out.read_text())
    print(f"{'':12} {'wall s':>8} {'cpu s':>8} {'tree MB':>8}")
    for side, measured in runs.items():
        wall = statistics.median(run.seconds for run in measured)
        cpu = statistics.median(run.user_s + run.system_s for run in measured)
        peak = max(run.tree_peak_mb for run in measured)
        print(f"{side:12} {wall:8.2f} {cpu:8.2f} {peak:8.0f}")
    one = statistics.median(run.seconds for run in runs["one core"])
    every = statistics.median(run.seconds for run in runs["every core"])
    print(f"one core / every core, wall: {one / every:.2f}x")
    same = len(reports["one core"] | reports["every core"]) == 1
    print(f"same report: {'yes' if same else 'NO'} "
          f"({next(iter(reports['every core'])).split()[1]} valid entries)")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
