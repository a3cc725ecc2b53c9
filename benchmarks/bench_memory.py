"""Peak memory of every command, once each, on one chronicle.

    .venv/bin/python benchmarks/bench_memory.py DIR/work-100000-CHECKOUT
    .venv/bin/python benchmarks/bench_memory.py WORK --only export --limit-mb 300

Runs each command a user runs on a chronicle (search, list, timeline, show, stats by
every ``--by``, names, export in every format with and without a query, check, the
nothing-to-do ``index``; ``--rebuild`` adds ``index --rebuild``, minutes at 100k;
``--broad`` adds every command that can be handed most of the chronicle, in every format:
``search`` of a query matching most entries with ``--limit 0`` (both sorts),
``timeline`` of that query and of everything, ``list`` of everything, ``export`` of that
query) as a fresh process, output into a pipe that is read and thrown away, and prints per command:
the peak of the whole process tree (the program and its workers, resident memory summed,
sampled from /proc every 20 ms, as bench_build.py counts it), wait4's largest single process (what
``/usr/bin/time -f %M`` reports), wall and user+system CPU seconds, and the exit code.
Commands over ``--limit-mb`` (300 MB: the goal at 100,000 entries) are marked.
``--baseline-src SRC`` also runs each command as the code in SRC (``git archive REV src |
tar -x -C SRC``, run with this Python and ``PYTHONPATH=SRC/src``), the two in turn, so
both see the same load; the table then has a row for each.

WORK must have a current catalog and index (any built working copy; it is not written to
beyond what the commands themselves write: ``index`` may bring it up to date). Without a
watcher running there, every command does its own freshness check: the worst case.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import Run, measure_as_installed, run_tree  # noqa: E402

measure_as_installed()

CHRONICLE = str(Path(sys.executable).with_name("chronicle"))
STATS_BY = ["auto", "year", "month", "decade", "century", "tag", "person", "place", "source"]
FORMATS = ["json", "jsonl", "csv", "markdown", "ics", "timelinejs", "html"]
#: A query matching most entries of a generated chronicle.
BROAD = "commission OR government OR ambassador OR the"


def broad_commands(query: str) -> list[list[str]]:
    """Every command that can be handed most of the chronicle, in each of its formats."""
    from chronicle.formats import choices

    listed: list[list[str]] = []
    for fmt in ["table", *choices("search")]:
        listed.append(["search", query, "--limit", "0", "--format", fmt])
    listed.append(["search", query, "--limit", "0", "--sort", "date", "--format", "ids"])
    for fmt in ["text", *choices("timeline")]:
        listed.append(["timeline", query, "--format", fmt])
        listed.append(["timeline", "--format", fmt])
    for fmt in ["table", *choices("list")]:
        listed.append(["list", "--format", fmt])
    listed.extend(["export", query, "--format", fmt] for fmt in FORMATS)
    return listed


def commands(entry_id: str, word: str, year: str, rebuild: bool,
             broad: str | None = None) -> list[list[str]]:
    if broad is not None:
        return broad_commands(broad)
    listed = [
        ["search", word],
        ["list", "--year", year],
        ["list", "--year", year, "--format", "ids"],
        ["list", "--year", year, "--format", "json"],
        ["timeline", "--year", year],
        ["show", entry_id],
        *(["stats"] if by == "auto" else ["stats", "--by", by] for by in STATS_BY),
        ["names"],
        *(["export", "--format", fmt] for fmt in FORMATS),
        *(["export", word, "--format", fmt] for fmt in FORMATS),
        ["check"],
        ["index"],
    ]
    if rebuild:
        listed.append(["index", "--rebuild"])
    return listed


def first_id(work: Path, env: dict[str, str]) -> str:
    out = subprocess.run([CHRONICLE, "list", "--year", "2014", "--format", "ids", "--limit",
                          "1"], env=env, cwd=work, capture_output=True, text=True, check=True)
    return out.stdout.split()[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="a chronicle with a current catalog and index")
    parser.add_argument("--word", default="commission")
    parser.add_argument("--year", default="2014")
    parser.add_argument("--only", action="append",
                        help="only commands whose first word is this (repeatable)")
    parser.add_argument("--rebuild", action="store_true", help="also index --rebuild")
    parser.add_argument("--broad", nargs="?", const=BROAD, metavar="QUERY",
                        help="instead, the commands handed most of the chronicle, with "
                        f"this query (default: {BROAD!r})")
    parser.add_argument("--limit-mb", type=float, default=300.0)
    parser.add_argument("--baseline-src", type=Path,
                        help="also run each command as the src/ in this folder, in turn")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    env = dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1", CHRONICLE_WATCH="0")
    subprocess.run([CHRONICLE, "index"], env=env, cwd=work, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # current, untimed
    entry_id = first_id(work, env)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {work}, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    programs = {"this": ([CHRONICLE], env)}
    if args.baseline_src:
        base_env = dict(env, PYTHONPATH=str(args.baseline_src.resolve() / "src"))
        programs = {"baseline": ([sys.executable, "-m", "chronicle"], base_env), **programs}
    rows: list[tuple[str, Run, float]] = []
    with tempfile.TemporaryDirectory() as temporary:
        for command, label, (program, program_env) in (
                (command, label, program)
                for command in commands(entry_id, args.word, args.year, args.rebuild,
                                        args.broad)
                for label, program in programs.items()):
            if args.only and command[0] not in args.only:
                continue
            shown = " ".join(command) + (f" ({label})" if len(programs) > 1 else "")
            load = os.getloadavg()[0]
            # Output into a pipe, drained by a reader that throws it away (as `| wc`).
            drain = subprocess.Popen(["sh", "-c", "cat > /dev/null"], stdin=subprocess.PIPE)
            assert drain.stdin is not None
            err = Path(temporary) / "stderr"
            with open(err, "wb") as errors:
                run = run_tree([*program, *command], env=program_env, cwd=work, interval=0.02,
                               quiet=False, stdout=drain.stdin, stderr=errors)
            drain.stdin.close()
            drain.wait()
            rows.append((shown, run, load))
            mark = "  OVER" if run.tree_peak_mb > args.limit_mb else ""
            print(f"  {shown:<42} tree {run.tree_peak_mb:6.0f} MB  largest "
                  f"{run.largest_mb:6.0f} MB  {run.seconds:7.2f} s  cpu "
                  f"{run.user_s + run.system_s:7.2f} s  exit {run.code}  load {load:.1f}{mark}",
                  flush=True)
            if run.code not in (0, 1):
                print("    " + err.read_text(errors="replace").strip()[-400:], flush=True)
    print(f"\nload {os.getloadavg()[0]:.1f} at the end\n")
    print("| command | tree peak | largest process (`time -f %M`) | wall | user+sys CPU | exit |")
    print("|---|---|---|---|---|---|")
    for command, run, _ in rows:
        over = " **over**" if run.tree_peak_mb > args.limit_mb else ""
        print(f"| `{command}` | {run.tree_peak_mb:.0f} MB{over} | {run.largest_mb:.0f} MB | "
              f"{run.seconds:.2f} s | {run.user_s + run.system_s:.2f} s | {run.code} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
