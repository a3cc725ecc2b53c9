"""How fast is `chronicle export` on a large chronicle, and does it avoid re-parsing YAML?

    .venv/bin/python benchmarks/bench_export.py --n 100000 [--keep DIR] [--runs 3]
        [--formats json,jsonl,csv,markdown,timelinejs,ics]

Generates a synthetic chronicle (benchmarks/generate.py; reused when --keep names one
already made), then times fresh `chronicle export --format F -o FILE` processes: the first
run, which fills the catalog, and warm runs with the catalog current (medians). The
baseline, run in the same script on the same files, is the export without the catalog:
parse every YAML file with libyaml, then write the same JSON, in a fresh process.

It also times, in this process, where a warm export spends its time: reading the entries
from the catalog (`catalog.select`) and formatting each format.

    .venv/bin/python benchmarks/bench_export.py --work DIR --baseline-ref main [--runs 3]
        [--formats json,jsonl] [--stdout]

With ``--baseline-ref``, the warm exports of this checkout and of git revision REF
(``git archive``, run by this interpreter on the same working copy: DIR, or the
generated chronicle) take turns in fresh processes; each pair's files must be the same
bytes; it prints user+system CPU and the peak memory of the process tree (medians), and
the CPU ratio. ``--work`` measures a working copy with a current catalog as it is,
without generating or timing a first run; ``--stdout`` exports to stdout (/dev/null, the
path a pipe takes) rather than with ``-o``.
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

from benchmarks.common import measure_as_installed, workdir  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

measure_as_installed()

FORMATS = ("json", "jsonl", "csv", "markdown", "timelinejs", "ics")
SUFFIX = {"json": "json", "jsonl": "jsonl", "csv": "csv", "markdown": "md",
          "timelinejs": "timeline.json", "ics": "ics"}

# Without the cyclic garbage collector, like the export command, so the comparison is fair.
BASELINE = """
import gc, sys
gc.disable()
from chronicle.config import find_chronicle
from chronicle.exchange.serialise import to_json
from chronicle.fileio import atomic_write_text
from chronicle.store import load_all
from pathlib import Path
atomic_write_text(Path(sys.argv[1]), to_json(load_all(find_chronicle()).entries))
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


def median_of(cmd: list[str], env: dict[str, str], runs: int) -> float:
    return statistics.median(timed(cmd, env) for _ in range(runs))


def in_process(root: Path, formats: list[str]) -> tuple[float, int, dict[str, float]]:
    """Seconds to read the entries from a current catalog, and to format each format.

    Without the cyclic garbage collector, as the export command runs.
    """
    from chronicle.catalog import select
    from chronicle.cli.exchange import without_gc
    from chronicle.config import find_chronicle
    from chronicle.exchange import ExportOptions, export_entries

    chronicle = find_chronicle(root)
    with without_gc():
        start = time.perf_counter()
        entries = select(chronicle).entries
        read = time.perf_counter() - start
        options = ExportOptions(title="bench", group_by="tag")
        formatting = {}
        for fmt in formats:
            start = time.perf_counter()
            export_entries(entries, fmt, options)
            formatting[fmt] = time.perf_counter() - start
    return read, len(entries), formatting


def bench(n: int, workdir: Path, runs: int, formats: list[str]) -> None:
    root = workdir / f"chronicle-{n}"
    if (root / "entries").is_dir() and any((root / "entries").iterdir()):
        print(f"reusing {root}", file=sys.stderr)
        for stale in (root / "index").glob("catalog.sqlite*"):
            stale.unlink()
    else:
        info = generate(root, n, seed=1)
        print(f"generated {info.files:,} files in {info.seconds:.1f} s", file=sys.stderr)
    out = workdir / "out"
    out.mkdir(exist_ok=True)
    env = dict(os.environ, CHRONICLE_ROOT=str(root), NO_COLOR="1")
    chronicle = str(Path(sys.executable).with_name("chronicle"))

    def export_cmd(fmt: str) -> list[str]:
        return [chronicle, "export", "--format", fmt, "--group-by", "tag",
                "-o", str(out / f"export.{SUFFIX[fmt]}")]

    cold = timed(export_cmd("json"), env)
    warm = {fmt: median_of(export_cmd(fmt), env, runs) for fmt in formats}
    sizes = {fmt: (out / f"export.{SUFFIX[fmt]}").stat().st_size / 1e6 for fmt in formats}
    baseline = median_of(
        [sys.executable, "-c", BASELINE, str(out / "baseline.json")], env, max(1, runs // 2)
    )
    read, count, formatting = in_process(root, formats)

    print(f"\n{count:,} entries: chronicle export (fresh processes, median of {runs})")
    print(f"  first run, json (fills the catalog)    {cold:8.2f} s")
    for fmt in formats:
        print(f"  warm, {fmt:<12} {sizes[fmt]:7.1f} MB      {warm[fmt]:8.2f} s"
              f"   {baseline / warm[fmt]:5.1f}x faster than the baseline")
    print(f"  baseline: parse every YAML file, json  {baseline:8.2f} s")
    print("in this process, warm:")
    print(f"  read {count:,} entries from the catalog  {read:8.2f} s")
    for fmt in formats:
        print(f"  format {fmt:<12}                  {formatting[fmt]:8.2f} s")


def paired(root: Path, out: Path, ref: str, runs: int, formats: list[str],
           stdout: bool) -> None:
    """Warm exports of this checkout and of revision ``ref`` in turns (see the module
    doc)."""
    import tempfile

    from benchmarks.bench_stats_paired import baseline_source, command
    from benchmarks.common import run_tree

    env = dict(os.environ, CHRONICLE_ROOT=str(root), NO_COLOR="1")
    with tempfile.TemporaryDirectory(prefix="bench-export-baseline-") as unpacked:
        sides = {"this": None, "baseline": baseline_source(ref, Path(unpacked))}
        print(f"\nwarm exports of {root}, this checkout and {ref} taking turns "
              f"({'to stdout' if stdout else 'with -o'}, medians of {runs}; load "
              f"{os.getloadavg()[0]:.1f})")
        for fmt in formats:
            cpu: dict[str, list[float]] = {name: [] for name in sides}
            peak: dict[str, list[float]] = {name: [] for name in sides}
            for _ in range(runs):
                made = {}
                for name, src in sides.items():
                    target = out / f"{name}.{SUFFIX[fmt]}"
                    args = ["export", "--format", fmt, "--group-by", "tag"]
                    run = run_tree(command(src, args if stdout else [*args, "-o", str(target)]),
                                   env=env, cwd=root)
                    if run.code != 0:
                        raise SystemExit(f"{name}: export --format {fmt} exited {run.code}")
                    cpu[name].append(run.user_s + run.system_s)
                    peak[name].append(run.tree_peak_mb)
                    if not stdout:
                        made[name] = target.read_bytes()
                if not stdout and made["this"] != made["baseline"]:
                    raise SystemExit(f"export --format {fmt}: the two files differ")
            this, base = (statistics.median(cpu[name]) for name in sides)
            print(f"  {fmt:<12} this {this:6.2f} s CPU {max(peak['this']):5.0f} MB   "
                  f"{ref} {base:6.2f} s CPU {max(peak['baseline']):5.0f} MB   "
                  f"{this / base:5.2f}x{'' if stdout else '   same bytes'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="entries (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="generate here (or reuse) and keep it")
    parser.add_argument("--work", type=Path,
                        help="a working copy with a current catalog, measured as it is")
    parser.add_argument("--baseline-ref", help="git revision to compare with, in turns")
    parser.add_argument("--stdout", action="store_true",
                        help="with --baseline-ref: export to stdout, not with -o")
    args = parser.parse_args()
    formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    with workdir(args.keep) as folder:
        if args.work:
            if not args.baseline_ref:
                raise SystemExit("--work measures against --baseline-ref")
            out = folder / "out"
            out.mkdir(exist_ok=True)
            paired(args.work, out, args.baseline_ref, args.runs, formats, args.stdout)
            return
        for n in args.n or [100_000]:
            bench(n, folder, args.runs, formats)
            if args.baseline_ref:
                paired(folder / f"chronicle-{n}", folder / "out", args.baseline_ref,
                       args.runs, formats, args.stdout)


if __name__ == "__main__":
    main()
