"""`stats` (every --by) and `export` (every streamed format) beside a baseline, in turn.

    .venv/bin/python benchmarks/bench_stats_paired.py --work DIR [--baseline-ref REV |
        --baseline-src SRC] [--baseline-work DIR2] [--runs 3] [--watch] [--same-output]
        [--by year,month] [--formats json,csv]

DIR is a working copy with a current catalog (for instance one `bench_table.py` made).
The baseline is git revision REV (``git archive REV src``, unpacked in a temporary
folder) or another checkout's ``src`` folder SRC, run by this interpreter on DIR, or
on its own working copy DIR2 when the two versions keep different catalog tables
(DIR2's ``entries`` may be a link to DIR's). Each command runs in fresh processes, this
checkout and the baseline taking turns, and prints median wall time, user+system CPU
and the peak memory of the process tree, and the ratio of CPU seconds. Output goes to
/dev/null (exports to stdout, the path a pipe takes). With ``--watch``, ``chronicle
watch`` runs in each working copy (one for both sides when they share one: the
commands then skip the stat scan). With ``--same-output``, each command's stdout and
exit code are first compared between the two sides (not timed), and any difference
stops the run.
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

from benchmarks.common import Run, measure_as_installed, run_tree  # noqa: E402

measure_as_installed()

BREAKDOWNS = ("auto", "year", "month", "decade", "century", "tag", "person", "place", "source")
FORMATS = ("json", "jsonl", "csv", "markdown", "ics", "timelinejs")


def command(src: Path | None, args: list[str]) -> list[str]:
    # Either side's package imported from its source tree by this interpreter, started
    # as the console script starts it.
    src = src or HERE.parent / "src"
    return [sys.executable, "-c",
            f"import sys; sys.path.insert(0, {str(src)!r}); sys.argv[0] = 'chronicle'; "
            "from chronicle.__main__ import main; sys.exit(main())", *args]


def median(runs: list[Run]) -> tuple[float, float, float]:
    return (statistics.median(r.seconds for r in runs),
            statistics.median(r.user_s + r.system_s for r in runs),
            max(r.tree_peak_mb for r in runs))


def start_watch(src: Path | None, work: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = work / "index" / "bench-paired-watch.log"
    with open(log, "wb") as out:
        watcher = subprocess.Popen(command(src, ["watch"]), stdout=out,
                                   stderr=subprocess.STDOUT, env=env, cwd=work)
    deadline = time.monotonic() + 600
    while b"Watching" not in log.read_bytes():
        if watcher.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"chronicle watch did not start: {log.read_text()}")
        time.sleep(0.2)
    return watcher


def baseline_source(ref: str, into: Path) -> Path:
    """``src`` of git revision ``ref`` of this repository, unpacked under ``into``."""
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", ref, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def same_output(sides: dict[str, tuple[Path | None, Path]], envs: dict[str, dict[str, str]],
                cmd: list[str]) -> str:
    """Run ``cmd`` once per side; the size of its output, or stop at a difference."""
    import hashlib

    seen: dict[str, tuple[int, int, str]] = {}
    for name, (src, work) in sides.items():
        done = subprocess.run(command(src, cmd), env=envs[name], cwd=work,
                              capture_output=True)
        seen[name] = (done.returncode, len(done.stdout),
                      hashlib.sha256(done.stdout).hexdigest())
    if len(set(seen.values())) > 1:
        raise SystemExit(f"chronicle {' '.join(cmd)}: the outputs differ: {seen}")
    return f"same output ({seen['this'][1]:,} bytes)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--baseline-ref", help="git revision to compare with")
    parser.add_argument("--baseline-src", type=Path)
    parser.add_argument("--baseline-work", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--watch", action="store_true")
    parser.add_argument("--same-output", action="store_true")
    parser.add_argument("--by", default=",".join(BREAKDOWNS))
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="bench-stats-baseline-") as unpacked:
        if args.baseline_ref:
            args.baseline_src = baseline_source(args.baseline_ref, Path(unpacked))
        run(args)


def run(args: argparse.Namespace) -> None:
    sides: dict[str, tuple[Path | None, Path]] = {"this": (None, args.work)}
    if args.baseline_src:
        sides["baseline"] = (args.baseline_src, args.baseline_work or args.work)
    commands = [["stats"] + ([] if by == "auto" else ["--by", by])
                for by in args.by.split(",") if by]
    commands += [["export", "--format", fmt] for fmt in args.formats.split(",") if fmt]
    watchers: list[subprocess.Popen[bytes]] = []
    envs = {name: dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1")
            for name, (_, work) in sides.items()}
    try:
        if args.watch:
            watched: set[Path] = set()
            for name, (src, work) in sides.items():
                if work.resolve() not in watched:
                    watched.add(work.resolve())
                    watchers.append(start_watch(src, work, envs[name]))
        if args.same_output and len(sides) > 1:
            for cmd in commands:
                print(f"{' '.join(cmd):<28}{same_output(sides, envs, cmd)}", flush=True)
        load = os.getloadavg()[0]
        print(f"{'command':<28}" + "".join(f"{name:>32}" for name in sides)
              + ("   CPU this/baseline" if len(sides) > 1 else "")
              + ("   (chronicle watch running)" if args.watch else ""))
        for cmd in commands:
            runs: dict[str, list[Run]] = {name: [] for name in sides}
            for _ in range(args.runs):
                for name, (src, work) in sides.items():
                    run = run_tree(command(src, cmd), env=envs[name], cwd=work)
                    if run.code != 0:
                        raise SystemExit(f"{name}: chronicle {' '.join(cmd)} exited "
                                         f"{run.code}")
                    runs[name].append(run)
            figures = {name: median(found) for name, found in runs.items()}
            row = f"{' '.join(cmd):<28}"
            for wall, cpu, peak in figures.values():
                row += f"{wall:9.2f} s wall {cpu:6.2f} s CPU {peak:5.0f} MB"
            if len(sides) > 1:
                row += f"   {figures['this'][1] / figures['baseline'][1]:8.2f}x"
            print(row, flush=True)
        print(f"load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
              f"medians of {args.runs} runs, taking turns; MB = peak RSS of the process tree")
    finally:
        for watcher in watchers:
            watcher.terminate()
            watcher.wait(timeout=30)


if __name__ == "__main__":
    main()
