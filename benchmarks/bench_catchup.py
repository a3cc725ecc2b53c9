"""The search index catching up after many entry files changed: ``chronicle index`` after
a ``touch`` of every file, then after a real change of 1%, 10% and 50% of the entries,
for this checkout beside a baseline, in one run.

    .venv/bin/python benchmarks/bench_catchup.py --data /var/tmp/chronicle-bench --n 10000 \\
        --baseline /path/to/other/checkout/.venv/bin/chronicle [--routes 0.2 0.5 0.8]

Each program gets a working copy ``DATA/build-N-catchup-LABEL-CHECKOUT`` of the generated
chronicle (made by generate.py with seed 1 when missing), indexed by that program once
(catalogs and indexes of two versions may differ) and reused by later runs. The steps
then run on it in turn, the programs taking turns at each step so a ratio holds however
busy the machine is:

- ``touch``: every entry file gets new times (what ``cp -a``, ``rsync -a``, a restore or
  a checkout do to the times); no entry changes.
- ``change P%``: the titles of the next P% of the files (disjoint slices: 1%, 10%, 50%)
  get a new word, a real change of each entry.

``--routes`` measures, for this checkout only, each way a catch-up of that share of
changed entries can go (one writer in place, two processes in place, a new generation
filled in parallel), each on its own copy of the same state, so the crossover between
them can be read off; the route is forced by setting the thresholds in
``chronicle.index.lifecycle`` before the command runs.

CPU is user + system seconds of the whole process tree (Whoosh's and the parser's worker
processes included); memory is the tree's peak (see bench_build.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import Run, measure_as_installed, run_tree  # noqa: E402

measure_as_installed()

CHRONICLE = str(Path(sys.executable).with_name("chronicle"))

#: (name, share of the files changed): disjoint slices, one after the other.
CHANGES = [("change 1%", 0.01), ("change 10%", 0.10), ("change 50%", 0.50)]

#: Thresholds that force each route (see chronicle.index.lifecycle).
ROUTES = {
    "one writer in place": {"PARALLEL_THRESHOLD": 10**12},
    "two processes in place": {"FRESH_SHARE": 2.0, "PARALLEL_THRESHOLD": 1},
    "new generation, parallel": {"FRESH_SHARE": 0.0, "PARALLEL_THRESHOLD": 1},
}


def entry_files(work: Path) -> list[Path]:
    return sorted((work / "entries").rglob("*.yaml"))


def touch_all(work: Path) -> int:
    later = time.time()
    files = entry_files(work)
    for path in files:
        os.utime(path, (later, later))
    return len(files)


def change_titles(files: list[Path], word: str) -> None:
    """A real change to each file's entry: one more word in its title."""
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for number, line in enumerate(lines):
            if line.startswith("title: "):
                value = line[len("title: "):]
                if value.startswith('"') and value.endswith('"'):
                    lines[number] = f'title: "{value[1:-1]} {word}"'
                else:
                    lines[number] = f"title: {value} {word}"
                break
        path.write_text("\n".join(lines), encoding="utf-8")


def prepared_copy(data: Path, n: int, label: str, program: list[str]) -> Path:
    """A working copy whose catalog and index ``program`` has brought up to date."""
    from benchmarks.bench_build import working_copy

    work = working_copy(data, n, f"catchup-{label}")
    print(f"bringing {work.name} up to date ...", flush=True)
    run = run_tree([*program, "index"], environment(work), work)
    print(f"  {describe(run)}", flush=True)
    return work


def environment(work: Path) -> dict[str, str]:
    return dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1")


def forced(settings: dict[str, float]) -> list[str]:
    """This checkout's ``chronicle``, with ``settings`` set in the index's lifecycle."""
    code = ("import sys; from chronicle.index import lifecycle as l; "
            + "; ".join(f"l.{name} = {value!r}" for name, value in settings.items())
            + "; from chronicle.__main__ import main; sys.argv[0] = 'chronicle'; main()")
    return [sys.executable, "-c", code]


def describe(run: Run) -> str:
    return (f"{run.seconds:8.2f} s  cpu {run.user_s + run.system_s:7.1f} s  "
            f"tree {run.tree_peak_mb:5.0f} MB" + (f"  (exit {run.code})" if run.code else ""))


def timed(program: list[str], work: Path) -> tuple[Run, float]:
    load = os.getloadavg()[0]
    run = run_tree([*program, "index"], environment(work), work)
    return run, load


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="entries (default 10000)")
    parser.add_argument("--data", type=Path,
                        default=Path(os.environ.get("TMPDIR", "/tmp")) / "chronicle-bench")
    parser.add_argument("--baseline", help="another build's chronicle program to compare")
    parser.add_argument("--routes", type=float, nargs="*",
                        help="shares of changed entries to time each route at (this checkout)")
    parser.add_argument("--no-steps", action="store_true",
                        help="only --routes, not the touch and change steps")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {args.n:,} entries",
          flush=True)
    rows: list[tuple[str, str, Run, float]] = []
    if not args.no_steps:
        programs = {"this": [CHRONICLE]}
        if args.baseline:
            programs = {"baseline": [args.baseline], **programs}
        works = {label: prepared_copy(args.data, args.n, label, program)
                 for label, program in programs.items()}
        steps: list[tuple[str, float]] = [("touch", 0.0), *CHANGES]
        start = 0
        for step, share in steps:
            count = round(args.n * share)
            for label, program in programs.items():
                work = works[label]
                if share:
                    files = entry_files(work)[start:start + count]
                    change_titles(files, f"revised{start}")
                else:
                    touch_all(work)
                run, load = timed(program, work)
                rows.append((step, label, run, load))
                print(f"{step:<12} {label:<9} {describe(run)}  load {load:.1f}", flush=True)
            start += count
    if args.routes:
        base = prepared_copy(args.data, args.n, "routes", [CHRONICLE])
        for share in args.routes:
            count = round(args.n * share)
            copies = {}
            for route in ROUTES:
                copy = base.with_name(f"{base.name}-{len(copies)}")
                shutil.rmtree(copy, ignore_errors=True)
                subprocess.run(["cp", "-a", str(base), str(copy)], check=True)
                # The copy's new times cost the catalog a re-read and the index nothing.
                subprocess.run([CHRONICLE, "index"], env=environment(copy), cwd=copy,
                               check=True, capture_output=True)
                change_titles(entry_files(copy)[:count], "rerouted")
                copies[route] = copy
            for route, settings in ROUTES.items():
                run, load = timed(forced(settings), copies[route])
                step = f"change {share:.0%}"
                rows.append((step, route, run, load))
                print(f"{step:<12} {route:<26} {describe(run)}  load {load:.1f}", flush=True)
            for copy in copies.values():
                shutil.rmtree(copy, ignore_errors=True)
    print("\n| step | program or route | time | user+sys CPU | tree peak | load at start |")
    print("|---|---|---|---|---|---|")
    for step, label, run, load in rows:
        print(f"| {step} | {label} | {run.seconds:.1f} s | {run.user_s + run.system_s:.1f} s "
              f"| {run.tree_peak_mb:.0f} MB | {load:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
