"""Search and index speed against bare Whoosh, on a synthetic chronicle.

    python benchmarks/bench_search.py --n 10000
    python benchmarks/bench_search.py --n 100000 --dest /tmp/chron100k --skip-rebuild

Every figure is a fresh process, as a person at the terminal would run it, and the
baseline (benchmarks/bench_search_whoosh.py) runs the same query on the same index in
the same run, so ratios hold whatever the machine. Measures:

- ``chronicle search`` one-shot (index current), median and p90 of --repeat runs, with
  peak memory, against the bare Whoosh script;
- ``chronicle index --rebuild`` against Whoosh's own fastest build of the same entries
  (two processes, multisegment), and the first ``chronicle index`` (YAML included);
- the "nothing changed" check (``chronicle index`` with nothing to do);
- a single-entry update: one file edited, one added, one removed, then ``chronicle index``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import measure_as_installed

measure_as_installed()

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
QUERIES = [
    ("common name", "Vucic"),
    ("rare name", "Zwierzchowska"),
    ("variant spelling", "Tashmaydan"),
    ("phrase", '"Heydar Aliyev"'),
    ("two words", "pipeline minister"),
    ("near miss", "Zwierzchowsca"),
    ("date range", "date:[1990-01 to 1995-06] elections"),
]


def run(args: list[str]) -> tuple[float, int, str]:
    """(seconds, exit code, stdout + stderr) of one fresh process."""
    started = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, env={**os.environ, "NO_COLOR": "1"},
                          check=False)
    seconds = time.perf_counter() - started
    output = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    return seconds, proc.returncode, output


def run_rss(args: list[str]) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code), RSS read from wait4 for this child alone."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NO_COLOR": "1"})
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, proc.returncode


def chronicle(*args: str) -> list[str]:
    return [PYTHON, "-m", "chronicle", *args]


def stats(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return statistics.median(ordered), p90


def line(label: str, value: str, note: str = "") -> None:
    print(f"  {label:<44} {value:>14}  {note}", flush=True)


def ensure_chronicle(dest: Path, n: int, seed: int) -> None:
    if (dest / "entries").is_dir() and any((dest / "entries").iterdir()):
        print(f"Using the chronicle in {dest}", flush=True)
        return
    sys.path.insert(0, str(HERE))
    from generate import generate

    started = time.perf_counter()
    info = generate(dest, n, seed=seed)
    print(f"Generated {info.entries} entries in {dest} ({time.perf_counter() - started:.1f} s)",
          flush=True)


def bench_index(root: Path, skip_rebuild: bool) -> None:
    print("Index", flush=True)
    fresh = not (root / "index" / "whoosh").exists()
    if fresh:
        seconds, code, out = run(chronicle("--root", str(root), "index"))
        line("first `chronicle index` (YAML + index)", f"{seconds:.1f} s",
             f"exit {code}; {out.strip().splitlines()[-1] if out.strip() else ''}")
    if not skip_rebuild:
        seconds, code, out = run(chronicle("--root", str(root), "index", "--rebuild"))
        with tempfile.TemporaryDirectory() as tmp:
            _, _, base_out = run([PYTHON, str(HERE / "bench_search_whoosh.py"), "build",
                                     str(root), str(Path(tmp) / "ix"), "--procs", "2"])
        try:
            base = float(base_out.strip().splitlines()[-1])
        except (ValueError, IndexError):
            print(base_out)
            raise
        line("`chronicle index --rebuild` (whole command)", f"{seconds:.1f} s", f"exit {code}")
        line("bare Whoosh build, procs=2 multisegment", f"{base:.1f} s",
             "build only, entries preloaded")
        line("ratio rebuild / bare build", f"{seconds / base:.2f}x", "goal <= 1.2x")


def bench_sync(root: Path, repeat: int) -> None:
    print("Keeping in step", flush=True)
    run(chronicle("--root", str(root), "index"))
    times = [run(chronicle("--root", str(root), "index"))[0] for _ in range(repeat)]
    median, p90 = stats(times)
    line("nothing changed: `chronicle index`", f"{median * 1000:.0f} ms",
         f"p90 {p90 * 1000:.0f} ms")

    files = sorted((root / "entries").rglob("*.yaml"))
    target = files[len(files) // 2]
    original = target.read_text(encoding="utf-8")
    try:
        target.write_text(original.rstrip("\n") + "\n  Benchmarked edit.\n", encoding="utf-8")
        seconds, code, _ = run(chronicle("--root", str(root), "index"))
        line("one entry edited: `chronicle index`", f"{seconds * 1000:.0f} ms", f"exit {code}")
    finally:
        target.write_text(original, encoding="utf-8")
    seconds, code, _ = run(chronicle("--root", str(root), "index"))
    line("edit undone: `chronicle index`", f"{seconds * 1000:.0f} ms", f"exit {code}")

    added = root / "entries" / "bench-added-entry.yaml"
    added.write_text(
        "title: Benchmark entry in Tashmaydan Park\ndate: 2014-04-18\n"
        "people: [Benchmark Person]\nbody: Added by bench_search.py.\n",
        encoding="utf-8",
    )
    try:
        seconds, code, _ = run(chronicle("--root", str(root), "index"))
        line("one entry added: `chronicle index`", f"{seconds * 1000:.0f} ms", f"exit {code}")
        seconds, code, out = run(chronicle("--root", str(root), "search", "Benchmark Person",
                                              "-f", "ids"))
        found = "bench-added-entry" in out
        line("  ...then found by search", f"{seconds * 1000:.0f} ms", f"found={found}")
    finally:
        added.unlink()
    seconds, code, _ = run(chronicle("--root", str(root), "index"))
    line("one entry removed: `chronicle index`", f"{seconds * 1000:.0f} ms", f"exit {code}")


def bench_search(root: Path, repeat: int) -> None:
    print(f"One-shot search (median of {repeat} fresh processes; p90; peak RSS)", flush=True)
    run(chronicle("--root", str(root), "index"))
    for label, query in QUERIES:
        ours, rss, codes = [], [], set()
        base = []
        for _ in range(repeat):
            seconds, peak, code = run_rss(chronicle("--root", str(root), "search", query,
                                                    "-n", "20"))
            ours.append(seconds)
            rss.append(peak)
            codes.add(code)
            seconds, _, _ = run_rss([PYTHON, str(HERE / "bench_search_whoosh.py"), "search",
                                     str(root), query])
            base.append(seconds)
        (median, p90), (base_median, _) = stats(ours), stats(base)
        line(f"{label}: {query}", f"{median * 1000:.0f} ms",
             f"p90 {p90 * 1000:.0f} ms; bare Whoosh {base_median * 1000:.0f} ms; "
             f"ratio {median / base_median:.2f}x; RSS {max(rss):.0f} MB; exit {sorted(codes)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="entries to generate")
    parser.add_argument("--dest", type=Path, help="chronicle folder (kept; made if missing)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=7, help="runs per measured command")
    parser.add_argument("--skip-rebuild", action="store_true",
                        help="skip the rebuild comparison (minutes at 100k)")
    parser.add_argument("--only", choices=["index", "sync", "search"], action="append",
                        help="run only these parts (repeatable)")
    args = parser.parse_args(argv)
    temporary = args.dest is None
    dest = args.dest or Path(tempfile.mkdtemp(prefix=f"chronicle-bench-{args.n}-"))
    parts = args.only or ["index", "sync", "search"]
    try:
        ensure_chronicle(dest, args.n, args.seed)
        print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, n={args.n}", flush=True)
        if "index" in parts:
            bench_index(dest, args.skip_rebuild)
        if "sync" in parts:
            bench_sync(dest, args.repeat)
        if "search" in parts:
            bench_search(dest, args.repeat)
    finally:
        if temporary:
            shutil.rmtree(dest, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
