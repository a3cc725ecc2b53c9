"""One table of what a user feels at 10k and 100k entries, each figure beside its reference.

    .venv/bin/python benchmarks/bench_table.py --data /var/tmp/chronicle-bench
    .venv/bin/python benchmarks/bench_table.py --n 10000 --runs 3 --word treaty

For each size N it uses the generated chronicle ``DATA/chronicle-N`` (made by generate.py
with seed 1 when missing, and never written to afterwards, so other benchmarks and people
can share it) and a working copy of it, ``DATA/work-N-CHECKOUT`` (copied once, then kept
and reused; CHECKOUT is the name of this repository's folder, so two checkouts never
share an index). The first ``chronicle index`` of a new working copy is timed too.

Every figure is the median of --runs fresh processes (peak memory: the largest of them,
for the whole process tree: the program and any worker processes it starts, summed).
The references run in the same loop as the command they are compared with, so a ratio
holds however busy the machine is:

- ``chronicle search WORD`` (index current) against ``bench_search_whoosh.py search``,
  a bare Whoosh script that opens the same index and runs the same word, and against
  ``grep -rli WORD entries``;
- ``chronicle --help`` and ``chronicle search --help`` against ``python -c pass``;
- shell completion (one Tab, answered through Click's bash protocol) of entry ids, a
  folder of ids, people and tags, against ``python -c pass``: the row is the slowest.

With ``--watch`` the commands that stat every entry file (search, index, list, timeline,
stats, export) are timed again while ``chronicle watch`` runs, the search again beside the
bare script.

The table is printed last, as Markdown; lines above it show each figure as it is taken.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import add_size_options, measure_as_installed, run_tree  # noqa: E402

measure_as_installed()

PYTHON = sys.executable
CHRONICLE = str(Path(PYTHON).with_name("chronicle"))
STATS_BY = ["auto", "year", "month", "decade", "century", "tag", "person", "place", "source"]


@dataclass
class Figure:
    seconds: float  # median
    peak_mb: float  # largest peak RSS of the runs
    codes: set[int] = field(default_factory=set)
    cpu: float = 0.0  # median user + system CPU seconds: steadier than wall on a busy machine

    def text(self, memory: bool = False) -> str:
        ms = self.seconds * 1000
        shown = f"{ms:.0f} ms" if ms < 2000 else f"{self.seconds:.2f} s"
        if memory:
            shown += f", {self.peak_mb:.0f} MB"
        if self.codes - {0}:
            shown += f" (exit {','.join(map(str, sorted(self.codes)))})"
        return shown


def run_once(args: list[str], env: dict[str, str], cwd: Path,
             cpu: list[float] | None = None) -> tuple[float, float, int]:
    """(seconds, peak RSS in MB, exit code) of one fresh process, output discarded;
    its user + system CPU seconds (its children's included) are appended to ``cpu``.

    The peak is the process tree's (the program and its worker processes together,
    sampled from /proc), never less than wait4's figure for the largest single process,
    which is exact for a program that starts no other.
    """
    run = run_tree(args, env, cwd)
    if cpu is not None:
        cpu.append(run.user_s + run.system_s)
    return run.seconds, max(run.tree_peak_mb, run.largest_mb), run.code


def measure(commands: dict[str, list[str]], env: dict[str, str], cwd: Path,
            runs: int) -> dict[str, Figure]:
    """Run the commands in turn, ``runs`` rounds, so they share whatever load there is."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    cpus: dict[str, list[float]] = {name: [] for name in commands}
    figures = {name: Figure(0.0, 0.0) for name in commands}
    for _ in range(runs):
        for name, args in commands.items():
            seconds, peak, code = run_once(args, env, cwd, cpus[name])
            times[name].append(seconds)
            figures[name].peak_mb = max(figures[name].peak_mb, peak)
            figures[name].codes.add(code)
    for name, values in times.items():
        figures[name].seconds = statistics.median(values)
        figures[name].cpu = statistics.median(cpus[name])
    return figures


def against(ours: Figure, bare: Figure) -> str:
    """The reference's figure and the ratio, by wall time and by CPU time."""
    return (f"bare Whoosh {bare.text()} ({ours.seconds / bare.seconds:.1f}x); CPU "
            f"{ours.cpu * 1000:.0f} / {bare.cpu * 1000:.0f} ms ({ours.cpu / bare.cpu:.2f}x)")


def completion_request(line: str) -> list[str]:
    """``chronicle`` asked, as bash asks it, to complete ``line`` (the cursor at its end):
    through ``env``, so that each request carries its own variables."""
    words = f"chronicle {line}"
    return ["env", "_CHRONICLE_COMPLETE=complete_bash", f"COMP_WORDS={words}",
            f"COMP_CWORD={len(words.split(' ')) - 1}", CHRONICLE]


def ensure_generated(data: Path, n: int) -> Path:
    pristine = data / f"chronicle-{n}"
    if (pristine / "entries").is_dir():
        return pristine
    from benchmarks.generate import generate

    building = data / f".chronicle-{n}.partial"
    shutil.rmtree(building, ignore_errors=True)
    info = generate(building, n, seed=1)
    building.rename(pristine)
    print(f"generated {info.entries:,} entries in {pristine} ({info.seconds:.1f} s)", flush=True)
    return pristine


def ensure_working_copy(data: Path, n: int, pristine: Path) -> tuple[Path, bool]:
    work = data / f"work-{n}-{HERE.parent.name}"
    if (work / "entries").is_dir():
        return work, False
    partial = work.with_name(work.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    subprocess.run(["cp", "-a", str(pristine), str(partial)], check=True)
    shutil.rmtree(partial / "index", ignore_errors=True)
    (partial / "index").mkdir()
    partial.rename(work)
    return work, True


class Table:
    def __init__(self, sizes: list[int]) -> None:
        self.sizes = sizes
        self.rows: dict[str, dict[int, str]] = {}
        self.notes: dict[str, dict[int, str]] = {}

    def put(self, command: str, n: int, value: str, note: str = "") -> None:
        self.rows.setdefault(command, {})[n] = value
        if note:
            self.notes.setdefault(command, {})[n] = note
        print(f"  {n:>7,}  {command:<48} {value:>18}  {note}", flush=True)

    def markdown(self) -> str:
        head = "| command | " + " | ".join(f"{n // 1000}k" for n in self.sizes)
        lines = [head + " | reference in the same run |",
                 "|---|" + "---|" * len(self.sizes) + "---|"]
        for command, cells in self.rows.items():
            values = " | ".join(cells.get(n, "") for n in self.sizes)
            notes = self.notes.get(command, {})
            note = " / ".join(f"{n // 1000}k: {notes[n]}" for n in self.sizes if n in notes)
            lines.append(f"| `{command}` | {values} | {note} |")
        return "\n".join(lines)


def bench_size(n: int, data: Path, args: argparse.Namespace, table: Table) -> None:
    pristine = ensure_generated(data, n)
    work, new = ensure_working_copy(data, n, pristine)
    env = dict(os.environ, CHRONICLE_ROOT=str(work), NO_COLOR="1", COLUMNS="100")
    print(f"n={n:,}: {work}", flush=True)

    def one(label: str, cmd: list[str], runs: int = args.runs, memory: bool = True,
            note: Callable[[Figure], str] | None = None) -> Figure:
        figure = measure({label: cmd}, env, work, runs)[label]
        table.put(label, n, figure.text(memory),
                  note(figure) if note else f"CPU {figure.cpu * 1000:.0f} ms")
        return figure

    if new:
        one("chronicle index (first build)", [CHRONICLE, "index"], runs=1)
    run_once([CHRONICLE, "index"], env, work)  # whatever changed since the last run

    word = args.word
    search = measure({
        "chronicle": [CHRONICLE, "search", word, "-n", "20"],
        "whoosh": [PYTHON, str(HERE / "bench_search_whoosh.py"), "search", str(work), word],
        "grep": ["grep", "-rli", word, "entries"],
    }, env, work, args.runs)
    ours, bare, grep = search["chronicle"], search["whoosh"], search["grep"]
    table.put(f"chronicle search {word}", n, ours.text(True), against(ours, bare))
    table.put(f"grep -rli {word} entries", n, grep.text(),
              f"chronicle search / grep {ours.seconds / grep.seconds:.2f}x")

    helps = measure({
        "top": [CHRONICLE, "--help"],
        "search": [CHRONICLE, "search", "--help"],
        "pass": [PYTHON, "-c", "pass"],
    }, env, work, args.runs)
    table.put("chronicle --help", n, helps["top"].text(), f"python -c pass {helps['pass'].text()}")
    table.put("chronicle search --help", n, helps["search"].text())

    year = args.year
    tabs = {f"chronicle {line}<Tab>": completion_request(line) for line in (
        "show ", f"show {year}/", "list --person A", "list --tag ")}
    answers = measure({**tabs, "pass": [PYTHON, "-c", "pass"]}, env, work, args.runs)
    slowest = max(tabs, key=lambda label: answers[label].seconds)
    each = ", ".join(f"{label.removeprefix('chronicle ')} {answers[label].text()}"
                     for label in tabs)
    cpu = answers[slowest].cpu / answers["pass"].cpu if answers["pass"].cpu else 0.0
    table.put("completion (slowest Tab)", n, answers[slowest].text(),
              f"python -c pass {answers['pass'].text()} (CPU {cpu:.1f}x); {each}")

    one("chronicle index (nothing to do)", [CHRONICLE, "index"])
    one(f"chronicle list --year {args.year} --format ids",
        [CHRONICLE, "list", "--year", args.year, "--format", "ids"])
    one(f"chronicle list --year {args.year} (piped)", [CHRONICLE, "list", "--year", args.year])
    one(f"chronicle timeline --year {args.year}", [CHRONICLE, "timeline", "--year", args.year])
    for by in STATS_BY:
        command = [CHRONICLE, "stats"] + ([] if by == "auto" else ["--by", by])
        one("chronicle stats" + ("" if by == "auto" else f" --by {by}"), command,
            runs=args.slow_runs)
    one("chronicle export --format json", [CHRONICLE, "export", "--format", "json"],
        runs=args.slow_runs)
    if args.html:
        one("chronicle export --format html", [CHRONICLE, "export", "--format", "html"],
            runs=args.slow_runs)
    if args.watch:
        watched_rows(n, work, env, args, table)
    if args.rebuild:
        one("chronicle index --rebuild", [CHRONICLE, "index", "--rebuild"], runs=1)


def watched_rows(n: int, work: Path, env: dict[str, str], args: argparse.Namespace,
                 table: Table) -> None:
    """The commands that stat every entry file, again while ``chronicle watch`` runs
    (commands then ask it instead of statting; see README, "Large chronicles")."""
    log = work / "index" / "bench-watch.log"
    with open(log, "wb") as out:
        watcher = subprocess.Popen([CHRONICLE, "watch"], stdout=out, stderr=subprocess.STDOUT,
                                   env=env, cwd=work)
    try:
        deadline = time.monotonic() + 600
        while b"Watching" not in log.read_bytes():
            if watcher.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"chronicle watch did not start: {log.read_text()}")
            time.sleep(0.2)
        word, suffix = args.word, " (watch running)"
        search = measure({
            "chronicle": [CHRONICLE, "search", word, "-n", "20"],
            "whoosh": [PYTHON, str(HERE / "bench_search_whoosh.py"), "search", str(work), word],
        }, env, work, args.runs)
        ours, bare = search["chronicle"], search["whoosh"]
        table.put(f"chronicle search {word}{suffix}", n, ours.text(True), against(ours, bare))
        for label, command in [
            ("chronicle index (nothing to do)", [CHRONICLE, "index"]),
            (f"chronicle list --year {args.year} --format ids",
             [CHRONICLE, "list", "--year", args.year, "--format", "ids"]),
            (f"chronicle list --year {args.year} (piped)",
             [CHRONICLE, "list", "--year", args.year]),
            (f"chronicle timeline --year {args.year}",
             [CHRONICLE, "timeline", "--year", args.year]),
        ]:
            figure = measure({label: command}, env, work, args.runs)[label]
            table.put(label + suffix, n, figure.text(True), f"CPU {figure.cpu * 1000:.0f} ms")
        for label, command in [
            ("chronicle stats", [CHRONICLE, "stats"]),
            ("chronicle stats --by person", [CHRONICLE, "stats", "--by", "person"]),
            ("chronicle export --format json", [CHRONICLE, "export", "--format", "json"]),
        ]:
            figure = measure({label: command}, env, work, args.slow_runs)[label]
            table.put(label + suffix, n, figure.text(True), f"CPU {figure.cpu * 1000:.0f} ms")
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_size_options(parser, "where generated chronicles and working copies are kept")
    parser.add_argument("--runs", type=int, default=7, help="runs of each quick command")
    parser.add_argument("--slow-runs", type=int, default=3,
                        help="runs of stats and export (seconds each at 100k)")
    parser.add_argument("--word", default="commission", help="the word searched for")
    parser.add_argument("--year", default="2014")
    parser.add_argument("--html", action="store_true", help="also time export --format html")
    parser.add_argument("--rebuild", action="store_true",
                        help="also time index --rebuild (minutes at 100k)")
    parser.add_argument("--watch", action="store_true",
                        help="also time search, index, list, timeline, stats and export "
                        "with chronicle watch running")
    args = parser.parse_args(argv)
    args.data.mkdir(parents=True, exist_ok=True)
    sizes = args.n or [10_000, 100_000]
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}", flush=True)
    table = Table(sizes)
    for n in sizes:
        bench_size(n, args.data, args, table)
    print(f"\nload {os.getloadavg()[0]:.1f} at the end; medians of {args.runs} runs "
          f"({args.slow_runs} for stats and export); MB = peak RSS of the process tree\n")
    print(table.markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
