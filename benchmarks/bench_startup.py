"""Start-up: help screens and shell completion, answered by the fast path (no Typer)
and by Typer, interleaved in one run, with ``python -c pass`` as the floor; or, with
``--commands``, the everyday one-shot commands beside a baseline checkout.

    .venv/bin/python benchmarks/bench_startup.py --root CHRONICLE [--runs 15]
        [--baseline /work/main/.venv/bin/chronicle]
    .venv/bin/python benchmarks/bench_startup.py --root CHRONICLE --commands
        [--baseline-ref main] [--runs 7]

``CHRONICLE`` is a chronicle whose catalog is built (completion reads it, never writes
it; at 100,000 entries use a copy of a working chronicle). Each case prints the median
CPU (user+system) and wall milliseconds of whole processes, and the ratio to Typer's
answer in the same run. ``typer`` is this checkout with the fast path bypassed
(``chronicle.cli.main``, as before it existed); ``--baseline`` adds another installed
``chronicle`` (main's, say), run the same way.

``--commands`` times ``search``, ``list``, ``timeline``, ``stats``, ``index`` (nothing to
do) and ``show`` as ``python -m chronicle``, this checkout's code and ``--baseline-ref``'s
(``git archive`` of the ref, first on PYTHONPATH) taking turns, with the bare Whoosh
script (`bench_search_whoosh.py`) for the search. No watcher is used or started
(``CHRONICLE_WATCH=0``; stop any watcher of CHRONICLE first), so each command does the
full freshness check. Both sides' standard output must be the same bytes. The catalog
and index of CHRONICLE must be up to date (run ``chronicle index`` there first).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import measure_as_installed  # noqa: E402

HERE = Path(sys.executable).parent
FAST = [str(HERE / "chronicle")]
TYPER = [sys.executable, "-c",
         "import sys; sys.argv[0] = 'chronicle'; from chronicle.cli import main; main()"]

HELPS = [["--help"], ["search", "--help"], ["list", "--help"]]
TABS = ["show ", "show 2014/", "list --person A", "list --tag ", "s"]


def tab(line: str) -> dict[str, str]:
    """What bash sets to ask for the completions of ``chronicle LINE``."""
    words = f"chronicle {line}"
    return {"_CHRONICLE_COMPLETE": "complete_bash", "COMP_WORDS": words,
            "COMP_CWORD": str(len(words.split(" ")) - 1)}


def once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu * 1000, wall * 1000


#: The everyday one-shot commands ``--commands`` times (``show`` is given an id).
COMMANDS = [["search", "commission"], ["list", "--year", "2014", "--format", "ids"],
            ["timeline", "--year", "2014"], ["stats"], ["index"], ["show"]]


def once_output(argv: list[str], env: dict[str, str]) -> tuple[float, float, bytes]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu * 1000, wall * 1000, done.stdout


def commands(root: Path, ref: str, runs: int) -> None:
    """The everyday commands, this checkout against ``ref``, in turns."""
    from benchmarks.bench_listing import baseline_tree

    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("COMP_", "_TYPER", "_CHRONICLE", "PYTHONPATH"))}
    base.update(CHRONICLE_ROOT=str(root), CHRONICLE_WATCH="0", COLUMNS="100")
    first = subprocess.run([sys.executable, "-m", "chronicle", "list", "--year", "2014",
                            "--format", "ids",
                            "--limit", "1"], env=base, capture_output=True, text=True,
                           check=True).stdout.split()
    baseline_src = baseline_tree(ref)
    sides = {"before": dict(base, PYTHONPATH=str(baseline_src)), "after": base}
    bare = [sys.executable, str(Path(__file__).with_name("bench_search_whoosh.py")),
            "search", str(root), "commission"]
    cases = [[*command, *first] if command == ["show"] else command for command in COMMANDS]
    times: dict[str, list[tuple[float, float]]] = {}
    outputs: dict[str, set[bytes]] = {}
    print(f"load before: {os.getloadavg()[0]:.1f}", flush=True)
    try:
        for _ in range(runs):
            for command in cases:
                name = " ".join(command)
                for side, env in sides.items():
                    cpu, wall, out = once_output([sys.executable, "-m", "chronicle", *command],
                                                 env)
                    times.setdefault(f"{side}: {name}", []).append((cpu, wall))
                    outputs.setdefault(name, set()).add(out)
            cpu, wall, _ = once_output(bare, base)
            times.setdefault("bare Whoosh: search commission", []).append((cpu, wall))
            cpu, wall, _ = once_output([sys.executable, "-c", "pass"], base)
            times.setdefault("python -c pass", []).append((cpu, wall))
    finally:
        shutil.rmtree(baseline_src.parent, ignore_errors=True)
    medians = {name: (statistics.median(c for c, _ in runs),
                      statistics.median(w for _, w in runs)) for name, runs in times.items()}
    print(f"{runs} runs each in turns, medians; before = {ref}, after = this checkout; "
          f"load after: {os.getloadavg()[0]:.1f}")
    bare_cpu = medians["bare Whoosh: search commission"][0]
    print(f"{'command':40} {'before CPU':>10} {'after CPU':>10} {'ratio':>6} "
          f"{'before wall':>11} {'after wall':>10}")
    for command in cases:
        name = " ".join(command)
        (b_cpu, b_wall), (a_cpu, a_wall) = medians[f"before: {name}"], medians[f"after: {name}"]
        same = "" if len(outputs[name]) == 1 else "  OUTPUTS DIFFER"
        print(f"{name:40} {b_cpu:10.1f} {a_cpu:10.1f} {b_cpu / a_cpu:5.2f}x {b_wall:11.1f} "
              f"{a_wall:10.1f}{same}")
    for name in ("bare Whoosh: search commission", "python -c pass"):
        print(f"{name:40} {medians[name][0]:10.1f} (wall {medians[name][1]:.1f})")
    search = medians["before: search commission"][0], medians["after: search commission"][0]
    print(f"search commission / bare Whoosh, CPU: before {search[0] / bare_cpu:.2f}x, "
          f"after {search[1] / bare_cpu:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="a chronicle with a catalog")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", help="another installed chronicle to time the same way")
    parser.add_argument("--commands", action="store_true",
                        help="time the everyday commands against --baseline-ref")
    parser.add_argument("--baseline-ref", default="main")
    options = parser.parse_args()
    measure_as_installed()
    if options.commands:
        commands(options.root.resolve(), options.baseline_ref, options.runs)
        return
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("COMP_", "_TYPER", "_CHRONICLE"))}
    base.update(CHRONICLE_ROOT=str(options.root.resolve()), COLUMNS="100")
    runners = {"fast": FAST, "typer": TYPER}
    if options.baseline:
        runners["baseline"] = [options.baseline]
    cases: dict[str, tuple[list[str], dict[str, str]]] = {
        "python -c pass": ([sys.executable, "-c", "pass"], base)}
    for argv in HELPS:
        for who, program in runners.items():
            cases[f"{who}: chronicle {' '.join(argv)}"] = ([*program, *argv], base)
    for line in TABS:
        for who, program in runners.items():
            cases[f"{who}: chronicle {line}<Tab>"] = (program, {**base, **tab(line)})
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    print(f"load before: {os.getloadavg()[0]:.1f}", flush=True)
    for _ in range(options.runs):  # interleaved: each round runs every case once
        for name, (argv, env) in cases.items():
            times[name].append(once(argv, env))
    medians = {name: (statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs))
               for name, runs in times.items()}
    print(f"{options.runs} interleaved runs each, medians; load after: "
          f"{os.getloadavg()[0]:.1f}")
    print(f"{'case':48} {'CPU ms':>8} {'wall ms':>8} {'CPU vs typer':>13}")
    for name, (cpu, wall) in medians.items():
        who, _, what = name.partition(": ")
        typer_cpu = medians.get(f"typer: {what}", (0.0, 0.0))[0]
        ratio = f"{cpu / typer_cpu:.2f}x" if typer_cpu and who != "typer" else ""
        print(f"{name:48} {cpu:8.1f} {wall:8.1f} {ratio:>13}")


if __name__ == "__main__":
    main()
