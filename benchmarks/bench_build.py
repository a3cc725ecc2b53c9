"""The cost of building from nothing: the first ``chronicle index`` of an unindexed
chronicle and ``chronicle index --rebuild``, time, memory and CPU, beside a baseline.

    .venv/bin/python benchmarks/bench_build.py --data /var/tmp/chronicle-bench --n 10000 \\
        --baseline /path/to/other/checkout/.venv/bin/chronicle
    .venv/bin/python benchmarks/bench_build.py --rebuild-only --work DIR/work-100000-CHECKOUT

For each size N it uses the generated chronicle ``DATA/chronicle-N`` (made by generate.py
with seed 1 when missing, never written to) and, per program measured, a working copy
``DATA/build-N-LABEL-CHECKOUT`` whose ``index/`` is removed before each first build.
The programs take turns at each step (first build, then rebuild), so a ratio holds
however busy the machine is.

``--rebuild-only`` times ``index --rebuild`` alone, on working copies that already have an
index (one is built first, untimed, where it is missing); ``--work DIR`` measures this
program in DIR (any chronicle, such as bench_table.py's ``work-N-CHECKOUT``) instead of
a copy of its own, for a single size.

Memory is the process tree's: every 50 ms the resident memory of the program and all
its descendants (Whoosh's and the parser's worker processes) is summed from /proc, and
the largest sum is reported ("tree"), beside wait4's ru_maxrss, which covers only the
largest single process ("largest"). CPU is user + system seconds of the whole tree.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import Run, measure_as_installed, run_tree  # noqa: E402

measure_as_installed()

CHRONICLE = str(Path(sys.executable).with_name("chronicle"))


def working_copy(data: Path, n: int, label: str) -> Path:
    from benchmarks.bench_table import ensure_generated

    pristine = ensure_generated(data, n)
    work = data / f"build-{n}-{label}-{HERE.parent.name}"
    if not (work / "entries").is_dir():
        partial = work.with_name(work.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        subprocess.run(["cp", "-a", str(pristine), str(partial)], check=True)
        partial.rename(work)
    return work


def describe(run: Run) -> str:
    return (f"{run.seconds:8.2f} s  tree {run.tree_peak_mb:5.0f} MB  "
            f"largest {run.largest_mb:5.0f} MB  cpu {run.user_s:6.1f} s user "
            f"+ {run.system_s:5.1f} s sys" + (f"  (exit {run.code})" if run.code else ""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append",
                        help="entries (repeatable; default 10000)")
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "chronicle-bench")
    parser.add_argument("--baseline", help="another build's chronicle program to compare")
    parser.add_argument("--no-rebuild", action="store_true", help="first build only")
    parser.add_argument("--rebuild-only", action="store_true",
                        help="index --rebuild only, on copies that already have an index")
    parser.add_argument("--work", type=Path,
                        help="this program's working copy (instead of DATA/build-N-this-...)")
    args = parser.parse_args(argv)
    if args.no_rebuild and args.rebuild_only:
        parser.error("--no-rebuild and --rebuild-only exclude each other")
    if args.work and len(args.n or [10_000]) > 1:
        parser.error("--work is one chronicle: give at most one --n")
    programs = {"this": CHRONICLE}
    if args.baseline:
        programs = {"baseline": args.baseline, **programs}
    rows: list[tuple[int, str, str, Run, float]] = []
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs", flush=True)
    for n in args.n or [10_000]:
        works = {label: args.work if args.work and label == "this"
                 else working_copy(args.data, n, label) for label in programs}
        steps = [] if args.rebuild_only else [("chronicle index (first build)", ["index"])]
        if not args.no_rebuild:
            steps.append(("chronicle index --rebuild", ["index", "--rebuild"]))
        if args.rebuild_only:
            for label, program in programs.items():
                env = dict(os.environ, CHRONICLE_ROOT=str(works[label]), NO_COLOR="1")
                # Brings catalog and index up to date (builds them where missing), untimed.
                subprocess.run([program, "index"], env=env, cwd=works[label], check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for step, command in steps:
            for label, program in programs.items():
                work = works[label]
                if command == ["index"]:
                    shutil.rmtree(work / "index", ignore_errors=True)
                env = dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1")
                load = os.getloadavg()[0]
                run = run_tree([program, *command], env, work)
                rows.append((n, step, label, run, load))
                print(f"{n:>7,}  {step:<30} {label:<8} {describe(run)}  load {load:.1f}",
                      flush=True)
    print("\n| entries | command | program | time | tree peak | largest process "
          "| user+sys CPU | load at start |")
    print("|---|---|---|---|---|---|---|---|")
    for n, step, label, run, load in rows:
        print(f"| {n:,} | `{step}` | {label} | {run.seconds:.1f} s | {run.tree_peak_mb:.0f} MB "
              f"| {run.largest_mb:.0f} MB | {run.user_s + run.system_s:.1f} s | {load:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
