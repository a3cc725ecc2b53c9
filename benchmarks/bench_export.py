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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, action="append", help="entries (repeatable)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--keep", type=Path, help="generate here (or reuse) and keep it")
    args = parser.parse_args()
    formats = [fmt.strip() for fmt in args.formats.split(",") if fmt.strip()]
    with workdir(args.keep) as folder:
        for n in args.n or [100_000]:
            bench(n, folder, args.runs, formats)


if __name__ == "__main__":
    main()
