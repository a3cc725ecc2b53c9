"""What the watcher started on demand costs and saves: the first command (which starts
it), the commands after it, and the watcher's own CPU and memory.

    python benchmarks/bench_autowatch.py --work /tmp/work-100000 --rounds 3 --runs 3

``--work`` is a working copy of a chronicle with its catalog and index built (it is
written to: its catalog, index and watcher files). Each round, in turns:

- with no watcher, ``CHRONICLE_WATCH=0``: the commands, each ``--runs`` times;
- no watcher, as the user set it (``--setting``: ``default``, neither ``watch:`` nor
  ``CHRONICLE_WATCH`` set, which starts one on a chronicle of 20,000 entry files or more
  on a local disk; or ``1``): the first command, which checks every file and starts the
  watcher as it ends (the spawn is in its figures; the watcher is not);
- until the watcher answers: how long, and the watcher's CPU for its start and first scan;
- the same commands again, answered by the watcher;
- the watcher's CPU over ``--idle`` seconds with nothing to do, and its memory;
- ``chronicle watch --stop``.

Figures are medians; CPU is user+sys of the command's process tree (the watcher is not
the command's child: its CPU is read from /proc). The load is printed with them.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from benchmarks.common import measure_as_installed, run_tree  # noqa: E402

CHRONICLE = str(Path(sys.executable).with_name("chronicle"))


def load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf(
        "SC_PAGE_SIZE") / 2**20


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=30.0)
    parser.add_argument("--word", default="commission")
    parser.add_argument("--year", default="2014")
    parser.add_argument("--setting", choices=["default", "1"], default="default",
                        help="how commands are told to start the watcher: by default on a "
                        "large chronicle, or CHRONICLE_WATCH=1")
    args = parser.parse_args(argv)
    measure_as_installed()
    from chronicle import watch_control
    from chronicle.config import find_chronicle
    from chronicle.watcher import ask_status

    work = args.work.resolve()
    chronicle = find_chronicle(work)
    base = {key: value for key, value in os.environ.items() if key != "CHRONICLE_WATCH"}
    base["CHRONICLE_ROOT"] = str(work)
    off = {**base, "CHRONICLE_WATCH": "0"}
    on = base if args.setting == "default" else {**base, "CHRONICLE_WATCH": "1"}
    if args.setting == "default" and chronicle.config.watch is not None:
        raise SystemExit(f"{work}/chronicle.yaml says watch: {chronicle.config.watch}; "
                         "--setting default measures the default")
    commands = {
        f"search {args.word}": [CHRONICLE, "search", args.word, "-n", "20"],
        f"list --year {args.year} --format ids":
            [CHRONICLE, "list", "--year", args.year, "--format", "ids"],
        "index (nothing to do)": [CHRONICLE, "index"],
    }
    first_label = f"search {args.word}"
    watch_control.stop(chronicle)
    run_tree([CHRONICLE, "index"], env=off)  # bring catalog and index in step first
    figures: dict[str, list[tuple[float, float]]] = {}
    loads = [load()]
    notes: list[str] = []

    def put(label: str, wall: float, cpu: float) -> None:
        figures.setdefault(label, []).append((wall, cpu))

    for round_number in range(args.rounds):
        for label, command in commands.items():
            for _ in range(args.runs):
                run = run_tree(command, env=off)
                put(f"{label}, no watcher", run.seconds, run.user_s + run.system_s)
        # The first command: no watcher answers; it scans and starts one as it ends.
        run = run_tree(commands[first_label], env=on)
        ended = time.monotonic()
        put(f"{first_label}, first (starts the watcher)", run.seconds,
            run.user_s + run.system_s)
        assert watch_control.is_running(chronicle), "the first command started no watcher"
        while True:
            answer = ask_status(chronicle, timeout=5)
            if answer and answer.get("ready"):
                break
            time.sleep(0.05)
        pid = answer["pid"]
        put("watcher: start until it answers (wall) / its CPU", time.monotonic() - ended,
            proc_cpu(pid))
        for label, command in commands.items():
            for _ in range(args.runs):
                run = run_tree(command, env=on)
                put(f"{label}, watcher answering", run.seconds, run.user_s + run.system_s)
        if round_number == 0:
            before = proc_cpu(pid)
            time.sleep(args.idle)
            notes.append(f"watcher idle: {(proc_cpu(pid) - before) * 1000:.0f} ms CPU over "
                         f"{args.idle:g} s; resident memory {proc_rss_mb(pid):.0f} MB")
        watch_control.stop(chronicle)
        loads.append(load())

    width = max(len(label) for label in figures)
    print(f"{'':{width}}  {'wall (median)':>14}  {'CPU (median)':>13}  runs")
    for label, values in figures.items():
        wall = statistics.median(v[0] for v in values)
        cpu = statistics.median(v[1] for v in values)
        print(f"{label:{width}}  {wall * 1000:>11.0f} ms  {cpu * 1000:>10.0f} ms  {len(values)}")
    for note in notes:
        print(note)
    print(f"load (1, 5, 15 min) at the start and after each round: {' | '.join(loads)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
