"""`list` and `timeline` of one busy year, before and after, in a pipe and on a terminal.

    .venv/bin/python benchmarks/bench_listing.py WORK --baseline-ref main [--watch]
        [--baseline-work WORK2]

WORK is a chronicle whose catalog is current (a working copy of ``bench_table.py``;
only read, apart from the catalog's own upkeep). Each command runs as this checkout's
code and as the baseline's (``git archive`` of REF, put first on PYTHONPATH), taking
turns, so both share whatever load the machine has. Each runs with its output to a
pipe and on a pseudo-terminal of --columns columns (colour on), and the two versions'
outputs are compared byte for byte. With ``--watch`` the same again while
``chronicle watch`` runs (commands then skip statting every entry file).

When the two versions keep catalogs of different schemas, give the baseline its own
copy of the chronicle (``--baseline-work``), else each run would rebuild the other's
catalog. A copy whose ``entries`` is a link to WORK's entries keeps the files' stat
signatures, so neither catalog reads them again.

Figures: median wall time and median user + system CPU of --runs fresh processes.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import measure_as_installed  # noqa: E402

measure_as_installed()

PYTHON = sys.executable


def run(args: list[str], env: dict[str, str], cwd: Path,
        terminal: tuple[int, int] | None) -> tuple[float, float, bytes]:
    """(wall seconds, user + system CPU seconds, stdout) of one process; on a
    pseudo-terminal of ``terminal`` (columns, lines) when given, else into a pipe."""
    started = time.perf_counter()
    if terminal is None:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=env, cwd=cwd)
        assert proc.stdout is not None
        out = proc.stdout.read()
    else:
        master, slave = pty.openpty()
        columns, lines = terminal
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        attrs = termios.tcgetattr(slave)
        attrs[1] &= ~termios.ONLCR  # keep "\n" as written, for the comparison
        termios.tcsetattr(slave, termios.TCSANOW, attrs)
        proc = subprocess.Popen(args, stdout=slave, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, env=env, cwd=cwd)
        os.close(slave)
        chunks: list[bytes] = []

        def drain() -> None:
            while True:
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:  # EIO: the terminal's last writer closed it
                    return
                if not chunk:
                    return
                chunks.append(chunk)

        reader = threading.Thread(target=drain)
        reader.start()
        out = b""
    _, _, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if terminal is not None:
        reader.join()
        os.close(master)
        out = b"".join(chunks)
    proc.returncode = 0
    return seconds, usage.ru_utime + usage.ru_stime, out


def baseline_tree(ref: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="chronicle-baseline-"))
    archive = subprocess.run(["git", "-C", str(HERE.parent), "archive", ref, "src"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder / "src"


def measure(works: dict[str, Path], baseline_src: Path, commands: list[list[str]],
            runs: int, columns: int, suffix: str) -> None:
    base = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    base.pop("NO_COLOR", None)
    base.pop("COLUMNS", None)
    sides = {"before": dict(base, PYTHONPATH=str(baseline_src),
                            CHRONICLE_ROOT=str(works["before"])),
             "after": dict(base, CHRONICLE_ROOT=str(works["after"]))}
    for command in commands:
        for terminal in (None, (columns, 50)):
            times: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
            outputs: dict[str, bytes] = {}
            for _ in range(runs):
                for side, env in sides.items():
                    wall, cpu, out = run([PYTHON, "-m", "chronicle", *command], env,
                                         works[side], terminal)
                    times[side].append((wall, cpu))
                    outputs[side] = out
            where = f"terminal {columns} columns" if terminal else "pipe"
            label = f"chronicle {' '.join(command)} ({where}{suffix})"
            figures = {
                side: (statistics.median(w for w, _ in values) * 1000,
                       statistics.median(c for _, c in values) * 1000)
                for side, values in times.items()
            }
            same = "same output" if outputs["before"] == outputs["after"] else "OUTPUT DIFFERS"
            (bw, bc), (aw, ac) = figures["before"], figures["after"]
            print(f"| {label} | {bw:.0f} ms (CPU {bc:.0f}) | {aw:.0f} ms (CPU {ac:.0f}) | "
                  f"{bc / ac:.2f}x | {len(outputs['after']):,} bytes, {same} | "
                  f"load {os.getloadavg()[0]:.1f} |", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path, help="a chronicle with a current catalog")
    parser.add_argument("--baseline-ref", default="main")
    parser.add_argument("--baseline-work", type=Path,
                        help="the chronicle the baseline runs in (default: WORK)")
    parser.add_argument("--year", default="2014")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--columns", type=int, default=120)
    parser.add_argument("--watch", action="store_true",
                        help="also measure with chronicle watch running")
    parser.add_argument("--only", choices=["timeline", "list", "ids", "show"], action="append")
    args = parser.parse_args()
    work = args.work.resolve()
    works = {"before": (args.baseline_work or args.work).resolve(), "after": work}
    commands = {
        "timeline": ["timeline", "--year", args.year],
        "list": ["list", "--year", args.year],
        "ids": ["list", "--year", args.year, "--format", "ids"],
        "show": ["show", "--format", "text", _some_id(work, args.year)],
    }
    chosen = [commands[name] for name in args.only or commands]
    baseline_src = baseline_tree(args.baseline_ref)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}; before = {args.baseline_ref}, after = this checkout; "
          f"medians of {args.runs}\n")
    print("| command | before | after | CPU before/after | output | load |")
    print("|---|---|---|---|---|---|")
    measure(works, baseline_src, chosen, args.runs, args.columns, "")
    if args.watch:
        # One watcher per chronicle, each of the version that reads it.
        watchers = []
        try:
            for side, folder in works.items():
                if any(folder == other for other, _ in watchers):
                    continue
                env = dict(os.environ, CHRONICLE_ROOT=str(folder))
                if side == "before" and folder != work:
                    env["PYTHONPATH"] = str(baseline_src)
                watchers.append((folder, _start_watcher(folder, env)))
            measure(works, baseline_src, chosen, args.runs, args.columns, ", watch running")
        finally:
            for _, watcher in watchers:
                stop_watcher(watcher)
    return 0


def _start_watcher(work: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = work / "index" / "bench-listing-watch.log"
    with open(log, "wb") as out:
        watcher = subprocess.Popen([PYTHON, "-m", "chronicle", "watch"], stdout=out,
                                   stderr=subprocess.STDOUT, cwd=work, env=env)
    deadline = time.monotonic() + 120
    while b"Watching" not in log.read_bytes():
        if watcher.poll() is not None or time.monotonic() > deadline:
            watcher.kill()
            raise SystemExit(f"chronicle watch did not start: {log.read_text()}")
        time.sleep(0.2)
    return watcher


def stop_watcher(watcher: subprocess.Popen[bytes]) -> None:
    watcher.terminate()
    try:
        watcher.wait(timeout=30)
    except subprocess.TimeoutExpired:
        watcher.kill()
        watcher.wait()


def _some_id(work: Path, year: str) -> str:
    folder = work / "entries" / year
    first = min(path.name for path in folder.glob("*.yaml"))
    return f"{year}/{first.removesuffix('.yaml')}"


if __name__ == "__main__":
    sys.exit(main())
