"""How long does `chronicle add` take in a large chronicle, index update included?

    .venv/bin/python benchmarks/bench_add.py --n 100000 --dest /tmp/chron-add-100k

Generates the chronicle (unless --dest already holds one) and brings its catalog and
search index up to date once. Then, with everything current, it times fresh processes:

- ``chronicle add --title ... --date ... --place ... --tag ...`` (a new file, written
  atomically, then the catalog and the Whoosh index brought up to date before exit);
- the baseline, in the same run on the same index: a bare single-document Whoosh update
  in a fresh process (open the index, ``update_document`` of one existing entry's
  document, commit), with nothing of chronicle's own work around it;
- for the breakdown: Python start-up, ``chronicle --help``, and in this process the
  catalog's "nothing changed" check and a warm single-document Whoosh update.

The entries added are removed at the end (and the index brought back in step), so the
same --dest can be measured again. Medians of --runs runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import measure_as_installed  # noqa: E402
from benchmarks.generate import generate  # noqa: E402

measure_as_installed()

PYTHON = sys.executable
CHRONICLE = [PYTHON, "-m", "chronicle"]

# The baseline: Whoosh alone. Opening the index unpickles its schema, which names
# chronicle's analyzer class, so that module is imported; no catalog, no YAML, no CLI.
BARE_UPDATE = """
import json, sys
from whoosh import index
folder, name, doc_file = sys.argv[1:4]
document = json.load(open(doc_file, encoding="utf-8"))
ix = index.open_dir(folder, indexname=name)
writer = ix.writer(timeout=30.0, delay=0.05)
writer.update_document(**document)
writer.commit()
ix.close()
"""


def run(args: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])}... failed ({proc.returncode}):\n{proc.stderr}")
    return seconds


def median_ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:6.0f} ms (min {min(values) * 1000:.0f})"


def prepare(dest: Path, n: int, env: dict[str, str]) -> None:
    if not (dest / "entries").is_dir():
        print(f"generating {n} entries in {dest} ...", file=sys.stderr)
        generate(dest, n, seed=1)
    started = time.perf_counter()
    run([*CHRONICLE, "--root", str(dest), "index"], env)
    print(f"index brought up to date in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def existing_document(dest: Path) -> tuple[Path, str, dict[str, object]]:
    """The Whoosh folder, index name and document of one entry already indexed."""
    from chronicle import index
    from chronicle.catalog import open_catalog
    from chronicle.config import find_chronicle

    chronicle = find_chronicle(dest)
    catalog = open_catalog(chronicle)
    try:
        entry = catalog.get(min(catalog.ids()))
    finally:
        catalog.close()
    assert entry is not None
    relpath = entry.path.split("/", 1)[1]  # the index keys documents by path under entries/
    document = index.entry_document(relpath, entry)
    return index.whoosh_dir(chronicle), index.index_name(), document


def in_process_figures(dest: Path, document: dict[str, object]) -> tuple[float, float]:
    """(nothing-changed catalog check, warm single-document Whoosh update) in seconds."""
    from whoosh import index as whoosh_index

    from chronicle import index
    from chronicle.catalog import open_catalog
    from chronicle.config import find_chronicle

    chronicle = find_chronicle(dest)
    catalog = open_catalog(chronicle)
    try:
        started = time.perf_counter()
        catalog.refresh()
        refresh = time.perf_counter() - started
    finally:
        catalog.close()
    ix = whoosh_index.open_dir(str(index.whoosh_dir(chronicle)), indexname=index.index_name())
    ix.close()  # the first open pays for the imports; time a warm one
    updates = []
    for _ in range(3):
        started = time.perf_counter()
        ix = whoosh_index.open_dir(str(index.whoosh_dir(chronicle)), indexname=index.index_name())
        writer = ix.writer(timeout=30.0, delay=0.05)
        writer.update_document(**document)
        writer.commit()
        ix.close()
        updates.append(time.perf_counter() - started)
    return refresh, statistics.median(updates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="entries (default 100000)")
    parser.add_argument("--dest", type=Path, help="chronicle to use or create "
                        "(default: a new temporary folder)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    dest = args.dest or Path(tempfile.mkdtemp(prefix="chronicle-add-")) / "chronicle"
    env = {**os.environ, "NO_COLOR": "1", "CHRONICLE_ROOT": str(dest)}
    env.pop("CHRONICLE_DEBUG", None)
    prepare(dest, args.n, env)

    folder, name, document = existing_document(dest)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(document, handle)
    bare_script = [PYTHON, "-c", BARE_UPDATE, str(folder), name, handle.name]

    stamp = time.strftime("%H%M%S")
    adds, bares, ids = [], [], []
    for number in range(args.runs):
        # Alternate, so both see the same disk cache and segment count.
        title = f"Benchmark entry {stamp} {number}"
        started = time.perf_counter()
        proc = subprocess.run(
            [*CHRONICLE, "add", "--title", title, "--date", "17 April 2014",
             "--place", "Belgrade", "--person", "Aleksandar Vučić", "--tag", "visit",
             "--summary", "Added by benchmarks/bench_add.py."],
            env=env, capture_output=True, text=True, check=False,
        )
        adds.append(time.perf_counter() - started)
        if proc.returncode != 0:
            raise SystemExit(f"chronicle add failed:\n{proc.stderr}")
        ids.append(proc.stdout.strip())
        bares.append(run(bare_script, env))
    startup = [run([PYTHON, "-c", "pass"], env) for _ in range(args.runs)]
    help_ = [run([*CHRONICLE, "--help"], env) for _ in range(args.runs)]
    refresh, warm_update = in_process_figures(dest, document)

    if ids:
        run([*CHRONICLE, "rm", "--yes", *ids], env)
    os.unlink(handle.name)

    add_median = statistics.median(adds)
    bare_median = statistics.median(bares)
    print(f"chronicle add, {args.n} entries, index update included ({args.runs} runs, "
          "fresh processes):")
    print(f"  chronicle add                      {median_ms(adds)}")
    print(f"  bare Whoosh single-document update {median_ms(bares)}  (baseline)")
    print(f"  ratio add / baseline               {add_median / bare_median:6.2f}x")
    print("breakdown:")
    print(f"  python -c pass                     {median_ms(startup)}")
    print(f"  chronicle --help                   {median_ms(help_)}")
    print(f"  catalog 'nothing changed' check    {refresh * 1000:6.0f} ms (in process)")
    print(f"  warm Whoosh update + commit        {warm_update * 1000:6.0f} ms (in process)")
    print(f"  goal: under 500 ms -> {'met' if add_median < 0.5 else 'not met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
