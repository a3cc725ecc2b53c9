"""The freshness check alone, and the commands it slows, beside a baseline and ``find``.

    .venv/bin/python benchmarks/bench_scan.py WORK --baseline-ref main
    .venv/bin/python benchmarks/bench_scan.py WORK --baseline-ref main --runs 9 --no-commands

WORK is a chronicle whose catalog is current, with no ``chronicle watch`` running (a
working copy of ``bench_table.py``; only read, apart from the catalog's own upkeep).
Every command that reads the catalog without a running watcher first stats every entry
file and compares the result with the catalog's record of them. Each round runs every
measure once in fresh processes, this checkout's code and the baseline's (``git
archive`` of REF, put first on PYTHONPATH) taking turns, so both share whatever load
the machine has:

- ``stat loop``: a bare Python loop of ``os.stat`` over every entry file's path (the
  paths listed before timing): the floor for any scan written in Python;
- ``scan``: the stat scan of ``entries/`` alone, timed inside its process (imports not
  counted): ``scan_entry_files`` in the baseline, ``scan_entries`` where it exists;
- ``scan, one thread``: the same with ``threaded=False`` where the scan takes it (a
  second thread stats on two or more processors), else the same as ``scan``;
- ``check``: ``Catalog.refresh(trust_watcher=False)`` on an open catalog: the scan, the
  comparison with the catalog's manifest and whatever SQL follows; what "nothing
  changed" costs every command;
- ``find``: ``find entries -type f -printf '%T@ %s\\n' > /dev/null``, the same stats
  from C, as a whole process (its start-up included);
- unless ``--no-commands``: ``chronicle index`` (nothing to do) and ``chronicle list
  --year 2014 --format ids``, whole processes; the lists are compared.

It prints the median wall time and median user + system CPU of each, the ratios of the
baseline's wall time and CPU to this checkout's, and each one's CPU beside ``find``'s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.bench_listing import baseline_tree  # noqa: E402
from benchmarks.common import measure_as_installed  # noqa: E402

measure_as_installed()

TIMED = """
import os, resource, sys, time
from pathlib import Path
root, how = Path(sys.argv[1]), sys.argv[2]
entries = root / "entries"
if how == "stat loop":
    from chronicle.store import scan_entry_files
    paths = [os.path.join(entries, relpath) for relpath in scan_entry_files(entries)]
elif how == "check":
    from chronicle.catalog import open_catalog
    from chronicle.config import find_chronicle
    catalog = open_catalog(find_chronicle(root))
else:
    try:
        from chronicle.store.files import scan_entries as scan
    except ImportError:
        from chronicle.store import scan_entry_files as scan
    options = {}
    if how == "scan, one thread":
        import inspect
        if "threaded" in inspect.signature(scan).parameters:
            options = {"threaded": False}
before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
if how == "stat loop":
    for path in paths:
        os.stat(path)
    files = len(paths)
elif how == "check":
    report = catalog.refresh(trust_watcher=False)
    files = report.unchanged if not report.changed else -1
else:
    files = len(scan(entries, **options))
after, wall = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter() - started
print(wall, after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime, files)
"""

INNER = ["stat loop", "scan", "scan, one thread", "check"]
COMMANDS = [["index"], ["list", "--year", "2014", "--format", "ids"]]


def run_once(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, float, bytes]:
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=cwd,
                            env=env)
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(args[:4])} failed")
    return time.perf_counter() - started, usage.ru_utime, usage.ru_stime, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chronicle", type=Path, help="a chronicle with an up-to-date catalog")
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-commands", action="store_true",
                        help="only the check and its parts, not whole commands")
    args = parser.parse_args(argv)
    root = args.chronicle.resolve()
    baseline_src = baseline_tree(args.baseline_ref)
    base = dict(os.environ, CHRONICLE_ROOT=str(root))
    sides = {"before": dict(base, PYTHONPATH=str(baseline_src)), "after": base}
    measures: list[tuple[str, list[str] | None]] = [(name, None) for name in INNER]
    if not args.no_commands:
        measures += [(" ".join(command), command) for command in COMMANDS]
    # name -> side -> [(wall, user, system)]
    figures: dict[str, dict[str, list[tuple[float, float, float]]]] = {}
    counts: dict[str, set[str]] = {}
    outputs: dict[str, dict[str, set[bytes]]] = {}
    find_name = "find -printf '%T@ %s' (whole process)"
    find = ["find", "entries", "-type", "f", "-printf", "%T@ %s\n"]
    try:
        for _ in range(args.runs):
            for name, command in measures:
                for side, env in sides.items():
                    if command is None:
                        _, _, _, out = run_once([sys.executable, "-c", TIMED, str(root), name],
                                                root, env)
                        wall_s, user_s, system_s, files = out.decode().split()
                        wall, user, system = float(wall_s), float(user_s), float(system_s)
                        counts.setdefault(f"{name} {side}", set()).add(files)
                    else:
                        wall, user, system, out = run_once(
                            [sys.executable, "-m", "chronicle", *command], root, env)
                        if command[0] != "index":  # index says how long it took
                            outputs.setdefault(name, {}).setdefault(side, set()).add(out)
                    figures.setdefault(name, {}).setdefault(side, []).append(
                        (wall, user, system))
            wall, user, system, _ = run_once(find, root, base)
            figures.setdefault(find_name, {}).setdefault("", []).append((wall, user, system))
    finally:
        shutil.rmtree(baseline_src.parent, ignore_errors=True)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}; before = {args.baseline_ref}, after = this checkout; "
          f"medians of {args.runs} runs in fresh processes, taking turns\n")
    find_cpu = sum(statistics.median(v[i] for v in figures[find_name][""]) for i in (1, 2))
    print("| measure | before: wall, CPU (user+sys) | after: wall, CPU (user+sys) "
          "| wall before/after | CPU before/after | after's CPU / find's |")
    print("|---|---|---|---|---|---|")
    for name, sides_figures in figures.items():
        cells = []
        cpus = []
        walls = []
        for side in ("before", "after") if "" not in sides_figures else ("",):
            values = sides_figures[side]
            wall = statistics.median(v[0] for v in values)
            user = statistics.median(v[1] for v in values)
            system = statistics.median(v[2] for v in values)
            cpus.append(user + system)
            walls.append(wall)
            cells.append(f"{wall * 1000:.0f} ms, {(user + system) * 1000:.0f} ms "
                         f"({user * 1000:.0f}+{system * 1000:.0f})")
        if len(cells) == 1:
            print(f"| {name} | | {cells[0]} | | | 1.0x |")
        else:
            ratio = cpus[0] / cpus[1] if cpus[1] else float("nan")
            wall_ratio = walls[0] / walls[1] if walls[1] else float("nan")
            print(f"| {name} | {cells[0]} | {cells[1]} | {wall_ratio:.2f}x | {ratio:.2f}x | "
                  f"{cpus[1] / find_cpu:.1f}x |")
    for name, found in counts.items():
        if len(found) != 1 or "-1" in found:
            print(f"note: {name} found {sorted(found)} files (the catalog was not current?)")
    for name, by_side in outputs.items():
        every = set().union(*by_side.values())
        if len(every) != 1:
            print(f"note: {name}: the outputs differ between runs or versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
