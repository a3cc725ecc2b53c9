"""Start-up: help screens and shell completion, answered by the fast path (no Typer)
and by Typer, interleaved in one run, with ``python -c pass`` as the floor.

    .venv/bin/python benchmarks/bench_startup.py --root CHRONICLE [--runs 15]
        [--baseline /work/main/.venv/bin/chronicle]

``CHRONICLE`` is a chronicle whose catalog is built (completion reads it, never writes
it; at 100,000 entries use a copy of a working chronicle). Each case prints the median
CPU (user+system) and wall milliseconds of whole processes, and the ratio to Typer's
answer in the same run. ``typer`` is this checkout with the fast path bypassed
(``chronicle.cli.main``, as before it existed); ``--baseline`` adds another installed
``chronicle`` (main's, say), run the same way.
"""

from __future__ import annotations

import argparse
import os
import resource
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, required=True, help="a chronicle with a catalog")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", help="another installed chronicle to time the same way")
    options = parser.parse_args()
    measure_as_installed()
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
